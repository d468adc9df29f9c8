package dev.cairn.cli.data;

import dev.cairn.data.version.DatasetVersionStore;
import dev.cairn.data.version.DatasetVersioning;
import dev.cairn.data.version.StatCache;
import dev.cairn.data.version.TableProfiler;
import dev.cairn.store.ArtifactStore;
import dev.cairn.store.ArtifactStores;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where the data commands keep metadata, blobs and the stat cache; the defaults need no server and no setup. */
final class StoreOptions {
  static final String DEFAULT_BACKEND = "sqlite:./cairn-data/cairn.db";
  static final String DEFAULT_ARTIFACTS = "file:./cairn-data/artifacts";

  @Option(names = "--backend-store-uri", defaultValue = "${env:CAIRN_BACKEND_STORE_URI:-" + DEFAULT_BACKEND + "}",
      description = "Metadata store: sqlite:PATH or postgresql://HOST/DB (default: ${DEFAULT-VALUE}).")
  String backendStoreUri;

  @Option(names = "--artifacts-uri", defaultValue = "${env:CAIRN_ARTIFACTS_URI:-" + DEFAULT_ARTIFACTS + "}",
      description = "Blob store: file:PATH or s3://bucket/prefix (default: ${DEFAULT-VALUE}).")
  String artifactsUri;

  @Option(names = "--stat-cache", defaultValue = "./.cairn/statcache",
      description = "File remembering hashes of unchanged files (default: ${DEFAULT-VALUE}).")
  Path statCache;

  /** The opened stores; closing it closes both. */
  final class Opened implements AutoCloseable {
    final DatasetVersionStore store;
    final ArtifactStore artifacts;
    final DatasetVersioning versioning;

    Opened(TableProfiler profiler) {
      this.store = DatasetVersionStore.open(backendStoreUri);
      ArtifactStore opened;
      try {
        opened = ArtifactStores.open(artifactsUri);
      } catch (RuntimeException e) {
        store.close();
        throw e;
      }
      this.artifacts = opened;
      this.versioning = new DatasetVersioning(store, artifacts, StatCache.open(statCache), profiler);
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

  Opened open() {
    quietLibraries();
    return new Opened(TableProfilers.available());
  }

  /**
   * The pool and migration libraries log their start-up at INFO; on a command line that output would mix into
   * what scripts parse, so they are held to warnings (when Logback is the logging backend).
   */
  static void quietLibraries() {
    if (org.slf4j.LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext context) {
      for (String name : new String[] {"com.zaxxer.hikari", "org.flywaydb"}) {
        context.getLogger(name).setLevel(ch.qos.logback.classic.Level.WARN);
      }
    }
  }
}
