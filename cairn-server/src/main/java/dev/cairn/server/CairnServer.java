package dev.cairn.server;

import dev.cairn.data.version.DatasetBlobs;
import dev.cairn.data.version.DatasetVersionStore;
import dev.cairn.data.version.DatasetVersioning;
import dev.cairn.data.version.LibraryTableProfiler;
import dev.cairn.data.version.StatCache;
import dev.cairn.server.audit.AuditRequests;
import dev.cairn.server.audit.AuditRoutes;
import dev.cairn.server.datasets.DatasetRoutes;
import dev.cairn.server.auth.Access;
import dev.cairn.server.auth.AdminBootstrap;
import dev.cairn.server.auth.IdentityRoutes;
import dev.cairn.server.charts.MetricChartRoutes;
import dev.cairn.store.identity.IdentityStore;
import java.nio.file.Path;
import java.util.Optional;

import dev.cairn.core.CairnException;
import dev.cairn.core.Component;
import dev.cairn.core.ErrorCode;
import dev.cairn.server.http.JsonErrorHandler;
import dev.cairn.server.ui.UiErrors;
import dev.cairn.server.http.Responses;
import dev.cairn.server.loggedmodels.LoggedModelRoutes;
import dev.cairn.server.mlflow.ArtifactLocations;
import dev.cairn.server.mlflow.ArtifactProxyRoutes;
import dev.cairn.server.mlflow.MlflowRoutes;
import dev.cairn.server.ops.OpsRoutes;
import dev.cairn.server.ui.UiRoutes;
import dev.cairn.server.lineage.LineageRoutes;
import dev.cairn.server.lineage.LineageService;
import dev.cairn.server.registry.ModelIntegrity;
import dev.cairn.server.registry.PromotionRoutes;
import dev.cairn.server.registry.RegistryLineage;
import dev.cairn.server.registry.RegistryRoutes;
import dev.cairn.server.webhooks.WebhookRoutes;
import dev.cairn.store.registry.PromotionStore;
import dev.cairn.store.registry.RegistryEvents;
import dev.cairn.store.registry.ModelRegistryStore;
import dev.cairn.store.registry.ModelVersionManifests;
import dev.cairn.store.ArtifactStore;
import dev.cairn.store.ArtifactStores;
import dev.cairn.store.DataFolderLock;
import dev.cairn.store.MetadataStore;
import dev.cairn.store.MetadataStores;
import dev.cairn.store.audit.AuditLog;
import dev.cairn.store.loggedmodels.LoggedModelStore;
import dev.cairn.store.sql.SqlDatabase;
import dev.cairn.store.sql.SqlErrors;
import dev.cairn.store.webhooks.WebhookDispatcher;
import dev.cairn.store.webhooks.WebhookStore;
import io.javalin.Javalin;
import io.javalin.config.RoutesConfig;
import io.javalin.http.HttpResponseException;
import io.javalin.router.Endpoint;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root of the Cairn server: opens the stores a {@link ServerConfig} names, wires every
 * route by hand (no scanning, so start-up stays fast) and serves them with Javalin on Jetty.
 */
public final class CairnServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CairnServer.class);
  /** Most requests served at once; each holds at most one store connection or one artifact stream. */
  static final int HTTP_THREADS = 64;
  /**
   * The migrations of every module whose tables share the server's database, beside cairn-store's own (tracking,
   * logged models, registry, identity, audit, webhooks), which every open applies anyway: what the server
   * migrates, and what a command opening the server's database on its own (the CLI's data commands) must know so
   * as not to take the server's schema for a newer Cairn's.
   */
  public static final List<String> MIGRATIONS = List.of(DatasetVersionStore.MIGRATIONS);
  /** How long close() lets requests already being handled finish before it cuts them. */
  static final long STOP_DRAIN_MILLIS = 10_000;

  /**
   * Where the server listens and which stores it opens.
   *
   * @param host the address to bind; beyond loopback, authentication is always on
   * @param port the port, 0 for any free one
   * @param backendStoreUri the metadata store ({@code sqlite:PATH} or {@code postgresql://...})
   * @param artifactsUri the artifact store ({@code file:PATH} or {@code s3://bucket/prefix})
   * @param artifactOptions backend options for the artifact store (e.g. S3 {@code endpoint}, {@code region})
   * @param auth whether to require authentication on a loopback address too ({@code --auth})
   * @param adminTokenFile where the first start writes the admin's token; null for {@code admin-token} in the
   *     data folder (the SQLite file's folder, else {@code ./cairn-data})
   */
  public record ServerConfig(
      String host, int port, String backendStoreUri, String artifactsUri, Map<String, String> artifactOptions,
      boolean auth, String adminTokenFile) {
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 5000;
    public static final String DEFAULT_BACKEND_STORE_URI = "sqlite:./cairn-data/cairn.db";
    public static final String DEFAULT_ARTIFACTS_URI = "file:./cairn-data/artifacts";

    public ServerConfig {
      host = host == null || host.isBlank() ? DEFAULT_HOST : host;
      if (port < 0 || port > 65535) {
        throw CairnException.invalid("port " + port + " is out of range; use 0 to 65535 (0 picks a free port)");
      }
      backendStoreUri = backendStoreUri == null || backendStoreUri.isBlank() ? DEFAULT_BACKEND_STORE_URI : backendStoreUri;
      artifactsUri = artifactsUri == null || artifactsUri.isBlank() ? DEFAULT_ARTIFACTS_URI : artifactsUri;
      artifactOptions = artifactOptions == null ? Map.of() : Map.copyOf(artifactOptions);
      adminTokenFile = adminTokenFile == null || adminTokenFile.isBlank() ? null : adminTokenFile;
    }

    public ServerConfig(String host, int port, String backendStoreUri, String artifactsUri,
        Map<String, String> artifactOptions) {
      this(host, port, backendStoreUri, artifactsUri, artifactOptions, false, null);
    }

    public ServerConfig(String host, int port, String backendStoreUri, String artifactsUri) {
      this(host, port, backendStoreUri, artifactsUri, Map.of());
    }

    public static ServerConfig defaults() {
      return new ServerConfig(DEFAULT_HOST, DEFAULT_PORT, DEFAULT_BACKEND_STORE_URI, DEFAULT_ARTIFACTS_URI, Map.of());
    }

    public ServerConfig withHost(String newHost) {
      return new ServerConfig(newHost, port, backendStoreUri, artifactsUri, artifactOptions, auth, adminTokenFile);
    }

    public ServerConfig withPort(int newPort) {
      return new ServerConfig(host, newPort, backendStoreUri, artifactsUri, artifactOptions, auth, adminTokenFile);
    }

    public ServerConfig withBackendStoreUri(String uri) {
      return new ServerConfig(host, port, uri, artifactsUri, artifactOptions, auth, adminTokenFile);
    }

    public ServerConfig withArtifactsUri(String uri) {
      return new ServerConfig(host, port, backendStoreUri, uri, artifactOptions, auth, adminTokenFile);
    }

    public ServerConfig withArtifactOptions(Map<String, String> options) {
      return new ServerConfig(host, port, backendStoreUri, artifactsUri, options, auth, adminTokenFile);
    }

    /** Requires authentication even on loopback ({@code true}), or only beyond loopback ({@code false}). */
    public ServerConfig withAuth(boolean required) {
      return new ServerConfig(host, port, backendStoreUri, artifactsUri, artifactOptions, required, adminTokenFile);
    }

    public ServerConfig withAdminTokenFile(String file) {
      return new ServerConfig(host, port, backendStoreUri, artifactsUri, artifactOptions, auth, file);
    }

    /** Whether requests must authenticate: always beyond loopback, on loopback only when asked. */
    public boolean requiresAuth() {
      return auth || !isLoopback(host);
    }
  }

  private final Javalin app;
  private final MetadataStore metadata;
  private final ArtifactStore artifacts;
  private final String host;
  /** Stores opened by {@link #start(ServerConfig, List)} beside the two main ones, closed with the server. */
  private final List<AutoCloseable> owned = new ArrayList<>();
  /** The data folder's lock when the backend is SQLite; released last, after every store is closed. */
  private DataFolderLock folderLock;
  /** Publishes registry events to webhooks; null when the server was given its stores already open. */
  private WebhookDispatcher webhookDispatcher;
  private dev.cairn.serving.serve.ServingTables servingTables;
  private dev.cairn.serving.canary.CanaryController canaries;
  private dev.cairn.serving.alerts.AlertEvaluator alertEvaluator;
  private SqlDatabase database;
  /** The admin token file this start wrote (first start with authentication on), or null. */
  private Path adminTokenFile;
  private boolean authenticating;

  private CairnServer(Javalin app, MetadataStore metadata, ArtifactStore artifacts, String host) {
    this.app = app;
    this.metadata = metadata;
    this.artifacts = artifacts;
    this.host = host;
  }

  /**
   * More routes to serve beside the MLflow ones (e.g. Cairn's dataset API), registered after the built-in
   * routes with the server's open stores. Errors they throw as {@link CairnException} render like all others.
   */
  @FunctionalInterface
  public interface RouteModule {
    void register(RoutesConfig routes, MetadataStore metadata, ArtifactStore artifacts);

    /** Parts whose health /health reports beside the stores' (e.g. background loops). */
    default List<Component> components() {
      return List.of();
    }

    /** A module with no routes that puts {@code parts} in /health. */
    static RouteModule health(Component... parts) {
      return new RouteModule() {
        @Override
        public void register(RoutesConfig routes, MetadataStore metadata, ArtifactStore artifacts) {}

        @Override
        public List<Component> components() {
          return List.of(parts);
        }
      };
    }
  }

  /** Opens the stores the config names and starts serving; fails before opening anything on a bad host. */
  public static CairnServer start(ServerConfig config) {
    return start(config, List.of());
  }

  /** As {@link #start(ServerConfig)}, also serving {@code modules}. */
  public static CairnServer start(ServerConfig config, List<RouteModule> modules) {
    return startWith(config, modules, dev.cairn.server.deployments.ServingSettings.fromEnvironment());
  }

  /** As {@link #start(ServerConfig, List)}, with these serving and monitoring settings (not the environment's). */
  public static CairnServer startWith(ServerConfig config, List<RouteModule> modules,
      dev.cairn.server.deployments.ServingSettings servingSettings) {
    config.requiresAuth(); // an unresolvable host fails here, before anything is opened
    // One process owns a SQLite data folder: a second server is refused here, before it opens anything.
    DataFolderLock lock = DataFolderLock.folderOf(config.backendStoreUri()).map(DataFolderLock::acquire).orElse(null);
    try {
      CairnServer server = startLocked(config, modules, servingSettings);
      if (lock != null) {
        lock.publish(server.url());
        server.folderLock = lock;
      }
      return server;
    } catch (RuntimeException e) {
      if (lock != null) {
        lock.close();
      }
      throw e;
    }
  }

  private static CairnServer startLocked(ServerConfig config, List<RouteModule> modules,
      dev.cairn.server.deployments.ServingSettings servingSettings) {
    long maxBlobBytes = maxBlobBytes();
    ArtifactStore artifacts = ArtifactStores.open(config.artifactsUri(), config.artifactOptions());
    // One database for every module's tables: one pool, one writer, one migration run.
    MetadataStore metadata;
    DatasetVersionStore datasets;
    ModelRegistryStore registry;
    PromotionStore promotions;
    LoggedModelStore loggedModels;
    WebhookStore webhooks;
    IdentityStore identity;
    Optional<Path> adminTokenFile;
    ModelIntegrity integrity;
    SqlDatabase database;
    try {
      database = MetadataStores.openDatabase(config.backendStoreUri(), MIGRATIONS);
      metadata = MetadataStores.open(database, ArtifactLocations.PROXY_ROOT); // owns the database from here
      datasets = DatasetVersionStore.on(database);
      loggedModels = LoggedModelStore.on(database);
      webhooks = new WebhookStore(database);
      identity = IdentityStore.on(database);
    } catch (RuntimeException e) {
      artifacts.close();
      throw e;
    }
    try {
      adminTokenFile = config.requiresAuth()
          ? AdminBootstrap.ensureAdmin(identity, adminTokenFile(config)) : Optional.empty();
      integrity = new ModelIntegrity(artifacts, ModelIntegrity.keyFolder(DataFolderLock.folderOf(config.backendStoreUri())),
          new ModelVersionManifests(database));
    } catch (RuntimeException e) {
      metadata.close();
      artifacts.close();
      throw e;
    }
    // registry changes become webhook deliveries in the same write
    WebhookDispatcher dispatcher = new WebhookDispatcher(webhooks, WebhookDispatcher.Options.DEFAULTS);
    registry = ModelRegistryStore.on(database, RegistryEvents.webhooks(dispatcher));
    promotions = PromotionStore.on(database, registry);
    DatasetVersioning versioning =
        new DatasetVersioning(datasets, artifacts, StatCache.inMemory(), LibraryTableProfiler.INSTANCE);
    List<RouteModule> all = new ArrayList<>(modules);
    DatasetBlobs blobs = new DatasetBlobs(artifacts, maxBlobBytes);
    all.add((routes, m, a) -> DatasetRoutes.register(routes, versioning, blobs, m));
    all.add((routes, m, a) -> dev.cairn.server.ui.DatasetPages.register(routes, versioning));
    all.add((routes, m, a) -> RegistryRoutes.register(routes, registry, m, loggedModels::artifactLocation, integrity));
    all.add((routes, m, a) -> PromotionRoutes.register(routes, promotions, registry, m));
    LineageService lineage = new LineageService(metadata, datasets, new RegistryLineage(registry));
    all.add((routes, m, a) -> LineageRoutes.register(routes, lineage));
    all.add((routes, m, a) -> dev.cairn.server.ui.ModelPages.register(routes, registry, promotions, lineage, new AuditLog(database),
        m));
    all.add((routes, m, a) -> AuditRoutes.register(routes, new AuditLog(database)));
    all.add(new LoggedModelRoutes.Module(loggedModels));
    all.add((routes, m, a) -> dev.cairn.server.ui.PipelinePages.register(routes,
        dev.cairn.pipeline.PipelineStore.on(database), m, a, registry, loggedModels));
    all.add((routes, m, a) -> WebhookRoutes.register(routes, webhooks, dispatcher));
    dev.cairn.serving.deploy.DeploymentStore deployments = new dev.cairn.serving.deploy.DeploymentStore(database, registry);
    all.add((routes, m, a) -> dev.cairn.server.deployments.DeploymentRoutes.register(routes, deployments));
    all.add((routes, m, a) -> dev.cairn.server.deployments.PredictionRoutes.register(routes, database));
    // every request counted per deployment version (Micrometer and V74 counts, flushed in the background), the process
    // sampled (V75), closed monitor windows stored by a scheduler: see docs/serving.md, Monitoring
    PrometheusMeterRegistry meters = newMeterRegistry();
    dev.cairn.serving.monitor.ServingCounts servingCounts = new dev.cairn.serving.monitor.ServingCounts(database,
        servingSettings.replicaId(), System::currentTimeMillis);
    dev.cairn.serving.monitor.ProcessSamples processSamples = new dev.cairn.serving.monitor.ProcessSamples(database,
        servingSettings.replicaId(), System::currentTimeMillis);
    dev.cairn.server.inference.ServingMetrics servingMetrics =
        new dev.cairn.server.inference.ServingMetrics(meters, servingCounts);
    dev.cairn.serving.monitor.MonitorService monitors = dev.cairn.server.deployments.MonitorRoutes.service(database,
        registry, dev.cairn.server.inference.InferenceRoutes.bundleFiles(artifacts, loggedModels, metadata), servingCounts,
        true);
    all.add((routes, m, a) -> dev.cairn.server.deployments.MonitorRoutes.register(routes, monitors));
    all.add((routes, m, a) -> dev.cairn.server.ui.DeploymentPages.register(routes,
        deployments, registry, monitors));
    // alert rules are evaluated periodically over the monitor windows; changes become webhook deliveries
    dev.cairn.serving.alerts.AlertStore alertStore = new dev.cairn.serving.alerts.AlertStore(database, webhooks);
    dev.cairn.serving.alerts.AlertEvaluator alerts = new dev.cairn.serving.alerts.AlertEvaluator(alertStore,
        monitors, deployments::names, dispatcher::wake,
        System::currentTimeMillis, dev.cairn.serving.alerts.AlertEvaluator.Settings.fromEnvironment());
    all.add((routes, m, a) -> dev.cairn.server.alerts.AlertRoutes.register(routes, alertStore, alerts));
    all.add((routes, m, a) -> dev.cairn.server.ui.AlertsPage.register(routes, alertStore));
    // every scored request goes to the prediction log: a bounded queue written in the background, never blocking
    dev.cairn.serving.log.PredictionLog predictionLog =
        dev.cairn.server.inference.InferenceRoutes.predictionLog(database, servingSettings);
    dev.cairn.serving.serve.ServingTables serving = dev.cairn.server.inference.InferenceRoutes.tables(database, registry,
        artifacts, loggedModels, predictionLog, metadata);
    servingMetrics.bindPredictionLog(predictionLog);
    servingMetrics.bindModelCache(serving, dev.cairn.serving.serve.ServingTables::loadedModels);
    dev.cairn.serving.monitor.MonitorScheduler monitorScheduler = new dev.cairn.serving.monitor.MonitorScheduler(
        monitors, deployments::names,
        dev.cairn.server.deployments.ServingSettings.SCHEDULED_WINDOW_MINUTES, System::currentTimeMillis,
        servingMetrics::windows).retain(servingSettings.retentionDays() * 86_400_000L);
    all.add((routes, m, a) -> dev.cairn.server.inference.InferenceRoutes.register(routes, serving, servingMetrics));
    // canaries decide from the monitor windows; every step is an optimistic deployment update (one server acts)
    dev.cairn.serving.canary.CanaryController canaries = new dev.cairn.serving.canary.CanaryController(
        deployments, registry, promotions, monitors,
        System::currentTimeMillis);
    canaries.onStep(name -> serving.refreshAll()); // this server's traffic follows a step at once, not up to 5 s late
    all.add((routes, m, a) -> dev.cairn.server.deployments.CanaryRoutes.register(routes, canaries));
    long canaryCheckSeconds = dev.cairn.serving.canary.CanaryController.checkSeconds(); // a bad setting fails here
    all.add(RouteModule.health(canaries.health(), alerts.health(), monitorScheduler.health()));
    all.add((routes, m, a) -> IdentityRoutes.register(routes, identity));
    all.add((routes, m, a) -> MetricChartRoutes.register(routes, m));
    CairnServer server;
    try {
      server = start(config, metadata, artifacts, all,
          config.requiresAuth() ? new Access.Setup(identity, promotions::modelOf) : null, meters);
    } catch (RuntimeException e) {
      dispatcher.close();
      throw e;
    }
    server.owned.add(canaries); // stops deciding before serving and the database close
    canaries.start(canaryCheckSeconds);
    server.canaries = canaries;
    server.owned.add(monitorScheduler); // a run under way finishes before the database closes
    server.owned.add(processSamples);
    server.owned.add(serving);
    server.owned.add(predictionLog); // after serving stops, before the database closes: what is queued is written
    server.owned.add(servingCounts); // the same: the last seconds' counts are written
    servingCounts.start(2000);
    if (servingSettings.processSampleSeconds() > 0) {
      processSamples.start(servingSettings.processSampleSeconds() * 1000);
    }
    if (servingSettings.monitorIntervalSeconds() > 0) {
      monitorScheduler.start(servingSettings.monitorIntervalSeconds() * 1000);
    }
    server.owned.add(alerts); // before the webhook sender and the database it writes to
    server.alertEvaluator = alerts;
    alerts.start();
    server.servingTables = serving;
    server.owned.add(dispatcher); // closed before the database it writes to
    server.owned.add(datasets);
    server.owned.add(registry);
    server.webhookDispatcher = dispatcher;
    server.database = database;
    server.adminTokenFile = adminTokenFile.orElse(null);
    return server;
  }

  /** Closes {@code part} with the server, after the HTTP server stops and before the stores close (in added order). */
  void own(AutoCloseable part) {
    owned.add(part);
  }

  /** Where the first start writes the admin's token: the configured file, else the data folder's admin-token. */
  static Path adminTokenFile(ServerConfig config) {
    if (config.adminTokenFile() != null) {
      return Path.of(config.adminTokenFile());
    }
    return DataFolderLock.folderOf(config.backendStoreUri()).orElse(Path.of("cairn-data"))
        .resolve(AdminBootstrap.TOKEN_FILE_NAME);
  }

  /**
   * The largest dataset blob one upload may carry: {@code CAIRN_DATASETS_MAX_BLOB_BYTES} (environment) or the
   * {@code cairn.datasets.max-blob-bytes} system property, else {@link DatasetBlobs#DEFAULT_MAX_BLOB_BYTES}.
   */
  static long maxBlobBytes() {
    String text = System.getProperty("cairn.datasets.max-blob-bytes", System.getenv("CAIRN_DATASETS_MAX_BLOB_BYTES"));
    if (text == null || text.isBlank()) {
      return DatasetBlobs.DEFAULT_MAX_BLOB_BYTES;
    }
    try {
      return Long.parseLong(text.strip());
    } catch (NumberFormatException e) {
      throw CairnException.invalid("CAIRN_DATASETS_MAX_BLOB_BYTES '" + text + "' is not a whole number of bytes");
    }
  }

  /**
   * Serves already open stores (embedding, tests). The server takes ownership: {@link #close()} closes them.
   * New experiments get artifact locations under {@code mlflow-artifacts:} only if the metadata store was
   * opened with that root.
   */
  public static CairnServer start(ServerConfig config, MetadataStore metadata, ArtifactStore artifacts) {
    return start(config, metadata, artifacts, List.of());
  }

  /** As {@link #start(ServerConfig, MetadataStore, ArtifactStore)}, also serving {@code modules}. */
  public static CairnServer start(ServerConfig config, MetadataStore metadata, ArtifactStore artifacts,
      List<RouteModule> modules) {
    if (config.requiresAuth()) {
      throw CairnException.invalid("host '" + config.host() + "' is not a loopback address (or --auth is set):"
          + " authentication needs the server's identity store, which a server given open stores does not have;"
          + " bind 127.0.0.1 or ::1, or start the server from its config");
    }
    return start(config, metadata, artifacts, modules, null, newMeterRegistry());
  }

  /** Serves the stores; with {@code identity} non-null every route first authenticates and authorises. */
  private static CairnServer start(ServerConfig config, MetadataStore metadata, ArtifactStore artifacts,
      List<RouteModule> modules, Access.Setup identity, PrometheusMeterRegistry registry) {
    return start(config, metadata, artifacts, modules, identity, registry, false);
  }

  /**
   * As above; {@code inferenceOnly} leaves out the MLflow, artifact proxy and UI routes (a {@link ServingReplica}
   * serves the modules' inference routes beside /health, /version and /metrics).
   */
  static CairnServer start(ServerConfig config, MetadataStore metadata, ArtifactStore artifacts,
      List<RouteModule> modules, Access.Setup identity, PrometheusMeterRegistry registry, boolean inferenceOnly) {
    long startNanos = System.nanoTime();
    String version = version();
    Javalin app;
    AtomicReference<String> servedUrl = new AtomicReference<>();
    try {
      app = create(metadata, artifacts, modules, version, registry, servedUrl::get, identity, inferenceOnly);
    } catch (RuntimeException e) {
      metadata.close();
      artifacts.close();
      throw e;
    }
    try {
      app.start(config.host(), config.port());
    } catch (RuntimeException e) {
      metadata.close();
      artifacts.close();
      throw new CairnException(ErrorCode.INTERNAL_ERROR,
          "cannot listen on " + config.host() + ":" + config.port() + ": " + e.getMessage(), e);
    }
    CairnServer server = new CairnServer(app, metadata, artifacts, config.host());
    servedUrl.set(server.url());
    server.authenticating = identity != null;
    LOG.info("Cairn {} serving {} (backend {}, artifacts {}, authentication {}) after {} ms", version, server.url(),
        redact(config.backendStoreUri()), artifacts.rootUri(), identity != null ? "on" : "off",
        (System.nanoTime() - startNanos) / 1_000_000);
    return server;
  }

  /** The registry /metrics scrapes, with the JVM's own figures bound. */
  static PrometheusMeterRegistry newMeterRegistry() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    return registry;
  }

  private static Javalin create(MetadataStore metadata, ArtifactStore artifacts, List<RouteModule> modules,
      String version, PrometheusMeterRegistry registry, Supplier<String> servedUrl, Access.Setup identity,
      boolean inferenceOnly) {
    return Javalin.create(cfg -> {
      cfg.startup.showJavalinBanner = false;
      cfg.startup.showOldJavalinVersionWarning = false;
      cfg.startup.startupWatcherEnabled = false; // its non-daemon thread kept the JVM alive for 5 s after close()
      // A named, bounded pool: past HTTP_THREADS busy requests, new ones queue in Jetty rather than spawn threads.
      QueuedThreadPool pool = new QueuedThreadPool(HTTP_THREADS, 4, 60_000);
      pool.setName("cairn-http");
      cfg.jetty.threadPool = pool;
      // Requests Jetty refuses itself (an encoded NUL, a malformed request line) still answer MLflow error
      // JSON; artifact paths are checked by ArtifactPaths on the raw URI, whatever Jetty lets through.
      cfg.jetty.modifyHttpConfiguration(http -> http.setSendServerVersion(false));
      cfg.jetty.modifyServer(server -> {
        server.setErrorHandler(new JsonErrorHandler());
        // A graceful stop: the port closes first, requests being handled finish and are answered (a client
        // that got no answer cannot tell whether its write was stored), and one arriving on a kept-alive
        // connection meanwhile gets a 503 it may retry. Javalin puts its handler inside this wrapper.
        server.setHandler(new GracefulHandler());
        server.setStopTimeout(STOP_DRAIN_MILLIS);
      });
      // one Timer per (method, route, status), looked up in a map: registering through Micrometer's builder on
      // every request cost more than serving a trivial route
      Map<String, Timer> timers = new ConcurrentHashMap<>();
      cfg.requestLogger.http((ctx, ms) -> {
        String method = ctx.method().name();
        String route = routeOf(ctx);
        int status = ctx.statusCode();
        timers.computeIfAbsent(method + ' ' + status + ' ' + route, k -> Timer.builder("http.server.requests")
                .tag("method", method).tag("route", route).tag("status", Integer.toString(status))
                .register(registry))
            .record((long) (ms * 1_000_000L), TimeUnit.NANOSECONDS);
      });
      cfg.routes.exception(CairnException.class, (e, ctx) -> {
        if (e.code() == ErrorCode.INTERNAL_ERROR) {
          LOG.error("{} {} failed", ctx.method().name(), ctx.path(), e);
        }
        refuse(ctx, e.code().httpStatus(), e.code().mlflowCode(), e.getMessage());
      });
      cfg.routes.exception(HttpResponseException.class, (e, ctx) -> {
        String code = switch (e.getStatus()) {
          case 404 -> ErrorCode.ENDPOINT_NOT_FOUND.mlflowCode();
          case 405 -> ErrorCode.ENDPOINT_NOT_FOUND.mlflowCode();
          case 413 -> ErrorCode.REQUEST_TOO_LARGE.mlflowCode();
          default -> e.getStatus() >= 500 ? ErrorCode.INTERNAL_ERROR.mlflowCode() : ErrorCode.BAD_REQUEST.mlflowCode();
        };
        String message = e.getStatus() == 404
            ? "no endpoint " + ctx.method().name() + " " + ctx.path()
            : e.getMessage();
        refuse(ctx, e.getStatus(), code, message);
      });
      cfg.routes.exception(Exception.class, (e, ctx) -> {
        if (SqlErrors.isBusy(e)) { // a store that did not translate its own busy error: still never a 500
          LOG.warn("{} {}: database busy: {}", ctx.method().name(), ctx.path(), e.toString());
          refuse(ctx, 503, ErrorCode.TEMPORARILY_UNAVAILABLE.mlflowCode(), "the database is busy; retry in a moment");
          return;
        }
        LOG.error("{} {} failed", ctx.method().name(), ctx.path(), e);
        refuse(ctx, 500, ErrorCode.INTERNAL_ERROR.mlflowCode(), "internal error; the server log has the details");
      });
      if (identity != null) {
        Access.install(cfg, identity, metadata);
      }
      AuditRequests.register(cfg.routes); // mutating requests' writes append audit events
      if (!inferenceOnly) {
        MlflowRoutes.register(cfg.routes, metadata, artifacts, LoggedModelRoutes.storeIn(modules));
        ArtifactProxyRoutes.register(cfg.routes, artifacts, servedUrl);
      }
      List<Component> parts = new ArrayList<>(List.of(metadata, artifacts));
      modules.forEach(m -> parts.addAll(m.components()));
      OpsRoutes.register(cfg.routes, parts, version, registry);
      if (!inferenceOnly) {
        UiRoutes.register(cfg.routes, metadata, artifacts);
      }
      for (RouteModule module : modules) {
        module.register(cfg.routes, metadata, artifacts);
      }
    });
  }

  /** Answers a refusal: the HTML error page for a UI page ({@link UiErrors}), MLflow's error JSON for the rest. */
  private static void refuse(io.javalin.http.Context ctx, int status, String errorCode, String message) {
    if (!UiErrors.refuse(ctx, status, message)) {
      Responses.error(ctx, status, errorCode, message);
    }
  }

  /** The port actually bound (useful when the config asked for 0). */
  public int port() {
    return app.port();
  }

  /** The base URL clients use, e.g. {@code http://127.0.0.1:5000}. */
  public String url() {
    String h = host.contains(":") ? "[" + host + "]" : host;
    return "http://" + h + ":" + port();
  }

  /** The admin token file this start wrote: only on the first start with authentication on and no users. */
  public Optional<Path> adminTokenFile() {
    return Optional.ofNullable(adminTokenFile);
  }

  /** Whether every request must authenticate (the server binds beyond loopback, or auth was asked for). */
  public boolean requiresAuth() {
    return authenticating;
  }

  /** Every HTTP route served, as {@code METHOD path} with the path as registered (e.g. {@code /x/{name}}). */
  public List<String> routes() {
    return app.unsafe.internalRouter.allHttpHandlers().stream()
        .filter(e -> e.endpoint.method.isHttpMethod())
        .map(e -> e.endpoint.method.name() + " " + e.endpoint.path)
        .toList();
  }

  public MetadataStore metadataStore() {
    return metadata;
  }

  public ArtifactStore artifactStore() {
    return artifacts;
  }

  /** The database every module's tables share (pipelines record their runs in it); null on open stores. */
  public SqlDatabase database() {
    return database;
  }

  /** Where registry events are published to webhooks; null when the server was started on open stores. */
  public WebhookDispatcher webhooks() {
    return webhookDispatcher;
  }

  /** The canary controller (checks on its own every CAIRN_CANARY_CHECK_SECONDS); null on given stores. */
  public dev.cairn.serving.canary.CanaryController canaries() {
    return canaries;
  }

  /** The deployments' serving tables (inference); null for a server started on given stores. */
  public dev.cairn.serving.serve.ServingTables servingTables() {
    return servingTables;
  }

  /** The alert evaluator (one round on demand in tests); null for a server started on given stores. */
  public dev.cairn.serving.alerts.AlertEvaluator alertEvaluator() {
    return alertEvaluator;
  }

  @Override
  public void close() {
    try {
      app.stop();
    } finally {
      try {
        for (AutoCloseable c : owned) {
          try {
            c.close();
          } catch (Exception e) {
            LOG.warn("closing {} failed: {}", c, e.getMessage());
          }
        }
        metadata.close();
      } finally {
        try {
          artifacts.close();
        } finally {
          if (folderLock != null) {
            folderLock.close();
          }
        }
      }
    }
  }

  /** Hides passwords in store URIs ({@code user:secret@host}, {@code ?password=secret}) before they are logged. */
  public static String redact(String uri) {
    return MetadataStores.redact(uri);
  }

  /** Whether {@code host} names a loopback address; a host that does not resolve is refused. */
  static boolean isLoopback(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      throw CairnException.invalid("host '" + host + "' does not resolve; bind an address of this machine, e.g."
          + " 127.0.0.1");
    }
  }

  private static String routeOf(io.javalin.http.Context ctx) {
    try {
      Endpoint e = ctx.endpoints().matchedHttpEndpoint();
      return e == null ? "unmatched" : e.path;
    } catch (RuntimeException e) {
      return "unmatched";
    }
  }

  static String version() {
    Properties p = new Properties();
    try (InputStream in = CairnServer.class.getResourceAsStream("/cairn-server.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      LOG.warn("cannot read cairn-server.properties: {}", e.getMessage());
    }
    return p.getProperty("version", "unknown");
  }
}
