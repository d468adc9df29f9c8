package dev.cairn.pipeline;

import dev.cairn.store.ArtifactStore;
import dev.cairn.store.ArtifactStores;
import dev.cairn.store.MetadataStore;
import dev.cairn.store.MetadataStores;
import dev.cairn.store.sql.SqlDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Executor overhead per no-op step (target &lt; 20 ms): runs a pipeline of N steps that do nothing on a SQLite file
 * in a temp directory, each step recorded as usual (MLflow child run, params, step run rows). Prints ms per step for
 * a chain of N steps (each with one small output, so the cache and artifact paths are exercised), run uncached and
 * then fully cached, and for N independent output-less steps. Not a test (its name does not end in Test); run with
 * the class path
 * Maven prints ({@code mvn -o -q -pl cairn-pipeline -am test-compile dependency:build-classpath}), args: [steps]
 * [parallelism].
 */
public final class ExecutorOverheadProbe {
  private ExecutorOverheadProbe() {}

  public static void main(String[] args) throws Exception {
    int steps = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    int parallelism = args.length > 1 ? Integer.parseInt(args[1]) : Runtime.getRuntime().availableProcessors();
    Path dir = Files.createTempDirectory("cairn-overhead-");
    SqlDatabase db = MetadataStores.openDatabase("sqlite:" + dir.resolve("cairn.db"), List.of(PipelineStore.MIGRATIONS));
    try (ArtifactStore artifacts = ArtifactStores.open(dir.resolve("artifacts").toString());
        MetadataStore tracking = MetadataStores.open(db, artifacts.rootUri())) {
      PipelineExecutor executor = new PipelineExecutor(tracking, artifacts, PipelineStore.on(db));
      RunOptions options = RunOptions.defaults().withParallelism(parallelism).withWorkRoot(dir.resolve("work"));

      executor.run(chain("warm-up", 20), options, PipelineEvent.Listener.NONE); // JIT, pools, first files
      executor.run(independent("warm-up-flat", 20), options, PipelineEvent.Listener.NONE);

      Pipeline chain = chain("chain", steps);
      report("chain, uncached", steps, () -> executor.run(chain, options, PipelineEvent.Listener.NONE));
      report("chain, all cache hits", steps, () -> executor.run(chain, options, PipelineEvent.Listener.NONE));
      Pipeline flat = independent("flat", steps);
      report("independent, no outputs, parallelism " + parallelism, steps,
          () -> executor.run(flat, options.withNoCache(true), PipelineEvent.Listener.NONE));
      report("independent, no outputs, parallelism 1", steps,
          () -> executor.run(flat, options.withNoCache(true).withParallelism(1), PipelineEvent.Listener.NONE));
    }
  }

  private static void report(String what, int steps, java.util.function.Supplier<PipelineRun> run) {
    long start = System.nanoTime();
    PipelineRun r = run.get();
    double ms = (System.nanoTime() - start) / 1e6;
    if (r.status() != PipelineStatus.SUCCEEDED) {
      throw new IllegalStateException(what + ": " + r.error());
    }
    System.out.printf("%-45s %4d steps in %8.1f ms: %6.2f ms per step%n", what, steps, ms, ms / steps);
  }

  /** N steps, each copying one tiny input to its output. */
  private static Pipeline chain(String name, int steps) {
    Pipeline.Builder b = Pipeline.builder(name).step("s0", new Emit());
    for (int i = 1; i < steps; i++) {
      String upstream = "s" + (i - 1) + ".out";
      b.step("s" + i, new Pass(), s -> s.input("in", upstream));
    }
    return b.build();
  }

  private static Pipeline independent(String name, int steps) {
    Pipeline.Builder b = Pipeline.builder(name);
    for (int i = 0; i < steps; i++) {
      b.step("s" + i, new TestSteps.NoOp());
    }
    return b.build();
  }

  static final class Emit implements Step {
    @Override
    public StepSpec spec() {
      return StepSpec.builder().output("out", "text").build();
    }

    @Override
    public void run(StepContext context) throws Exception {
      context.writeOutput("out", "x");
    }
  }

  static final class Pass implements Step {
    @Override
    public StepSpec spec() {
      return StepSpec.builder().input("in", "text").output("out", "text").param("i", ParamType.INTEGER, 0L).build();
    }

    @Override
    public void run(StepContext context) throws Exception {
      try (var in = context.openInput("in")) {
        Files.write(context.outputFile("out"), in.readAllBytes());
      }
    }
  }
}
