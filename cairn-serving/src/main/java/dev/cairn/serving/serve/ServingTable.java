package dev.cairn.serving.serve;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.ml.train.Predictions;
import dev.cairn.registry.ModelVersion;
import dev.cairn.serving.deploy.Deployment;
import dev.cairn.serving.deploy.DeploymentRouting;
import dev.cairn.serving.deploy.RouteAssignment;
import dev.cairn.serving.deploy.Sticky;
import dev.cairn.serving.log.PredictionRecord;
import dev.cairn.serving.log.PredictionSink;
import dev.cairn.serving.protocol.Limits;
import dev.cairn.serving.protocol.ScoringRequest;
import dev.cairn.serving.runtime.Scored;
import dev.cairn.store.registry.ModelRegistryStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one deployment serves now: its routes resolved to loaded versions, the route assignment and the shadows, held
 * as one immutable snapshot behind an {@link AtomicReference}. {@link #refresh} resolves the deployment again; when a
 * route, alias or shadow changed it loads (and warms) the new versions beside the old, swaps the snapshot in one step,
 * then waits for the requests still using the old snapshot before releasing the versions only it held. A request
 * therefore always runs against one complete snapshot: a swap never fails one.
 */
public final class ServingTable implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ServingTable.class);
  /** How long a swap waits for requests on the old snapshot before releasing its models anyway. */
  static final long DRAIN_MILLIS = 30_000;
  /** Prefixed to a sticky key before hashing it for the canary split, so that split is independent of the routes'. */
  static final String CANARY_SALT = "canary\u0000";

  private final String name;
  private final Supplier<Deployment> deployment;
  private final Function<Deployment, DeploymentRouting.Resolved> resolver;
  private final ModelCache cache;
  private final PredictionSink sink;
  private final ExecutorService shadowPool;
  private final Limits limits;
  private final AtomicReference<Snapshot> current = new AtomicReference<>();
  private final Object refreshing = new Object();

  /** One routing state; requests count themselves in and out so a swap knows when it is unused. */
  private static final class Snapshot {
    final long deploymentVersion;
    final List<Served> routes;
    final List<Served> shadows;
    final RouteAssignment assignment;
    final Sticky sticky;
    /** The running canary's version (null when none) and the percent of traffic it takes before the routes. */
    final Served canary;
    final int canaryPercent;
    final AtomicInteger inFlight = new AtomicInteger();

    Snapshot(long deploymentVersion, List<Served> routes, List<Served> shadows, RouteAssignment assignment,
        Sticky sticky, Served canary, int canaryPercent) {
      this.deploymentVersion = deploymentVersion;
      this.routes = routes;
      this.shadows = shadows;
      this.assignment = assignment;
      this.sticky = sticky;
      this.canary = canary;
      this.canaryPercent = canaryPercent;
    }

    List<ModelVersion> versions() {
      List<ModelVersion> all = new ArrayList<>();
      routes.forEach(s -> all.add(s.version()));
      shadows.forEach(s -> all.add(s.version()));
      if (canary != null) {
        all.add(canary.version());
      }
      return all;
    }

    String signature() {
      StringBuilder sb = new StringBuilder().append(deploymentVersion);
      versions().forEach(v -> sb.append(';').append(v.name()).append('/').append(v.version()));
      return sb.toString();
    }
  }

  /**
   * A table for deployment {@code name}, read through {@code deployment} at each refresh; nothing is loaded until the
   * first {@link #refresh}.
   *
   * @param shadowPool where shadow copies run; a bounded pool that rejects when full (the copy is then dropped)
   */
  public ServingTable(String name, Supplier<Deployment> deployment, ModelRegistryStore registry, ModelCache cache,
      PredictionSink sink, ExecutorService shadowPool, Limits limits) {
    this(name, deployment, d -> DeploymentRouting.resolve(d, registry), cache, sink, shadowPool, limits);
  }

  /** As above, with the deployment's targets resolved by {@code resolver} (one model served without a registry). */
  public ServingTable(String name, Supplier<Deployment> deployment,
      Function<Deployment, DeploymentRouting.Resolved> resolver, ModelCache cache, PredictionSink sink,
      ExecutorService shadowPool, Limits limits) {
    this.name = name;
    this.deployment = deployment;
    this.resolver = resolver;
    this.cache = cache;
    this.sink = sink == null ? PredictionSink.NONE : sink;
    this.shadowPool = shadowPool;
    this.limits = limits == null ? Limits.DEFAULT : limits;
  }

  public String name() {
    return name;
  }

  /**
   * Resolves the deployment again and, when what it names changed, loads the new versions beside the old and swaps.
   * Returns true when it swapped. A failure (a missing version, a bundle that does not load) leaves the current
   * snapshot serving and propagates.
   */
  public boolean refresh() {
    synchronized (refreshing) {
      Deployment d = deployment.get();
      DeploymentRouting.Resolved resolved = resolver.apply(d);
      Snapshot old = current.get();
      List<ModelVersion> wanted = new ArrayList<>();
      resolved.routes().forEach(r -> wanted.add(r.version()));
      resolved.shadows().forEach(s -> wanted.add(s.version()));
      if (resolved.canary() != null) {
        wanted.add(resolved.canary());
      }
      StringBuilder signature = new StringBuilder().append(d.version());
      wanted.forEach(v -> signature.append(';').append(v.name()).append('/').append(v.version()));
      if (old != null && old.signature().contentEquals(signature)) {
        return false;
      }
      List<ModelVersion> acquired = new ArrayList<>();
      Snapshot next;
      try {
        List<Served> routes = new ArrayList<>();
        for (DeploymentRouting.ResolvedRoute r : resolved.routes()) {
          routes.add(Served.of(r.version(), acquire(r.version(), acquired), limits));
        }
        List<Served> shadows = new ArrayList<>();
        for (DeploymentRouting.ResolvedShadow s : resolved.shadows()) {
          shadows.add(Served.of(s.version(), acquire(s.version(), acquired), limits));
        }
        Served canary = resolved.canary() == null ? null
            : Served.of(resolved.canary(), acquire(resolved.canary(), acquired), limits);
        next = new Snapshot(d.version(), List.copyOf(routes), List.copyOf(shadows), RouteAssignment.of(d.spec()),
            d.spec().sticky(), canary, canary == null ? 0 : d.spec().canary().trafficPercent());
      } catch (RuntimeException e) {
        acquired.forEach(cache::release);
        throw e;
      }
      current.set(next);
      LOG.info("deployment {} now serves {}", name, next.signature());
      if (old != null) {
        retire(old);
      }
      return true;
    }
  }

  private dev.cairn.serving.runtime.LoadedModel acquire(ModelVersion v, List<ModelVersion> acquired) {
    dev.cairn.serving.runtime.LoadedModel m = cache.acquire(v); // loaded and warmed before anyone is routed to it
    acquired.add(v);
    return m;
  }

  /** Waits (bounded) for the old snapshot's requests to finish, then gives back its models. */
  private void retire(Snapshot old) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DRAIN_MILLIS);
    while (old.inFlight.get() > 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(2);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    if (old.inFlight.get() > 0) {
      LOG.warn("deployment {}: {} requests still used the old routing after {} ms; releasing it anyway", name,
          old.inFlight.get(), DRAIN_MILLIS);
    }
    old.versions().forEach(cache::release);
  }

  /** Takes the current snapshot for one request; close the lease when the request is done. */
  public Lease lease() {
    while (true) {
      Snapshot s = current.get();
      if (s == null) {
        throw new CairnException(ErrorCode.TEMPORARILY_UNAVAILABLE, "deployment '" + name + "' is not loaded yet");
      }
      s.inFlight.incrementAndGet();
      if (current.get() == s) {
        return new Lease(s);
      }
      s.inFlight.decrementAndGet(); // swapped meanwhile: the swap may already have counted us out
    }
  }

  /** Whether a snapshot is loaded. */
  public boolean ready() {
    return current.get() != null;
  }

  /** One request's view of the table: the routes it may use stay loaded until it is closed. */
  public final class Lease implements AutoCloseable {
    private final Snapshot snapshot;
    private boolean closed;

    private Lease(Snapshot snapshot) {
      this.snapshot = snapshot;
    }

    /** The routes, in the deployment's order. */
    public List<Served> routes() {
      return snapshot.routes;
    }

    /** The shadow versions, each handed a copy of every scored request. */
    public List<Served> shadows() {
      return snapshot.shadows;
    }

    /** The deployment's sticky key, or null. */
    public Sticky sticky() {
      return snapshot.sticky;
    }

    /**
     * Picks a route: by the sticky key's value when the deployment has one and the request carries it (a header read
     * through {@code headers}, or a field of the first row), else at random by weight.
     */
    public Served pick(UnaryOperator<String> headers, List<Map<String, Object>> rows) {
      if (snapshot.canary != null) {
        // the canary's share is cut first, by its own hash of the key: a sticky key stays on the canary as it ramps
        // (its bucket stays below the growing percent), and the routes' own split of the rest is unchanged
        String key = stickyValue(headers, rows);
        int bucket = key != null ? RouteAssignment.bucket(CANARY_SALT + key)
            : ThreadLocalRandom.current().nextInt(RouteAssignment.BUCKETS);
        if (bucket < snapshot.canaryPercent) {
          return snapshot.canary;
        }
      }
      if (snapshot.routes.size() == 1) {
        return snapshot.routes.get(0);
      }
      String key = stickyValue(headers, rows);
      int i = key != null ? snapshot.assignment.pick(key)
          : snapshot.assignment.pick(ThreadLocalRandom.current());
      return snapshot.routes.get(i);
    }

    /** The sticky key's value in this request, or null. */
    public String stickyValue(UnaryOperator<String> headers, List<Map<String, Object>> rows) {
      Sticky sticky = snapshot.sticky;
      if (sticky == null) {
        return null;
      }
      if (sticky.source() == Sticky.Source.HEADER) {
        return headers == null ? null : headers.apply(sticky.key());
      }
      if (rows == null || rows.isEmpty()) {
        return null;
      }
      Object v = rows.get(0).get(sticky.key());
      return v == null ? null : String.valueOf(v);
    }

    /** The route serving model version {@code version}; RESOURCE_DOES_NOT_EXIST when none does. */
    public Served version(int version) {
      for (Served s : snapshot.routes) {
        if (s.modelVersion() == version) {
          return s;
        }
      }
      if (snapshot.canary != null && snapshot.canary.modelVersion() == version) {
        return snapshot.canary;
      }
      throw CairnException.notFound("deployment '" + name + "' has no route to model version " + version
          + "; its routes serve " + snapshot.routes.stream().map(s -> s.modelName() + "/" + s.modelVersion()).toList());
    }

    /**
     * Scores {@code request} with {@code served}, records it (one prediction id per row) and hands a copy to every
     * shadow; the shadows' answers are recorded with shadow=true and never returned.
     */
    public Answer score(Served served, ScoringRequest request) {
      long start = System.nanoTime();
      Scored scored = served.model().score(request.rows(), request.explain());
      double latencyMs = (System.nanoTime() - start) / 1e6;
      List<Map<String, Object>> outputs = outputs(scored.predictions());
      long now = System.currentTimeMillis();
      List<String> ids = new ArrayList<>(outputs.size());
      for (int i = 0; i < outputs.size(); i++) {
        ids.add(sink.record(new PredictionRecord(name, served.modelName(), served.modelVersion(), now,
            List.of(request.rows().get(i)), List.of(outputs.get(i)), latencyMs, false, i == 0 ? outputs.size() : 0,
            served.model().personalFields())));
      }
      for (Served shadow : snapshot.shadows) {
        shadow(shadow, request);
      }
      return new Answer(served, scored, ids);
    }

    private void shadow(Served shadow, ScoringRequest request) {
      // the copy holds its own count on this snapshot (still held by the caller, so not yet retired): the
      // shadow's model stays loaded until the copy is done, even if a swap happens meanwhile
      snapshot.inFlight.incrementAndGet();
      Lease own = new Lease(snapshot);
      try {
        shadowPool.execute(() -> {
          try (own) {
            long start = System.nanoTime();
            Scored scored = shadow.model().score(request.rows(), false);
            double latencyMs = (System.nanoTime() - start) / 1e6;
            List<Map<String, Object>> outputs = outputs(scored.predictions());
            long now = System.currentTimeMillis();
            for (int i = 0; i < outputs.size(); i++) {
              sink.record(new PredictionRecord(name, shadow.modelName(), shadow.modelVersion(), now,
                  List.of(request.rows().get(i)), List.of(outputs.get(i)), latencyMs, true, i == 0 ? outputs.size() : 0,
                  shadow.model().personalFields()));
            }
          } catch (RuntimeException e) {
            LOG.debug("deployment {}: shadow {} failed: {}", name, shadow.version().name(), e.getMessage());
          }
        });
      } catch (RejectedExecutionException full) {
        own.close(); // the pool is full: the copy is dropped, serving does not wait
      }
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        snapshot.inFlight.decrementAndGet();
      }
    }
  }

  /** Each row's answer as the prediction log keeps it: the label or value, and the probabilities when there are. */
  static List<Map<String, Object>> outputs(Predictions p) {
    List<Map<String, Object>> out = new ArrayList<>(p.size());
    for (int i = 0; i < p.size(); i++) {
      Map<String, Object> row = new LinkedHashMap<>();
      if (p.labels() != null) {
        row.put("label", p.labels()[i]);
        if (p.hasProbabilities()) {
          Map<String, Object> probabilities = new LinkedHashMap<>();
          for (int c = 0; c < p.classes().size(); c++) {
            probabilities.put(p.classes().get(c), p.probabilities()[i][c]);
          }
          row.put("probabilities", probabilities);
        }
      } else {
        row.put("value", p.values()[i]);
      }
      out.add(row);
    }
    return out;
  }

  /** Releases the current snapshot's models (after its requests finish). */
  @Override
  public void close() {
    synchronized (refreshing) {
      Snapshot s = current.getAndSet(null);
      if (s != null) {
        retire(s);
      }
    }
  }

  @Override
  public String toString() {
    Snapshot s = current.get();
    return "ServingTable(" + name + ", " + (s == null ? "not loaded" : s.signature()) + ")";
  }
}
