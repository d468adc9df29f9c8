package dev.cairn.data.version;

import dev.cairn.store.ArtifactStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Stores for tests: SQLite opened through the shared database layer, and artifact store wrappers. */
final class TestStores {
  private TestStores() {}

  static DatasetVersionStore sqlite(Path dir) {
    return DatasetVersionStore.open("sqlite:" + dir.resolve("cairn.db"));
  }

  /** Delegates to a real store and counts writes; throws on the n-th put when asked, as a crash would. */
  static final class Wrapped implements ArtifactStore {
    final ArtifactStore inner;
    final AtomicInteger puts = new AtomicInteger();
    final AtomicInteger completedPuts = new AtomicInteger();
    final AtomicInteger stats = new AtomicInteger();
    volatile int failOnPut = -1;

    Wrapped(ArtifactStore inner) {
      this.inner = inner;
    }

    @Override
    public String rootUri() {
      return inner.rootUri();
    }

    @Override
    public StoredBlob put(String path, InputStream content) {
      if (puts.incrementAndGet() == failOnPut) {
        throw new IllegalStateException("simulated crash on put " + failOnPut);
      }
      StoredBlob stored = inner.put(path, content);
      completedPuts.incrementAndGet();
      return stored;
    }

    @Override
    public InputStream open(String path) {
      return inner.open(path);
    }

    @Override
    public StoredBlob stat(String path) {
      stats.incrementAndGet();
      return inner.stat(path);
    }

    @Override
    public List<ArtifactEntry> list(String directory) {
      return inner.list(directory);
    }

    @Override
    public void delete(String path) {
      inner.delete(path);
    }

    @Override
    public String createMultipartUpload(String path) {
      return inner.createMultipartUpload(path);
    }

    @Override
    public String uploadPart(String path, String uploadId, int partNumber, InputStream content) {
      return inner.uploadPart(path, uploadId, partNumber, content);
    }

    @Override
    public StoredBlob completeMultipartUpload(String path, String uploadId, List<CompletedPart> parts) {
      return inner.completeMultipartUpload(path, uploadId, parts);
    }

    @Override
    public void abortMultipartUpload(String path, String uploadId) {
      inner.abortMultipartUpload(path, uploadId);
    }

    @Override
    public dev.cairn.core.Health check() {
      return inner.check();
    }

    @Override
    public void close() {
      inner.close();
    }
  }
}
