package dev.cairn.cli.pipeline;

import dev.cairn.cli.data.StoreOptions;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.data.version.DatasetVersionStore;
import dev.cairn.data.version.DatasetVersioning;
import dev.cairn.data.version.StatCache;
import dev.cairn.data.version.TableProfiler;
import dev.cairn.pipeline.PipelineExecutor;
import dev.cairn.pipeline.PipelineStore;
import dev.cairn.pipeline.StepRegistry;
import dev.cairn.pipeline.steps.BuiltinSteps;
import dev.cairn.pipeline.steps.RegisterModel;
import dev.cairn.store.loggedmodels.LoggedModelStore;
import dev.cairn.store.registry.ModelRegistryStore;
import dev.cairn.store.registry.PromotionStore;
import dev.cairn.store.registry.RegistryEvents;
import dev.cairn.store.webhooks.WebhookStore;
import dev.cairn.server.CairnServer;
import dev.cairn.store.ArtifactStore;
import dev.cairn.store.ArtifactStores;
import dev.cairn.store.DataFolderLock;
import dev.cairn.store.MetadataStore;
import dev.cairn.store.MetadataStores;
import dev.cairn.store.sql.SqlDatabase;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The stores a pipeline command works on, opened in this process on one database (tracking, pipeline runs and
 * dataset versions share its pool and writer). Pipelines run here, not in a server: a server that owns the data
 * folder is reported rather than raced (its SQLite writer would compete with this one).
 */
final class PipelineStores implements AutoCloseable {
  final SqlDatabase database;
  final ArtifactStore artifacts;
  final MetadataStore tracking;
  final PipelineStore pipelines;
  final DatasetVersioning datasets;
  private final StatCache hashes;

  private PipelineStores(SqlDatabase database, ArtifactStore artifacts, StatCache hashes) {
    this.database = database;
    this.artifacts = artifacts;
    this.hashes = hashes;
    this.tracking = MetadataStores.open(database, artifacts.rootUri());
    this.pipelines = PipelineStore.on(database);
    this.datasets = new DatasetVersioning(DatasetVersionStore.onOwned(database), artifacts, hashes,
        dev.cairn.cli.data.TableProfilers.available());
  }

  /** Pipeline runs only, on a database opened read-only: no tracking store, datasets or artifacts. */
  private PipelineStores(SqlDatabase readOnly) {
    this.database = readOnly;
    this.artifacts = null;
    this.hashes = null;
    this.tracking = null;
    this.pipelines = PipelineStore.on(readOnly);
    this.datasets = null;
  }

  /**
   * For commands that only read pipeline runs (show, list): a SQLite file whose schema is current opens read-only,
   * with no pool, writer or migration, even while a server owns the folder, and only {@link #pipelines} is there;
   * otherwise as {@link #open}.
   */
  static PipelineStores openForReading(StoreOptions options) {
    Optional<SqlDatabase> current = MetadataStores.openDatabaseIfCurrent(options.backendStoreUri,
        CairnServer.MIGRATIONS, "this command only reads pipeline runs");
    return current.isEmpty() ? open(options) : new PipelineStores(current.get());
  }

  static PipelineStores open(StoreOptions options) {
    Optional<DataFolderLock.Holder> owner = options.owningServer();
    if (owner.isPresent()) {
      throw new CairnException(ErrorCode.CONFLICT, "a Cairn server (pid " + owner.get().pid() + ", "
          + owner.get().url() + ") owns the data folder of " + options.backendStoreUri + "; pipelines run in this"
          + " process and need the folder to themselves: stop the server, or point --backend-store-uri at another"
          + " store");
    }
    StoreOptions.quietLibraries();
    SqlDatabase db = MetadataStores.openDatabase(options.backendStoreUri, CairnServer.MIGRATIONS);
    ArtifactStore artifacts;
    try {
      artifacts = ArtifactStores.open(options.artifactsUri);
    } catch (RuntimeException e) {
      db.close();
      throw e;
    }
    return new PipelineStores(db, artifacts, StatCache.open(options.statCache));
  }

  PipelineExecutor executor() {
    return new PipelineExecutor(tracking, artifacts, pipelines);
  }

  StepRegistry registry(Path baseDir) {
    // registry changes record their webhook deliveries in the same write, as the server's do; the server sends them
    // when it runs (a dispatcher here would cost its HTTP client's start-up, 120-150 ms, on every command)
    ModelRegistryStore registry = ModelRegistryStore.on(database,
        RegistryEvents.recordedFor(new WebhookStore(database)));
    return BuiltinSteps.registry(new BuiltinSteps.Services(datasets, new RegisterModel.Services(tracking, artifacts,
        LoggedModelStore.on(database), registry, PromotionStore.on(database, registry)), baseDir));
  }

  @Override
  public void close() {
    if (tracking == null) {
      database.close();
      return;
    }
    try {
      hashes.flush();
      artifacts.close();
    } finally {
      tracking.close(); // closes the database
    }
  }
}
