package dev.cairn.serving.serve;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.serving.deploy.DeploymentStore;
import dev.cairn.serving.log.PredictionSink;
import dev.cairn.serving.protocol.Limits;
import dev.cairn.store.registry.ModelRegistryStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The serving tables of every deployment in a store, made on a deployment's first request and kept current by
 * {@link #refreshAll} (which the background refresher calls every few seconds when started). One {@link ModelCache}
 * is shared, so deployments routing to the same version load it once.
 */
public final class ServingTables implements InferenceTables {
  private static final Logger LOG = LoggerFactory.getLogger(ServingTables.class);
  /** Shadow copies waiting beyond this are dropped: shadows never slow serving. */
  static final int SHADOW_QUEUE = 256;

  private final DeploymentStore deployments;
  private final ModelRegistryStore registry;
  private final ModelCache cache;
  private final PredictionSink sink;
  private final Limits limits;
  private final ThreadPoolExecutor shadowPool;
  private final Map<String, ServingTable> tables = new ConcurrentHashMap<>();
  private ScheduledExecutorService refresher;

  public ServingTables(DeploymentStore deployments, ModelRegistryStore registry, ModelCache cache,
      PredictionSink sink, Limits limits) {
    this.deployments = deployments;
    this.registry = registry;
    this.cache = cache;
    this.sink = sink == null ? PredictionSink.NONE : sink;
    this.limits = limits == null ? Limits.DEFAULT : limits;
    this.shadowPool = new ThreadPoolExecutor(1, 2, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(SHADOW_QUEUE),
        r -> {
          Thread t = new Thread(r, "cairn-shadow");
          t.setDaemon(true);
          return t;
        }, new ThreadPoolExecutor.AbortPolicy());
  }

  @Override
  public Limits limits() {
    return limits;
  }

  /** The table of deployment {@code name}, loaded on first use; RESOURCE_DOES_NOT_EXIST when there is none. */
  @Override
  public ServingTable table(String name) {
    ServingTable t = tables.get(name);
    if (t != null && t.ready()) {
      return t;
    }
    deployments.get(name); // a missing deployment is a 404 before anything is made
    ServingTable table = tables.computeIfAbsent(name, n -> new ServingTable(n, () -> deployments.get(n), registry,
        cache, sink, shadowPool, limits));
    if (!table.ready()) {
      table.refresh();
    }
    return table;
  }

  /** Refreshes every table; a deleted deployment's table is closed, a failing one keeps serving what it has. */
  public void refreshAll() {
    for (ServingTable t : List.copyOf(tables.values())) {
      try {
        t.refresh();
      } catch (CairnException e) {
        if (e.code() == ErrorCode.RESOURCE_DOES_NOT_EXIST && !exists(t.name())) {
          tables.remove(t.name(), t);
          t.close();
        } else {
          LOG.warn("deployment {}: refresh failed, serving the previous routing: {}", t.name(), e.getMessage());
        }
      } catch (RuntimeException e) {
        LOG.warn("deployment {}: refresh failed, serving the previous routing", t.name(), e);
      }
    }
  }

  private boolean exists(String name) {
    try {
      deployments.get(name);
      return true;
    } catch (CairnException e) {
      return e.code() != ErrorCode.RESOURCE_DOES_NOT_EXIST;
    }
  }

  /** Polls every {@code seconds} seconds for moved aliases and changed routes. */
  public void startRefresher(long seconds) {
    startRefresher(Duration.ofSeconds(seconds));
  }

  /** Polls every {@code every} for moved aliases, changed routes and deleted deployments (serving replicas: ~2 s). */
  public synchronized void startRefresher(Duration every) {
    long millis = every.toMillis();
    if (millis <= 0) {
      throw CairnException.invalid("serving refresh interval " + every + " is not positive; use at least 1 ms");
    }
    if (refresher != null) {
      return;
    }
    refresher = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "cairn-serving-refresh");
      t.setDaemon(true);
      return t;
    });
    refresher.scheduleWithFixedDelay(this::refreshAll, millis, millis, TimeUnit.MILLISECONDS);
  }

  /** Model versions the shared model cache holds now (for figures). */
  public int loadedModels() {
    return cache.loaded().size();
  }

  /** The shadow pool's queue size now (for tests and figures). */
  public int shadowBacklog() {
    return shadowPool.getQueue().size();
  }

  @Override
  public void close() {
    synchronized (this) {
      if (refresher != null) {
        refresher.shutdownNow();
      }
    }
    shadowPool.shutdownNow();
    tables.values().forEach(ServingTable::close);
    tables.clear();
    cache.close();
  }
}
