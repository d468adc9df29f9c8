package dev.cairn.cli.data;

import dev.cairn.client.CairnClient;
import dev.cairn.client.DatasetVersionInfo;
import dev.cairn.client.DatasetsClient;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.data.version.AddProgress;
import dev.cairn.data.version.AddResult;
import dev.cairn.data.version.DatasetVersion;
import dev.cairn.data.version.DatasetVersionStore;
import dev.cairn.server.CairnServer;
import dev.cairn.data.version.DatasetVersioning;
import dev.cairn.data.version.StatCache;
import dev.cairn.data.version.TableProfiler;
import dev.cairn.server.CairnServer;
import dev.cairn.store.ArtifactStore;
import dev.cairn.store.ArtifactStores;
import dev.cairn.store.DataFolderLock;
import dev.cairn.store.MetadataStores;
import dev.cairn.store.sql.SqlDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import picocli.CommandLine.Option;

/** Where the data commands keep metadata, blobs and the stat cache; the defaults need no server and no setup. */
public final class StoreOptions {
  static final String DEFAULT_BACKEND = "sqlite:./cairn-data/cairn.db";
  static final String DEFAULT_ARTIFACTS = "file:./cairn-data/artifacts";

  @Option(names = "--backend-store-uri", defaultValue = "${env:CAIRN_BACKEND_STORE_URI:-" + DEFAULT_BACKEND + "}",
      description = "Metadata store: sqlite:PATH or postgresql://HOST/DB (default: ${DEFAULT-VALUE}).")
  public String backendStoreUri;

  @Option(names = "--artifacts-uri", defaultValue = "${env:CAIRN_ARTIFACTS_URI:-" + DEFAULT_ARTIFACTS + "}",
      description = "Blob store: file:PATH or s3://bucket/prefix (default: ${DEFAULT-VALUE}).")
  public String artifactsUri;

  @Option(names = "--stat-cache", defaultValue = "./.cairn/statcache",
      description = "File remembering hashes of unchanged files (default: ${DEFAULT-VALUE}).")
  public Path statCache;

  /**
   * The opened stores; closing it closes both. When a running server owns the data folder (its lock names
   * the server's URL), the database is opened read-only and writes go through that server's REST API, so the
   * CLI never competes with the server for SQLite's write lock.
   */
  final class Opened implements AutoCloseable {
    final DatasetVersionStore store;
    final ArtifactStore artifacts;
    final DatasetVersioning versioning;
    /** The server that owns the data folder, or null when this process opened the database itself. */
    final DatasetsClient server;
    private final StatCache hashes;

    Opened(TableProfiler profiler, DataFolderLock.Holder owner, SqlDatabase current) {
      this.server = owner == null ? null : dev.cairn.cli.Main.closedAtExit(CairnClient.connect(owner.url())).datasets();
      if (current != null) {
        this.store = DatasetVersionStore.onOwned(current);
      } else if (owner != null) {
        this.store = DatasetVersionStore.onOwned(MetadataStores.openDatabaseReadOnly(backendStoreUri,
            "a Cairn server (pid " + owner.pid() + ", " + owner.url() + ") owns this data folder; data writes"
                + " go through it"));
      } else {
        // the server's whole schema, so that a folder made here and one made by the server read alike
        this.store = DatasetVersionStore.onOwned(MetadataStores.openDatabase(backendStoreUri, CairnServer.MIGRATIONS));
      }
      ArtifactStore opened;
      try {
        opened = ArtifactStores.open(artifactsUri);
      } catch (RuntimeException e) {
        store.close();
        throw e;
      }
      this.artifacts = opened;
      this.hashes = StatCache.open(statCache);
      this.versioning = new DatasetVersioning(store, artifacts, hashes, profiler);
    }

    /**
     * Adds {@code path} as the next version of {@code name}: here, or through the server that owns the data
     * folder (files hashed here, with the stat cache; the blobs the server lacks uploaded; the version recorded
     * and profiled there).
     */
    AddResult add(Path path, String name, String message, String author, Map<String, String> tags,
        AddProgress progress, boolean allowUnparsed) {
      if (server == null) {
        return versioning.add(path, name, message, author, tags, progress, allowUnparsed);
      }
      if (allowUnparsed) {
        throw CairnException.invalid("--allow-unparsed is not available while a Cairn server owns the data folder;"
            + " fix the table, or stop the server and add it directly");
      }
      int[] filesHashed = {0};
      long[] bytesHashed = {0};
      byte[] buffer = new byte[1 << 20];
      progress.phase("hashing", sizeOf(path));
      long[] uploaded = {-1};
      DatasetsClient.Added a;
      try {
        a = server.addVersion(name, path, message, author, tags, file -> {
          StatCache.FileStamp stamp = StatCache.stamp(file);
          String sha = hashes.lookup(file, stamp);
          if (sha == null) {
            sha = DatasetVersioning.sha256(file, buffer, progress);
            hashes.remember(file, stamp, sha);
            filesHashed[0]++;
            bytesHashed[0] += stamp.size();
          } else {
            progress.advance(stamp.size()); // known from the stat cache: nothing to read
          }
          return sha;
        }, (done, total) -> {
          if (uploaded[0] < 0) {
            progress.phase("uploading", total);
            uploaded[0] = 0;
          }
          progress.advance(done - uploaded[0]);
          uploaded[0] = done;
        });
      } finally {
        hashes.flush();
      }
      DatasetVersionInfo v = a.version();
      return new AddResult(new DatasetVersion("", v.name(), v.version(), null, v.author(), v.message(),
          v.createdTime(), v.totalSize(), v.rowCount(), v.fileCount(), v.contentSha256(), "", v.tags(), null, null),
          a.isNew(), filesHashed[0], bytesHashed[0], a.blobsUploaded(), a.bytesUploaded());
    }

    /** The bytes of the regular files at or under {@code path}: the hashing phase's total (0 if unreadable). */
    private static long sizeOf(Path path) {
      try (Stream<Path> all = Files.walk(path)) {
        return all.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
      } catch (IOException | UncheckedIOException e) {
        return 0; // the add itself reports what cannot be read
      }
    }

    @Override
    public void close() {
      try {
        artifacts.close();
      } finally {
        store.close();
      }
    }
  }

  /** Opens the stores; through the running server when one owns the data folder. */
  Opened open() {
    quietLibraries();
    return new Opened(TableProfilers.available(), owningServer().orElse(null), null);
  }

  /**
   * Opens the stores for a command that writes nothing to the database (log, show, diff): an up-to-date SQLite
   * file is read without a pool, a writer thread or Flyway, and one made by another Cairn version is refused
   * rather than migrated (see {@link MetadataStores#openDatabaseIfCurrent}). Otherwise as {@link #open()}.
   */
  Opened openForReading() {
    Optional<DataFolderLock.Holder> owner = owningServer();
    Optional<SqlDatabase> current = owner.isPresent() ? Optional.empty() : MetadataStores.openDatabaseIfCurrent(
        backendStoreUri, CairnServer.MIGRATIONS, "this command only reads the data folder");
    if (current.isEmpty()) {
      quietLibraries(); // a pool, and Flyway, start: they log at INFO
    }
    try {
      return new Opened(TableProfilers.available(), owner.orElse(null), current.orElse(null));
    } catch (RuntimeException e) {
      current.ifPresent(SqlDatabase::close);
      throw e;
    }
  }

  /**
   * The live server that owns the data folder of a SQLite backend, if any. A folder locked by a process that
   * does not serve HTTP (yet) is an error: neither path would be safe.
   */
  public Optional<DataFolderLock.Holder> owningServer() {
    Optional<DataFolderLock.Holder> holder = DataFolderLock.folderOf(backendStoreUri).flatMap(DataFolderLock::holder);
    if (holder.isPresent() && holder.get().url() == null) {
      throw new CairnException(ErrorCode.CONFLICT, "the data folder of " + backendStoreUri + " is locked by "
          + (holder.get().pid() > 0 ? "pid " + holder.get().pid() : "another process")
          + ", which does not serve HTTP yet; try again once its server is up");
    }
    return holder;
  }

  /**
   * The pool and migration libraries log their start-up at INFO; on a command line that output would mix into
   * what scripts parse, so they are held to warnings (when Logback is the logging backend).
   */
  public static void quietLibraries() {
    if (org.slf4j.LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext context) {
      for (String name : new String[] {"com.zaxxer.hikari", "org.flywaydb"}) {
        context.getLogger(name).setLevel(ch.qos.logback.classic.Level.WARN);
      }
    }
    TRIBUO_LOG.setLevel(java.util.logging.Level.WARNING); // Tribuo logs each training's sizes through JUL
  }

  /** Held so the level set on it stays: JUL keeps loggers only weakly. */
  private static final java.util.logging.Logger TRIBUO_LOG = java.util.logging.Logger.getLogger("org.tribuo");
}
