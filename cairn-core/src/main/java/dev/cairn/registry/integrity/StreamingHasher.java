package dev.cairn.registry.integrity;

import dev.cairn.core.Hashing;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;

/** Hashes files one buffer at a time (constant memory, one buffer per hasher) and reports progress. */
final class StreamingHasher {
  /** 1 MiB reads: faster than 64 KiB ones in ManifestBench (docs/benchmarks.md), still constant memory. */
  private static final int BUFFER = 1 << 20;
  /** Progress is reported at most once per this many bytes (and after every file). */
  private static final long REPORT_EVERY = 8L << 20;

  private final byte[] buffer = new byte[BUFFER];
  private final HashProgress progress;
  private final long total;
  private long done;
  private long lastReport;

  StreamingHasher(HashProgress progress, long total) {
    this.progress = progress == null ? HashProgress.NONE : progress;
    this.total = total;
  }

  record Result(long size, String sha256) {}

  Result hash(Path file, String path) {
    MessageDigest digest = Hashing.sha256();
    long size = 0;
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
        size += n;
        done += n;
        if (done - lastReport >= REPORT_EVERY) {
          lastReport = done;
          progress.onProgress(done, total, path);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    lastReport = done;
    progress.onProgress(done, total, path);
    return new Result(size, Hashing.hex(digest.digest()));
  }

  long bytesDone() {
    return done;
  }
}
