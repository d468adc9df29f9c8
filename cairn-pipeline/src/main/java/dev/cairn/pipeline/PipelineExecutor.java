package dev.cairn.pipeline;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Hashing;
import dev.cairn.core.Json;
import dev.cairn.store.ArtifactPaths;
import dev.cairn.store.ArtifactStore;
import dev.cairn.store.MetadataStore;
import dev.cairn.tracking.Param;
import dev.cairn.tracking.RunInfo;
import dev.cairn.tracking.RunStatus;
import dev.cairn.tracking.Tag;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs pipelines in process: steps whose inputs are ready run in parallel on a bounded pool (one thread per step at
 * most {@link RunOptions#parallelism}), each in its own {@link StepContext} and work directory.
 *
 * <p>Recording: the pipeline run is an MLflow run (tags {@value #TAG_PIPELINE}, {@value #TAG_DEFINITION}, and
 * {@value #TAG_SOURCE} and {@value #TAG_OVERRIDES} for a pipeline loaded from YAML) and each
 * step run a child run (tag {@value #TAG_PARENT}, plus {@value #TAG_PIPELINE_RUN}, {@value #TAG_STEP},
 * {@value #TAG_CACHE_KEY}, and {@value #TAG_CACHED_FROM} on a cache hit) carrying the step's parameters as MLflow
 * params; outputs are stored under the step run's artifact location in {@value #OUTPUTS_DIR}/NAME, its log at
 * {@value #LOG_PATH}; the {@link PipelineStore} keeps statuses, timings, artifact hashes and the cache index.
 *
 * <p>Caching: a step is skipped when the cache index has its key ({@link CacheKeys}) and every output of the step
 * run it points at still exists in the artifact store with the recorded size and hash (a deleted or changed output
 * is a miss: the step runs and its run replaces the index entry). {@link RunOptions#noCache} skips the look-up;
 * a step declared {@code cache: false} neither looks up nor is indexed.
 *
 * <p>Failure: a failed step fails the run with its error; the steps downstream of it are SKIPPED, independent
 * branches finish. {@link #resume} reruns a failed run's failed and skipped steps, reusing the steps it finished.
 */
public final class PipelineExecutor {
  public static final String TAG_PIPELINE = "cairn.pipeline";
  public static final String TAG_DEFINITION = "cairn.pipeline.definition";
  /** The pipeline file a run was loaded from (absolute path), so {@code cairn pipeline resume} can reload it. */
  public static final String TAG_SOURCE = "cairn.pipeline.source";
  /** The run's parameter overrides as a JSON list of {@code STEP.PARAM=VALUE}, present when there were any. */
  public static final String TAG_OVERRIDES = "cairn.pipeline.overrides";
  public static final String TAG_PIPELINE_RUN = "cairn.pipeline.run";
  public static final String TAG_STEP = "cairn.pipeline.step";
  public static final String TAG_CACHE_KEY = "cairn.step.cache_key";
  public static final String TAG_CACHED_FROM = "cairn.step.cached_from";
  public static final String TAG_PARENT = "mlflow.parentRunId";
  public static final String OUTPUTS_DIR = "outputs";
  public static final String LOG_PATH = "cairn/step.log";
  private static final Logger LOG = LoggerFactory.getLogger(PipelineExecutor.class);
  private static final AtomicInteger POOLS = new AtomicInteger();

  private final MetadataStore tracking;
  private final ArtifactStore artifacts;
  private final PipelineStore store;

  /**
   * An executor over the given stores. The tracking store's artifact root must be the artifact store's root (or
   * experiments must use {@code mlflow-artifacts:} locations), so a run's artifact location maps into the store.
   */
  public PipelineExecutor(MetadataStore tracking, ArtifactStore artifacts, PipelineStore store) {
    this.tracking = tracking;
    this.artifacts = artifacts;
    this.store = store;
  }

  /** Runs {@code pipeline} as a new pipeline run and returns it as recorded when it ended. */
  public PipelineRun run(Pipeline pipeline, RunOptions options, PipelineEvent.Listener listener) {
    long now = System.currentTimeMillis();
    String definitionSha = pipeline.definitionSha256();
    List<Tag> tags = new ArrayList<>(List.of(new Tag(TAG_PIPELINE, pipeline.name()),
        new Tag(TAG_DEFINITION, definitionSha)));
    if (pipeline.source() != null) {
      tags.add(new Tag(TAG_SOURCE, pipeline.source()));
    }
    if (!pipeline.overrides().isEmpty()) {
      tags.add(new Tag(TAG_OVERRIDES, Json.write(pipeline.overrides())));
    }
    options.tags().forEach((k, v) -> {
      if (!k.startsWith("cairn.pipeline")) {
        tags.add(new Tag(k, v));
      }
    });
    RunInfo info = tracking.createRun(options.experimentId(), options.user(), now, pipeline.name(), tags);
    store.createRun(info.runId(), pipeline.name(), info.experimentId(), definitionSha,
        Json.write(pipeline.describe()), now);
    return execute(pipeline, info.runId(), info.experimentId(), 1, Map.of(), options, listener, now);
  }

  /**
   * Runs a failed pipeline run again, in the same run: steps that succeeded (or were cached) in an earlier
   * attempt are reused when their cache key is unchanged and their outputs still exist; failed and skipped steps,
   * and any step whose key changed, run as a new attempt. Only a FAILED run resumes ({@code INVALID_STATE}
   * otherwise); {@code pipeline} must have the run's pipeline name.
   */
  public PipelineRun resume(String runId, Pipeline pipeline, RunOptions options, PipelineEvent.Listener listener) {
    PipelineRun prior = store.getRun(runId);
    if (prior.status() != PipelineStatus.FAILED) {
      throw new CairnException(ErrorCode.INVALID_STATE, "pipeline run '" + runId + "' is " + prior.status()
          + "; only a FAILED run can be resumed");
    }
    if (!prior.pipelineName().equals(pipeline.name())) {
      throw CairnException.invalid("pipeline run '" + runId + "' ran pipeline '" + prior.pipelineName()
          + "', not '" + pipeline.name() + "'");
    }
    Map<String, StepRun> finished = new HashMap<>();
    for (Pipeline.Node node : pipeline.steps()) {
      StepRun latest = prior.latest(node.name());
      if (latest != null && latest.status().isDone()) {
        finished.put(node.name(), latest);
      }
    }
    int attempt = store.resumeRun(runId);
    tracking.updateRun(runId, RunStatus.RUNNING, null, null);
    return execute(pipeline, runId, prior.experimentId(), attempt, finished, options, listener,
        System.currentTimeMillis());
  }

  /** What became of one step in this attempt. */
  private record Outcome(String step, StepStatus status, List<StepArtifact> outputs, String error) {
    boolean isDone() {
      return status.isDone();
    }
  }

  private PipelineRun execute(Pipeline pipeline, String runId, String experimentId, int attempt,
      Map<String, StepRun> reusable, RunOptions options, PipelineEvent.Listener listener, long start) {
    Attempt a = new Attempt(runId, experimentId, attempt, reusable, options, listener);
    a.emit(PipelineEvent.Kind.PIPELINE_STARTED, null, null, null, null);
    Map<String, Set<String>> upstream = new HashMap<>();
    Map<String, Integer> waiting = new HashMap<>();
    Deque<Pipeline.Node> ready = new ArrayDeque<>();
    for (Pipeline.Node node : pipeline.steps()) {
      Set<String> ups = new LinkedHashSet<>();
      node.inputs().values().forEach(r -> ups.add(r.step()));
      upstream.put(node.name(), ups);
      waiting.put(node.name(), ups.size());
      if (ups.isEmpty()) {
        ready.add(node);
      }
    }
    Map<String, Outcome> outcomes = new LinkedHashMap<>();
    int threads = Math.min(options.parallelism(), pipeline.steps().size());
    int poolId = POOLS.incrementAndGet();
    AtomicInteger threadCount = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "cairn-pipeline-" + poolId + "-" + threadCount.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    try {
      CompletionService<Outcome> done = new ExecutorCompletionService<>(pool);
      int running = 0;
      while (true) {
        while (!ready.isEmpty()) {
          Pipeline.Node node = ready.poll();
          List<String> notDone = upstream.get(node.name()).stream().filter(u -> !outcomes.get(u).isDone()).toList();
          if (!notDone.isEmpty()) {
            Outcome skipped = a.skip(node, "upstream step " + String.join(", ", notDone) + " did not finish");
            release(pipeline, node, skipped, outcomes, waiting, ready);
            continue;
          }
          Map<String, StepArtifact> inputs = new LinkedHashMap<>();
          for (Map.Entry<String, Pipeline.OutputRef> in : node.inputs().entrySet()) {
            StepArtifact out = outcomes.get(in.getValue().step()).outputs().stream()
                .filter(o -> o.name().equals(in.getValue().output())).findFirst().orElseThrow();
            inputs.put(in.getKey(), new StepArtifact(in.getKey(), out.type(), out.path(), out.sha256(), out.size()));
          }
          done.submit(() -> a.runStep(node, inputs));
          running++;
        }
        if (running == 0) {
          break;
        }
        Outcome outcome = done.take().get();
        running--;
        release(pipeline, pipeline.step(outcome.step()).orElseThrow(), outcome, outcomes, waiting, ready);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CairnException(ErrorCode.INTERNAL_ERROR, "pipeline run '" + runId + "' was interrupted", e);
    } catch (ExecutionException e) {
      // the stores failed while recording a step (a step's own failure is an outcome, not an exception)
      String error = "could not record a step: " + describe(e.getCause());
      try {
        store.updateRun(runId, PipelineStatus.FAILED, System.currentTimeMillis(), error);
        tracking.updateRun(runId, RunStatus.FAILED, System.currentTimeMillis(), null);
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw new CairnException(ErrorCode.INTERNAL_ERROR, "pipeline run '" + runId + "' " + error, e.getCause());
    } finally {
      pool.shutdownNow();
    }
    List<String> errors = outcomes.values().stream().filter(o -> o.status() == StepStatus.FAILED)
        .map(o -> "step '" + o.step() + "' failed: " + o.error()).toList();
    PipelineStatus status = errors.isEmpty() ? PipelineStatus.SUCCEEDED : PipelineStatus.FAILED;
    long end = System.currentTimeMillis();
    String error = errors.isEmpty() ? null : String.join("; ", errors);
    store.updateRun(runId, status, end, error);
    tracking.updateRun(runId, status == PipelineStatus.SUCCEEDED ? RunStatus.FINISHED : RunStatus.FAILED, end, null);
    a.emit(PipelineEvent.Kind.PIPELINE_FINISHED, null, null, end - start, error);
    return store.getRun(runId);
  }

  /** Records an ended step and queues the downstream steps whose upstream steps have all ended. */
  private static void release(Pipeline pipeline, Pipeline.Node node, Outcome outcome, Map<String, Outcome> outcomes,
      Map<String, Integer> waiting, Deque<Pipeline.Node> ready) {
    outcomes.put(node.name(), outcome);
    for (Pipeline.Node down : pipeline.downstreamOf(node.name())) {
      if (waiting.merge(down.name(), -1, Integer::sum) == 0) {
        ready.add(down);
      }
    }
  }

  /** One attempt of a pipeline run: what every step task needs. */
  private final class Attempt {
    final String runId;
    final String experimentId;
    final int attempt;
    final Map<String, StepRun> reusable;
    final RunOptions options;
    final PipelineEvent.Listener listener;

    Attempt(String runId, String experimentId, int attempt, Map<String, StepRun> reusable, RunOptions options,
        PipelineEvent.Listener listener) {
      this.runId = runId;
      this.experimentId = experimentId;
      this.attempt = attempt;
      this.reusable = reusable;
      this.options = options;
      this.listener = listener;
    }

    Outcome runStep(Pipeline.Node node, Map<String, StepArtifact> inputs) {
      Map<String, String> inputSha = new LinkedHashMap<>();
      inputs.forEach((k, v) -> inputSha.put(k, v.sha256()));
      Map<String, String> external;
      try {
        external = node.step().externalState(node.params(), inputs);
      } catch (Exception e) {
        return fail(node, inputs, "reading what step '" + node.name() + "' depends on outside the pipeline: "
            + describe(e));
      }
      String key = CacheKeys.of(node.step().fingerprint(), node.params(), inputSha, external, options.cairnVersion());
      StepRun earlier = reusable.get(node.name());
      if (earlier != null && key.equals(earlier.cacheKey()) && isIntact(earlier.outputs())) {
        emit(PipelineEvent.Kind.STEP_REUSED, node.name(), earlier.stepRunId(), 0L,
            "finished in attempt " + earlier.attempt());
        return new Outcome(node.name(), earlier.status(), earlier.outputs(), null);
      }
      if (node.cache() && !options.noCache()) {
        Optional<StepRun> hit = store.findCached(key);
        if (hit.isPresent() && isIntact(hit.get().outputs())) {
          return recordHit(node, inputs, key, hit.get());
        }
      }
      return execute(node, inputs, key);
    }

    private Outcome recordHit(Pipeline.Node node, Map<String, StepArtifact> inputs, String key, StepRun hit) {
      long start = System.currentTimeMillis();
      List<Tag> tags = new ArrayList<>(childTags(node, key));
      tags.add(new Tag(TAG_CACHED_FROM, hit.stepRunId()));
      RunInfo child = tracking.createRun(experimentId, options.user(), start, node.name(), tags);
      logParams(child.runId(), node);
      Path work = null;
      try (PrintWriter log = new PrintWriter(new StringWriter())) {
        work = Files.createTempDirectory(workRoot(), "cairn-step-");
        node.step().onCacheHit(new StepContext(node, runId, child.runId(), inputs, work, log, tracking, artifacts));
      } catch (Exception e) {
        String error = "recording the cache hit of step '" + node.name() + "': " + describe(e);
        store.insertStep(new StepRun(child.runId(), runId, node.name(), attempt, node.type(), StepStatus.FAILED, key,
            hit.stepRunId(), start, System.currentTimeMillis(), node.params(), error, null,
            List.copyOf(inputs.values()), List.of()));
        tracking.updateRun(child.runId(), RunStatus.FAILED, System.currentTimeMillis(), null);
        emit(PipelineEvent.Kind.STEP_FAILED, node.name(), child.runId(), 0L, error);
        return new Outcome(node.name(), StepStatus.FAILED, List.of(), error);
      } finally {
        deleteQuietly(work);
      }
      long end = System.currentTimeMillis();
      store.insertStep(new StepRun(child.runId(), runId, node.name(), attempt, node.type(), StepStatus.CACHED, key,
          hit.stepRunId(), start, end, node.params(), null, null, List.copyOf(inputs.values()), hit.outputs()));
      tracking.updateRun(child.runId(), RunStatus.FINISHED, end, null);
      emit(PipelineEvent.Kind.STEP_CACHED, node.name(), child.runId(), end - start, "from step run " + hit.stepRunId());
      return new Outcome(node.name(), StepStatus.CACHED, hit.outputs(), null);
    }

    private Outcome execute(Pipeline.Node node, Map<String, StepArtifact> inputs, String key) {
      long start = System.currentTimeMillis();
      RunInfo child = tracking.createRun(experimentId, options.user(), start, node.name(), childTags(node, key));
      logParams(child.runId(), node);
      String base = storePath(child.artifactUri(), artifacts.rootUri());
      store.insertStep(new StepRun(child.runId(), runId, node.name(), attempt, node.type(), StepStatus.RUNNING, key,
          null, start, null, node.params(), null, null, List.copyOf(inputs.values()), List.of()));
      emit(PipelineEvent.Kind.STEP_STARTED, node.name(), child.runId(), null, null);

      StepStatus status;
      String error = null;
      List<StepArtifact> outputs = new ArrayList<>();
      StringWriter logText = new StringWriter();
      Path work = null;
      try (PrintWriter log = new PrintWriter(logText)) {
        try {
          work = Files.createTempDirectory(workRoot(), "cairn-step-");
          StepContext context = new StepContext(node, runId, child.runId(), inputs, work, log, tracking, artifacts);
          node.step().run(context);
          for (Map.Entry<String, String> output : node.step().spec().outputs().entrySet()) {
            outputs.add(store(node, work.resolve("out").resolve(output.getKey()), output.getKey(), output.getValue(),
                ArtifactPaths.join(base, OUTPUTS_DIR + "/" + output.getKey())));
          }
          status = StepStatus.SUCCEEDED;
        } catch (Throwable t) { // a step's failure of any kind is the step's, not the executor's
          status = StepStatus.FAILED;
          error = describe(t);
          outputs.clear();
          log.println("step failed: " + error);
          t.printStackTrace(log);
        }
      }
      deleteQuietly(work);
      String logPath = null;
      if (logText.getBuffer().length() > 0) {
        logPath = ArtifactPaths.join(base, LOG_PATH);
        artifacts.put(logPath, new java.io.ByteArrayInputStream(logText.toString().getBytes(StandardCharsets.UTF_8)));
      }
      long end = System.currentTimeMillis();
      store.finishStep(child.runId(), status, end, error, logPath, outputs,
          status == StepStatus.SUCCEEDED && node.cache());
      tracking.updateRun(child.runId(), status == StepStatus.SUCCEEDED ? RunStatus.FINISHED : RunStatus.FAILED, end,
          null);
      emit(status == StepStatus.SUCCEEDED ? PipelineEvent.Kind.STEP_FINISHED : PipelineEvent.Kind.STEP_FAILED,
          node.name(), child.runId(), end - start, error);
      return new Outcome(node.name(), status, outputs, error);
    }

    private Path workRoot() throws java.io.IOException {
      Path root = options.workRoot() == null ? Path.of(System.getProperty("java.io.tmpdir")) : options.workRoot();
      Files.createDirectories(root);
      return root;
    }

    /** A step that failed before it could run: recorded FAILED with {@code error}, no cache key, no outputs. */
    private Outcome fail(Pipeline.Node node, Map<String, StepArtifact> inputs, String error) {
      long now = System.currentTimeMillis();
      RunInfo child = tracking.createRun(experimentId, options.user(), now, node.name(), childTags(node, null));
      logParams(child.runId(), node);
      store.insertStep(new StepRun(child.runId(), runId, node.name(), attempt, node.type(), StepStatus.FAILED, null,
          null, now, now, node.params(), error, null, List.copyOf(inputs.values()), List.of()));
      tracking.updateRun(child.runId(), RunStatus.FAILED, now, null);
      emit(PipelineEvent.Kind.STEP_FAILED, node.name(), child.runId(), 0L, error);
      return new Outcome(node.name(), StepStatus.FAILED, List.of(), error);
    }

    Outcome skip(Pipeline.Node node, String reason) {
      long now = System.currentTimeMillis();
      RunInfo child = tracking.createRun(experimentId, options.user(), now, node.name(), childTags(node, null));
      store.insertStep(new StepRun(child.runId(), runId, node.name(), attempt, node.type(), StepStatus.SKIPPED, null,
          null, null, null, node.params(), reason, null, List.of(), List.of()));
      tracking.updateRun(child.runId(), RunStatus.KILLED, now, null);
      emit(PipelineEvent.Kind.STEP_SKIPPED, node.name(), child.runId(), null, reason);
      return new Outcome(node.name(), StepStatus.SKIPPED, List.of(), reason);
    }

    private List<Tag> childTags(Pipeline.Node node, String key) {
      List<Tag> tags = new ArrayList<>(List.of(new Tag(TAG_PARENT, runId), new Tag(TAG_PIPELINE_RUN, runId),
          new Tag(TAG_STEP, node.name())));
      if (key != null) {
        tags.add(new Tag(TAG_CACHE_KEY, key));
      }
      return tags;
    }

    private void logParams(String childRunId, Pipeline.Node node) {
      if (!node.params().isEmpty()) {
        List<Param> params = new ArrayList<>();
        node.params().forEach((k, v) -> params.add(new Param(k, String.valueOf(v))));
        tracking.logBatch(childRunId, List.of(), params, List.of());
      }
    }

    void emit(PipelineEvent.Kind kind, String step, String stepRunId, Long duration, String message) {
      try {
        listener.onEvent(new PipelineEvent(kind, runId, step, stepRunId, System.currentTimeMillis(), duration,
            message));
      } catch (RuntimeException e) {
        LOG.warn("pipeline progress listener failed on {}: {}", kind, e.toString()); // progress must not fail a run
      }
    }
  }

  /** Stores one output file under {@code path}, hashing it as it streams. */
  private StepArtifact store(Pipeline.Node node, Path file, String name, String type, String path) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw CairnException.invalid("step '" + node.name() + "' did not write its output '" + name
          + "' (StepContext.outputFile(\"" + name + "\") names the file to write)");
    }
    MessageDigest digest = Hashing.sha256();
    ArtifactStore.StoredBlob blob;
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
      blob = artifacts.put(path, in);
    }
    return new StepArtifact(name, type, blob.path(), Hashing.hex(digest.digest()), blob.size());
  }

  /** Whether every output is still in the artifact store with its recorded size and (where known) hash. */
  private boolean isIntact(List<StepArtifact> outputs) {
    for (StepArtifact a : outputs) {
      ArtifactStore.StoredBlob blob = artifacts.stat(a.path());
      if (blob == null || blob.size() != a.size() || (blob.sha256() != null && !blob.sha256().equals(a.sha256()))) {
        return false;
      }
    }
    return true;
  }

  private static String describe(Throwable t) {
    if (t instanceof CairnException && t.getMessage() != null) {
      return t.getMessage();
    }
    return t.getMessage() == null ? t.getClass().getName() : t.getClass().getSimpleName() + ": " + t.getMessage();
  }

  private static void deleteQuietly(Path dir) {
    if (dir == null) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | RuntimeException e) {
      LOG.debug("could not delete step work directory {}: {}", dir, e.toString()); // scratch space only
    }
  }

  /**
   * The artifact store path of a run's artifact URI: {@code mlflow-artifacts:/PATH} (the server's proxied
   * locations) or a URI under the store's root. Anything else cannot hold step outputs.
   */
  public static String storePath(String artifactUri, String rootUri) {
    String uri = fileForm(artifactUri);
    if (uri.startsWith("mlflow-artifacts:")) {
      String rest = uri.substring("mlflow-artifacts:".length());
      if (rest.startsWith("//")) {
        int slash = rest.indexOf('/', 2);
        rest = slash < 0 ? "" : rest.substring(slash);
      }
      return ArtifactPaths.normalize(rest.replaceFirst("^/+", ""));
    }
    String root = fileForm(rootUri).replaceFirst("/+$", "");
    if (uri.startsWith(root + "/")) {
      return ArtifactPaths.normalize(uri.substring(root.length() + 1));
    }
    throw new CairnException(ErrorCode.INVALID_STATE, "run artifact location '" + artifactUri + "' is not in the "
        + "artifact store " + rootUri + "; pipeline runs need an experiment whose artifact location is in it");
  }

  private static String fileForm(String uri) {
    if (uri.startsWith("file://localhost/")) {
      return "file:/" + uri.substring("file://localhost/".length()).replaceFirst("^/+", "");
    }
    return uri.startsWith("file:/") ? "file:/" + uri.substring("file:".length()).replaceFirst("^/+", "") : uri;
  }
}
