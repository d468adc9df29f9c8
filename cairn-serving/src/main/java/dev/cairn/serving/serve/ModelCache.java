package dev.cairn.serving.serve;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.ml.bundle.ModelBundle;
import dev.cairn.registry.ModelVersion;
import dev.cairn.serving.runtime.LoadedModel;
import dev.cairn.serving.runtime.ModelRuntime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Loaded model versions shared by every deployment that routes to them, keyed by (name, version): a version two
 * deployments serve is loaded once. {@link #acquire} counts users; the last {@link #release} closes the model and
 * removes its local copy. Loading copies the version's files (through {@link BundleFiles}) into a folder under the
 * cache root, then verifies and warms the bundle there.
 */
public final class ModelCache implements AutoCloseable {
  /** A version's identity in the cache. */
  public record Key(String name, int version) {
    @Override
    public String toString() {
      return name + "/" + version;
    }
  }

  private static final class Entry {
    final LoadedModel model;
    final Path folder;
    int users;

    Entry(LoadedModel model, Path folder) {
      this.model = model;
      this.folder = folder;
    }
  }

  private final BundleFiles files;
  private final Path root;
  private final ModelRuntime runtime;
  private final Map<Key, Entry> entries = new HashMap<>();
  private final Map<Key, Object> loading = new HashMap<>();

  public ModelCache(BundleFiles files, Path root, ModelRuntime runtime) {
    this.files = files;
    this.root = root;
    this.runtime = runtime;
  }

  /**
   * The loaded model of {@code version}, loading it on first use; each call must be matched by a {@link #release}.
   * Two callers loading the same version wait for one load.
   */
  public LoadedModel acquire(ModelVersion version) {
    Key key = new Key(version.name(), version.version());
    Object lock;
    synchronized (this) {
      Entry e = entries.get(key);
      if (e != null) {
        e.users++;
        return e.model;
      }
      lock = loading.computeIfAbsent(key, k -> new Object());
    }
    synchronized (lock) { // loads run outside the cache's lock: other versions stay servable meanwhile
      synchronized (this) {
        Entry e = entries.get(key);
        if (e != null) {
          e.users++;
          return e.model;
        }
      }
      Entry loaded = load(key, version);
      synchronized (this) {
        loaded.users = 1;
        entries.put(key, loaded);
        loading.remove(key);
        return loaded.model;
      }
    }
  }

  private Entry load(Key key, ModelVersion version) {
    Path folder = null;
    try {
      Files.createDirectories(root);
      folder = Files.createTempDirectory(root, key.name().replaceAll("[^A-Za-z0-9._-]", "_") + "-v"
          + key.version() + "-");
      files.copy(version, folder);
      return new Entry(runtime.load(bundleFolder(folder, key)), folder);
    } catch (IOException e) {
      deleteTree(folder);
      throw new CairnException(ErrorCode.INTERNAL_ERROR, "loading model " + key + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      deleteTree(folder);
      throw e;
    }
  }

  /** The folder or its one sub-folder holding the bundle manifest. */
  public static Path bundleFolder(Path folder, Key key) throws IOException {
    if (Files.isRegularFile(folder.resolve(ModelBundle.MANIFEST_FILE))) {
      return folder;
    }
    try (Stream<Path> found = Files.find(folder, 4,
        (p, a) -> p.getFileName().toString().equals(ModelBundle.MANIFEST_FILE))) {
      List<Path> manifests = found.toList();
      if (manifests.size() != 1) {
        throw new CairnException(ErrorCode.INVALID_STATE, "model " + key + " has "
            + (manifests.isEmpty() ? "no" : String.valueOf(manifests.size())) + " " + ModelBundle.MANIFEST_FILE
            + " in its files; serving needs exactly one model bundle");
      }
      return manifests.get(0).getParent();
    }
  }

  /** Gives back one {@link #acquire}; the last user's release closes the model. */
  public void release(ModelVersion version) {
    Key key = new Key(version.name(), version.version());
    Entry closing;
    synchronized (this) {
      Entry e = entries.get(key);
      if (e == null || --e.users > 0) {
        return;
      }
      entries.remove(key);
      closing = e;
    }
    closing.model.close();
    deleteTree(closing.folder);
  }

  /** The versions loaded now. */
  public synchronized List<Key> loaded() {
    return entries.keySet().stream().sorted(Comparator.comparing(Key::name).thenComparingInt(Key::version)).toList();
  }

  @Override
  public void close() {
    List<Entry> all;
    synchronized (this) {
      all = List.copyOf(entries.values());
      entries.clear();
    }
    for (Entry e : all) {
      e.model.close();
      deleteTree(e.folder);
    }
    try {
      Files.deleteIfExists(root); // only when empty: a shared root keeps others' folders
    } catch (IOException e) {
      // not empty or not ours to remove
    }
  }

  private static void deleteTree(Path folder) {
    if (folder == null || !Files.exists(folder)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(folder)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a leftover temporary folder is harmless; the next start uses fresh ones
    }
  }
}
