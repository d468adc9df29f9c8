package dev.cairn.serving.canary;

import dev.cairn.core.CairnException;
import dev.cairn.core.LoopHealth;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Json;
import dev.cairn.registry.ModelVersion;
import dev.cairn.registry.PromotionRequest;
import dev.cairn.serving.deploy.Canary;
import dev.cairn.serving.deploy.Deployment;
import dev.cairn.serving.deploy.DeploymentPatch;
import dev.cairn.serving.deploy.DeploymentRouting;
import dev.cairn.serving.deploy.DeploymentSpec;
import dev.cairn.serving.deploy.DeploymentStore;
import dev.cairn.serving.deploy.Route;
import dev.cairn.serving.deploy.Target;
import dev.cairn.serving.monitor.MonitorService;
import dev.cairn.serving.monitor.MonitorWindow;
import dev.cairn.serving.rules.Condition;
import dev.cairn.serving.rules.Evaluation;
import dev.cairn.serving.rules.Evaluation.Verdict;
import dev.cairn.serving.rules.Figures;
import dev.cairn.serving.rules.WindowFigures;
import dev.cairn.store.audit.AuditScope;
import dev.cairn.store.registry.ModelRegistryStore;
import dev.cairn.store.registry.PromotionStore;
import dev.cairn.tracking.Page;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs canaries: starts, aborts and promotes them on request, and on each {@link #check} decides every running one
 * from the monitor windows of the current step (canary version against the baseline, the heaviest stable route):
 * a false {@code until} with at least {@code min_requests} canary requests rolls back at once; a true one held for
 * {@code for} ramps to the next step, and after the last promotes (a promotion request when the stable alias is
 * protected, which the controller then waits on); unknown waits, up to {@code unknown_timeout}, then rolls back.
 *
 * <p>Every step is an update of the deployment at the version it was read at, so two servers on one database never
 * both act: the second one's write fails with CONFLICT and it reads again on its next check. Each step is a history
 * entry ({@code canary.start}, {@code canary.ramp}, {@code canary.rollback},
 * {@code canary.promote}, {@code canary.abort}; {@code canary.requested} when a promotion request is opened; kinds
 * keep within the history column's 16 characters) and an audit event {@code deployment.canary.*}; the controller's own
 * steps are recorded as {@value #ACTOR}. The "held since" time of a true condition is stored in the canary's progress
 * (a deployment version without a history entry), so after a restart, or on another server, the hold continues.
 */
public final class CanaryController implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CanaryController.class);
  /** Who the controller's own steps are recorded as. */
  public static final String ACTOR = "system:canary";
  /** How often the server checks its canaries, in seconds, unless {@code CAIRN_CANARY_CHECK_SECONDS} says. */
  public static final long DEFAULT_CHECK_SECONDS = 30;

  /** The latest decision taken (or not) for one deployment's canary, for status answers. */
  public record Check(long timeMs, Verdict verdict, String detail, long canaryRequests, long baselineRequests,
      Long heldSinceMs) {}

  private final DeploymentStore deployments;
  private final ModelRegistryStore registry;
  private final PromotionStore promotions;
  private final MonitorService monitors;
  private final LongSupplier clock;
  private final Map<String, Check> lastChecks = new ConcurrentHashMap<>();
  /** Each {@link #check} round: failed when listing failed or some canary's check did (a conflict is no failure). */
  private final LoopHealth rounds;
  private ScheduledExecutorService ticker;
  private volatile java.util.function.Consumer<String> onStep = name -> {};

  public CanaryController(DeploymentStore deployments, ModelRegistryStore registry, PromotionStore promotions,
      MonitorService monitors, LongSupplier clock) {
    this.deployments = deployments;
    this.registry = registry;
    this.promotions = promotions;
    this.monitors = monitors;
    this.clock = clock;
    this.rounds = new LoopHealth("canaries", LoopHealth.DEFAULT_FAILED_ROUNDS, clock);
  }

  /**
   * Told the deployment's name after each step this controller writes (start, ramp, promotion, rollback...), so the
   * server's own serving tables switch at once instead of at their next background refresh.
   */
  public void onStep(java.util.function.Consumer<String> listener) {
    this.onStep = listener;
  }

  /** The check interval from {@code CAIRN_CANARY_CHECK_SECONDS} (or property {@code cairn.canary.check-seconds}). */
  public static long checkSeconds() {
    String text = System.getProperty("cairn.canary.check-seconds", System.getenv("CAIRN_CANARY_CHECK_SECONDS"));
    if (text == null || text.isBlank()) {
      return DEFAULT_CHECK_SECONDS;
    }
    if (!text.strip().matches("\\d{1,6}")) {
      throw CairnException.invalid("CAIRN_CANARY_CHECK_SECONDS is '" + text + "'; give whole seconds, 0 to 999999"
          + " (0 turns automatic checks off)");
    }
    return Long.parseLong(text.strip());
  }

  /** Checks every {@code seconds} seconds in a background thread (0 or less: never). */
  public synchronized void start(long seconds) {
    if (seconds <= 0 || ticker != null) {
      return;
    }
    ticker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "cairn-canary");
      t.setDaemon(true);
      return t;
    });
    ticker.scheduleWithFixedDelay(() -> {
      try {
        check();
      } catch (RuntimeException e) {
        LOG.warn("canary check failed; trying again at the next one", e);
      }
    }, seconds, seconds, TimeUnit.SECONDS);
  }

  // ---------------------------------------------------------------- requests

  /** Starts a canary on deployment {@code name} in {@code actor}'s name; INVALID_STATE when one is running. */
  public Deployment start(String name, CanaryStart s, String actor) {
    Deployment d = deployments.get(name);
    if (s.expectedVersion() != null && d.version() != s.expectedVersion()) {
      throw new CairnException(ErrorCode.CONFLICT, "deployment '" + name + "' is at version " + d.version()
          + ", not the expected_version " + s.expectedVersion() + "; read it again and retry");
    }
    Canary old = d.spec().canary();
    if (old != null && old.state().isActive()) {
      throw new CairnException(ErrorCode.INVALID_STATE, "deployment '" + name + "' already runs a canary of "
          + old.target() + " (" + old.state().wire() + "); abort or promote it first");
    }
    List<Integer> ramp = s.ramp();
    ModelVersion canary = lookUpField("target", s.target());
    ModelVersion baseline = DeploymentRouting.lookUp(registry, stableRoute(d.spec()).target());
    if (baseline.name().equals(canary.name()) && baseline.version() == canary.version()) {
      throw CairnException.invalid("field 'target' " + s.target() + " is version " + canary.version() + " of '"
          + canary.name() + "', which the stable route " + stableRoute(d.spec()).target() + " already serves");
    }
    long now = clock.getAsLong();
    Canary c = new Canary(s.target(), ramp.get(0), s.until(), s.forDuration(), Canary.State.RAMPING,
        new Canary.Plan(ramp, s.minRequests() == null ? Canary.Plan.DEFAULT_MIN_REQUESTS : s.minRequests(),
            s.unknownTimeout()),
        new Canary.Progress(0, now, now, actor, null, null));
    return write(d, c, "canary.start");
  }

  /** Ends a running canary without promoting it (its traffic returns to the stable routes). */
  public Deployment abort(String name, String actor) {
    Deployment d = deployments.get(name);
    Canary c = requireActive(d);
    if (cancelRequest(c)) {
      throw new CairnException(ErrorCode.INVALID_STATE, "deployment '" + name + "' canary's promotion request "
          + c.progress().promotionRequestId() + " was applied already; the canary is being promoted");
    }
    return write(d, c.withState(Canary.State.ABORTED, "aborted by " + actor), "canary.abort");
  }

  /**
   * Promotes a running canary now, whatever its figures say: through a promotion request in {@code actor}'s name
   * when the stable alias is protected (the canary then awaits its approval), else at once.
   */
  public Deployment promote(String name, String actor) {
    Deployment d = deployments.get(name);
    Canary c = requireActive(d);
    if (c.state() == Canary.State.AWAITING_APPROVAL) {
      throw new CairnException(ErrorCode.INVALID_STATE, "deployment '" + name + "' canary already awaits approval of"
          + " promotion request " + c.progress().promotionRequestId());
    }
    return promote(d, c, actor, "promoted by " + actor);
  }

  /** Version {@code version} of the stable route's model: what {@code --version V} names. */
  public Target versionOfStableModel(String name, Long version) {
    if (version == null || version < 1 || version > Integer.MAX_VALUE) {
      throw CairnException.invalid("field 'version' is " + version + "; versions count from 1");
    }
    return new Target(stableRoute(deployments.get(name).spec()).target().model(), version.intValue(), null);
  }

  /** The deployment's canary as it stands; RESOURCE_DOES_NOT_EXIST when it never had one. */
  public Canary canary(String name) {
    Canary c = deployments.get(name).spec().canary();
    if (c == null) {
      throw CairnException.notFound("deployment '" + name + "' has no canary; start one with"
          + " POST /api/cairn/v1/deployments/" + name + "/canary");
    }
    return c;
  }

  /** The latest check of the deployment's canary by this server, if any. */
  public Optional<Check> lastCheck(String name) {
    return Optional.ofNullable(lastChecks.get(name));
  }

  // ---------------------------------------------------------------- checks

  /** Checks every running canary now, by the controller's clock. */
  public void check() {
    check(clock.getAsLong());
  }

  /** Checks every running canary as of {@code nowMs}; one deployment's failure does not stop the others. */
  public void check(long nowMs) {
    AuditScope.enter(new AuditScope(ACTOR, null, null, "deployment.canary"));
    String failure = null;
    try {
      String token = null;
      do {
        Page<Deployment> page = deployments.list(DeploymentStore.MAX_PAGE_SIZE, token);
        for (Deployment d : page.items()) {
          Canary c = d.spec().canary();
          if (c == null || !c.state().isActive()) {
            continue;
          }
          try {
            check(d, c, nowMs);
          } catch (CairnException e) {
            if (e.code() == ErrorCode.CONFLICT) {
              LOG.debug("deployment {}: changed meanwhile (another server?); checking again next time", d.name());
            } else {
              LOG.warn("deployment {}: canary check failed: {}", d.name(), e.getMessage());
              failure = "deployment '" + d.name() + "': " + e.getMessage();
            }
          } catch (RuntimeException e) {
            LOG.warn("deployment {}: canary check failed", d.name(), e);
            failure = "deployment '" + d.name() + "': " + e;
          }
        }
        token = page.nextPageToken();
      } while (token != null);
    } catch (RuntimeException e) {
      rounds.failed("cannot list deployments: " + e.getMessage());
      throw e;
    } finally {
      AuditScope.clear();
    }
    if (failure == null) {
      rounds.succeeded();
    } else {
      rounds.failed(failure);
    }
  }

  /** For /health: degraded when the last rounds of checks all failed (the database away, a canary that cannot be checked). */
  public LoopHealth health() {
    return rounds;
  }

  private void check(Deployment d, Canary c, long now) {
    if (c.progress().stepStartedMs() == 0) {
      // written without this controller (a PATCH, or stored before canaries ran): its first step starts now
      write(d, c.startedAt(now), "canary.start");
      return;
    }
    try {
      Condition.parse(c.until());
    } catch (CairnException e) {
      rollback(d, c, "the condition cannot be checked: " + e.getMessage());
      return;
    }
    if (c.state() == Canary.State.AWAITING_APPROVAL && settleRequest(d, c)) {
      return;
    }
    Evaluated e = evaluate(d, c, now);
    boolean enough = e.canaryRequests >= c.plan().minRequests();
    Long since = e.evaluation.isTrue() && enough && c.state() == Canary.State.RAMPING
        ? (c.progress().heldSinceMs() != null ? c.progress().heldSinceMs() : Long.valueOf(now)) : null;
    lastChecks.put(d.name(), new Check(now, e.evaluation.verdict(), e.evaluation.detail(), e.canaryRequests,
        e.baselineRequests, since));
    if (e.evaluation.isFalse() && enough) {
      rollback(d, c, "condition '" + c.until() + "' is false after " + e.canaryRequests + " canary requests: "
          + e.evaluation.detail());
      return;
    }
    if (c.state() == Canary.State.AWAITING_APPROVAL) {
      return; // the figures still watch it; the decision now is the approvers'
    }
    long holdFor = Canary.Durations.millis("canary.for", c.forDuration());
    if (since != null && now - since >= holdFor) {
      String why = "condition '" + c.until() + "' held for " + c.forDuration() + " at " + c.percent() + "%: "
          + e.evaluation.detail();
      if (c.isLastStep()) {
        promote(d, c, c.progress().startedBy() == null ? ACTOR : c.progress().startedBy(), why);
      } else {
        write(d, c.nextStep(now, why), "canary.ramp");
      }
      return;
    }
    long timeout = Canary.Durations.millis("canary.unknown_timeout", c.plan().unknownTimeout());
    if (since == null && now - c.progress().stepStartedMs() >= timeout) {
      rollback(d, c, "undecided for " + c.plan().unknownTimeout() + " at " + c.percent() + "% ("
          + e.canaryRequests + " canary requests, at least " + c.plan().minRequests() + " needed): "
          + e.evaluation.verdict().name().toLowerCase(java.util.Locale.ROOT) + " " + e.evaluation.detail());
      return;
    }
    if (!Objects.equals(since, c.progress().heldSinceMs())) {
      // nothing decided: the hold is stored, so a restarted server (or another one) continues it instead of starting
      // --for again; CONFLICT when another server moved the deployment on meanwhile
      deployments.note(d, withCanary(d.spec(), c.heldSince(since)));
    }
  }

  /**
   * The requests a window's version took, answered or failed: a canary whose every request fails has logged no
   * prediction, yet it has been tried enough to be judged.
   */
  private static long requests(MonitorWindow w) {
    if (w == null) {
      return 0;
    }
    MonitorWindow.Operations ops = w.operations();
    return ops.answered() + (ops.errors() == null ? 0 : ops.errors());
  }

  private record Evaluated(Evaluation evaluation, long canaryRequests, long baselineRequests) {}

  /** The condition over the current step: the canary's window against the baseline's, from the step's start. */
  private Evaluated evaluate(Deployment d, Canary c, long now) {
    long from = c.progress().stepStartedMs();
    if (now <= from) {
      return new Evaluated(new Evaluation(Verdict.UNKNOWN, "the step has just started"), 0, 0);
    }
    ModelVersion canary = DeploymentRouting.lookUp(registry, c.target());
    ModelVersion baseline = DeploymentRouting.lookUp(registry, stableRoute(d.spec()).target());
    int minutes = (int) Math.min(525_600, Math.max(1, (now - from + 59_999) / 60_000));
    MonitorWindow canaryWindow = null;
    MonitorWindow baselineWindow = null;
    // reading may store closed windows: bookkeeping, not a step of the canary, so not audited
    List<MonitorWindow> windows = AuditScope.unaudited(() -> monitors.windows(d.name(), from, now, minutes));
    for (MonitorWindow w : windows) {
      if (w.modelName().equals(canary.name()) && w.modelVersion() == canary.version()) {
        canaryWindow = w;
      } else if (w.modelName().equals(baseline.name()) && w.modelVersion() == baseline.version()) {
        baselineWindow = w;
      }
    }
    long canaryRequests = requests(canaryWindow);
    long baselineRequests = requests(baselineWindow);
    if (canaryWindow == null) {
      return new Evaluated(new Evaluation(Verdict.UNKNOWN, "no canary requests in this step yet"), 0,
          baselineRequests);
    }
    Figures base = baselineWindow == null ? (metric, feature) -> null : WindowFigures.of(baselineWindow);
    Evaluation evaluation = Condition.parse(c.until()).evaluate(List.of(WindowFigures.of(canaryWindow)), base);
    return new Evaluated(evaluation, canaryRequests, baselineRequests);
  }

  // ---------------------------------------------------------------- steps

  private void rollback(Deployment d, Canary c, String reason) {
    if (cancelRequest(c)) {
      // approvers applied the promotion a moment ago: their decision stands, and the alias has moved
      settleRequest(d, c);
      return;
    }
    write(d, c.withState(Canary.State.ROLLED_BACK, reason), "canary.rollback");
    LOG.info("deployment {}: canary {} rolled back: {}", d.name(), c.target(), reason);
  }

  /**
   * Moves the stable route to the canary's version: an unprotected alias is set, a protected one asked for (the
   * canary then awaits approval), a fixed version replaced by the canary's target.
   */
  private Deployment promote(Deployment d, Canary c, String requester, String why) {
    Route stable = stableRoute(d.spec());
    ModelVersion version = DeploymentRouting.lookUp(registry, c.target());
    Target alias = stable.target().alias() != null && stable.target().model().equals(version.name())
        ? stable.target() : null;
    if (alias == null) {
      List<Route> routes = new ArrayList<>();
      for (Route r : d.spec().routes()) {
        routes.add(r == stable ? new Route(c.target(), r.weight()) : r);
      }
      DeploymentSpec spec = DeploymentPatch.routes(routes).applyTo(d.spec());
      return write(d, spec, c.withState(Canary.State.PROMOTED, why + "; route " + stable.target() + " replaced by "
          + c.target()), "canary.promote");
    }
    boolean isProtected = promotions.policies(alias.model()).stream().anyMatch(p -> p.alias().equals(alias.alias()));
    if (!isProtected) {
      registry.setAlias(alias.model(), alias.alias(), version.version(), ACTOR);
      return write(d, c.withState(Canary.State.PROMOTED, why + "; alias " + alias + " moved to version "
          + version.version()), "canary.promote");
    }
    String requestId = openRequest(d, c, alias, version.version(), requester, why);
    return write(d, c.awaiting(requestId, why + "; promotion request " + requestId + " awaits approval"),
        "canary.requested");
  }

  /** Opens the promotion request (or adopts the open one another server made for the same move). */
  private String openRequest(Deployment d, Canary c, Target alias, int version, String requester, String why) {
    Map<String, Object> evidence = new LinkedHashMap<>();
    evidence.put("deployment", d.name());
    evidence.put("canary", c.target().toString());
    evidence.put("until", c.until());
    Check last = lastChecks.get(d.name());
    if (last != null) {
      evidence.put("detail", last.detail());
      evidence.put("canary_requests", last.canaryRequests());
      evidence.put("baseline_requests", last.baselineRequests());
    }
    try {
      return promotions.request(new PromotionStore.NewRequest(alias.model(), alias.alias(), version, requester,
          "canary of deployment '" + d.name() + "': " + why, Json.write(evidence))).requestId();
    } catch (CairnException e) {
      if (e.code() != ErrorCode.RESOURCE_ALREADY_EXISTS) {
        throw e;
      }
      for (PromotionRequest r : promotions.list(alias.model(), PromotionRequest.Status.PENDING, PromotionStore.MAX_PAGE,
          null).items()) {
        if (r.alias().equals(alias.alias()) && r.version() == version) {
          return r.requestId();
        }
      }
      throw e;
    }
  }

  /**
   * Settles a canary awaiting approval when its request closed: applied (or the alias reached the canary's version
   * some other way) promotes it; rejected or cancelled rolls it back. Returns true when it settled.
   */
  private boolean settleRequest(Deployment d, Canary c) {
    PromotionRequest r = promotions.get(c.progress().promotionRequestId());
    if (r.status() == PromotionRequest.Status.APPLIED || aliasReached(d, c)) {
      write(d, c.withState(Canary.State.PROMOTED, "promotion request " + r.requestId() + " was applied ("
          + r.approvals() + " approval" + (r.approvals() == 1 ? "" : "s") + "); " + r.modelName() + "@" + r.alias()
          + " is version " + r.version()), "canary.promote");
      return true;
    }
    if (r.status() == PromotionRequest.Status.REJECTED || r.status() == PromotionRequest.Status.CANCELLED) {
      rollback(d, c, "promotion request " + r.requestId() + " was " + r.status().name().toLowerCase(
          java.util.Locale.ROOT));
      return true;
    }
    return false;
  }

  private boolean aliasReached(Deployment d, Canary c) {
    ModelVersion stable = DeploymentRouting.lookUp(registry, stableRoute(d.spec()).target());
    ModelVersion canary = DeploymentRouting.lookUp(registry, c.target());
    return stable.name().equals(canary.name()) && stable.version() == canary.version();
  }

  /**
   * Withdraws the canary's open promotion request, in its requester's name (the canary asked for it); returns true
   * when the request had been applied already (too late to withdraw).
   */
  private boolean cancelRequest(Canary c) {
    String id = c.progress().promotionRequestId();
    if (id == null) {
      return false;
    }
    PromotionRequest r = promotions.get(id);
    if (r.status().isOpen()) {
      try {
        promotions.cancel(id, r.requester());
        return false;
      } catch (CairnException e) {
        if (e.code() != ErrorCode.INVALID_STATE) {
          throw e;
        }
        r = promotions.get(id); // decided meanwhile
      }
    }
    return r.status() == PromotionRequest.Status.APPLIED;
  }

  private Deployment write(Deployment d, Canary next, String kind) {
    return write(d, d.spec(), next, kind);
  }

  private Deployment write(Deployment d, DeploymentSpec spec, Canary next, String kind) {
    Deployment after = deployments.change(d, withCanary(spec, next.heldSince(null)), kind);
    onStep.accept(d.name());
    return after;
  }

  private static DeploymentSpec withCanary(DeploymentSpec spec, Canary canary) {
    return new DeploymentSpec(spec.description(), spec.routes(), spec.shadows(), spec.sticky(), canary);
  }

  private static Canary requireActive(Deployment d) {
    Canary c = d.spec().canary();
    if (c == null || !c.state().isActive()) {
      throw new CairnException(ErrorCode.INVALID_STATE, "deployment '" + d.name() + "' has no running canary"
          + (c == null ? "" : " (its last one is " + c.state().wire() + ")"));
    }
    return c;
  }

  /** The route the canary is compared with and promoted into: the heaviest, the first of equals. */
  static Route stableRoute(DeploymentSpec spec) {
    Route best = spec.routes().get(0);
    for (Route r : spec.routes()) {
      if (r.weight() > best.weight()) {
        best = r;
      }
    }
    return best;
  }

  private ModelVersion lookUpField(String field, Target t) {
    try {
      return DeploymentRouting.lookUp(registry, t);
    } catch (CairnException e) {
      if (e.code() != ErrorCode.RESOURCE_DOES_NOT_EXIST) {
        throw e;
      }
      throw CairnException.invalid("field '" + field + "' target " + t + " does not exist in the registry: "
          + e.getMessage());
    }
  }

  @Override
  public synchronized void close() {
    if (ticker != null) {
      ticker.shutdownNow();
      ticker = null;
    }
  }
}
