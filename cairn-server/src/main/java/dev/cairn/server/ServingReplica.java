package dev.cairn.server;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.server.auth.Access;
import dev.cairn.server.deployments.ServingSettings;
import dev.cairn.server.inference.InferenceRoutes;
import dev.cairn.server.inference.ServingMetrics;
import dev.cairn.server.mlflow.ArtifactLocations;
import dev.cairn.serving.deploy.Deployment;
import dev.cairn.serving.deploy.DeploymentStore;
import dev.cairn.serving.log.PredictionLog;
import dev.cairn.serving.monitor.ServingCounts;
import dev.cairn.serving.serve.NamedTables;
import dev.cairn.serving.serve.ServingTables;
import dev.cairn.store.ArtifactStore;
import dev.cairn.store.ArtifactStores;
import dev.cairn.store.MetadataStore;
import dev.cairn.store.MetadataStores;
import dev.cairn.store.identity.IdentityStore;
import dev.cairn.store.loggedmodels.LoggedModelStore;
import dev.cairn.store.registry.ModelRegistryStore;
import dev.cairn.store.sql.SqlDatabase;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

/**
 * A stateless serving node ({@code cairn serve --deployments}): the inference routes of a few deployments, read
 * from the database and artifact store a {@code cairn server} shares, nothing else. It holds no state of its own:
 * routes, alias moves and deletes made through any server reach it by polling the deployments every
 * {@link #DEFAULT_REFRESH} (a changed one is hot-swapped: loaded and warmed beside the old, then switched), and its
 * prediction log goes to the shared database, where every server's monitor windows count it. Run as many as the
 * load needs behind any HTTP load balancer.
 */
public final class ServingReplica {
  /** How often a replica looks for changed routes, moved aliases and deleted deployments. */
  public static final Duration DEFAULT_REFRESH = Duration.ofSeconds(2);

  private ServingReplica() {}

  /**
   * Opens the shared stores {@code config} names, loads every deployment of {@code deployments} and serves them on
   * {@code config}'s host and port, with the server's authentication rules (on beyond loopback, or with --auth).
   * Fails before serving on a SQLite backend, an unknown deployment or one whose models do not load.
   */
  public static CairnServer start(CairnServer.ServerConfig config, List<String> deployments, Duration refresh) {
    List<String> names = names(deployments);
    if (refresh == null || refresh.isNegative() || refresh.isZero()) {
      throw CairnException.invalid("serving refresh interval " + refresh + " is not positive; use at least 1 ms");
    }
    boolean authenticating = config.requiresAuth(); // an unresolvable host fails here, before anything is opened
    if (MetadataStores.sqlitePath(config.backendStoreUri()).isPresent()) {
      // SQLite belongs to one process (the data folder's lock): replicas beside a server cannot share it safely
      throw CairnException.invalid("backend store " + CairnServer.redact(config.backendStoreUri()) + " is SQLite,"
          + " which one process owns; serving replicas share the server's database, so they need PostgreSQL"
          + " (--backend-store-uri postgresql://...). With SQLite, `cairn server` serves the deployments itself");
    }
    ArtifactStore artifacts = ArtifactStores.open(config.artifactsUri(), config.artifactOptions());
    SqlDatabase database;
    MetadataStore metadata;
    try {
      database = MetadataStores.openDatabase(config.backendStoreUri(), CairnServer.MIGRATIONS);
      metadata = MetadataStores.open(database, ArtifactLocations.PROXY_ROOT); // owns the database from here
    } catch (RuntimeException e) {
      artifacts.close();
      throw e;
    }
    List<AutoCloseable> parts = new ArrayList<>(); // closed in this order, before the stores
    CairnServer server;
    boolean handedOver = false; // CairnServer.start closes the stores itself when it fails
    try {
      ModelRegistryStore registry = ModelRegistryStore.on(database);
      // the server's settings (same sampling, same privacy), and the same counts and meters: the replicas' requests
      // and errors add up in the shared database's monitor windows
      ServingSettings settings = ServingSettings.fromEnvironment();
      PredictionLog log = InferenceRoutes.predictionLog(database, settings);
      ServingCounts counts = new ServingCounts(database, settings.replicaId(), System::currentTimeMillis);
      PrometheusMeterRegistry meters = CairnServer.newMeterRegistry();
      ServingMetrics metrics = new ServingMetrics(meters, counts);
      metrics.bindPredictionLog(log);
      ServingTables all = InferenceRoutes.tables(database, registry, artifacts, LoggedModelStore.on(database), log,
          metadata, refresh);
      NamedTables served = new NamedTables(all, names);
      parts.add(served);
      parts.add(log); // after serving stops: what is queued is written
      parts.add(counts); // the same for the last seconds' counts
      metrics.bindModelCache(all, ServingTables::loadedModels);
      counts.start(2000);
      parts.add(registry);
      requireExisting(new DeploymentStore(database, registry), names, config.backendStoreUri());
      served.loadAll();
      Access.Setup identity = authenticating
          ? new Access.Setup(IdentityStore.on(database), promotion -> Optional.empty()) : null;
      handedOver = true;
      server = CairnServer.start(config, metadata, artifacts,
          List.of((routes, m, a) -> InferenceRoutes.register(routes, served, metrics)), identity, meters, true);
    } catch (RuntimeException e) {
      closeAll(parts);
      if (!handedOver) {
        metadata.close();
        artifacts.close();
      }
      throw e;
    }
    parts.forEach(server::own);
    return server;
  }

  /** The deployment names, checked, duplicates dropped; at least one. */
  static List<String> names(List<String> deployments) {
    if (deployments == null || deployments.isEmpty()) {
      throw CairnException.invalid("--deployments is empty; name at least one deployment to serve");
    }
    LinkedHashSet<String> names = new LinkedHashSet<>();
    for (String d : deployments) {
      String name = d == null ? "" : d.strip();
      try {
        names.add(Deployment.requireName(name));
      } catch (CairnException e) {
        throw CairnException.invalid("--deployments: deployment name '" + name + "' is not valid: " + e.getMessage());
      }
    }
    return List.copyOf(names);
  }

  private static void requireExisting(DeploymentStore deployments, List<String> names, String backendStoreUri) {
    for (String name : names) {
      try {
        deployments.get(name);
      } catch (CairnException e) {
        if (e.code() == ErrorCode.RESOURCE_DOES_NOT_EXIST) {
          throw CairnException.notFound("deployment '" + name + "' does not exist in "
              + CairnServer.redact(backendStoreUri) + "; create it first through a server on this database"
              + " (cairn deploy create, or POST /api/cairn/v1/deployments)");
        }
        throw e;
      }
    }
  }

  private static void closeAll(List<AutoCloseable> parts) {
    for (AutoCloseable c : parts) {
      try {
        c.close();
      } catch (Exception e) {
        // the start's own failure is the one reported
      }
    }
  }
}
