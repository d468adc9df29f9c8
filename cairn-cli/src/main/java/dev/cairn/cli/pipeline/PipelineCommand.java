package dev.cairn.cli.pipeline;

import dev.cairn.cli.data.StoreOptions;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.pipeline.Pipeline;
import dev.cairn.pipeline.PipelineEvent;
import dev.cairn.pipeline.PipelineExecutor;
import dev.cairn.pipeline.PipelineRun;
import dev.cairn.pipeline.PipelineStatus;
import dev.cairn.pipeline.PipelineYaml;
import dev.cairn.pipeline.RunOptions;
import dev.cairn.pipeline.StepArtifact;
import dev.cairn.pipeline.StepRun;
import dev.cairn.pipeline.StepStatus;
import dev.cairn.tracking.Experiment;
import dev.cairn.tracking.Run;
import dev.cairn.tracking.Tag;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cairn pipeline}: run a {@code pipeline.yaml} in this process, recording it as an MLflow run with a child
 * run per step, resume a failed run, and show or list runs. Errors follow the CLI's convention: one line
 * {@code cairn: ...} on stderr and exit 1.
 */
@Command(name = "pipeline", mixinStandardHelpOptions = true,
    description = "Run pipelines (pipeline.yaml): run, resume a failed run, show a run, list runs.",
    subcommands = {PipelineCommand.RunCommand.class, PipelineCommand.ResumeCommand.class,
        PipelineCommand.ShowCommand.class, PipelineCommand.ListCommand.class})
public final class PipelineCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
  }

  /** Shared by the subcommands: output streams. */
  abstract static class Sub implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Mixin StoreOptions stores;

    PrintWriter out() {
      return spec.commandLine().getOut();
    }

    @Override
    public final Integer call() throws Exception {
      try {
        return run();
      } finally {
        out().flush();
        spec.commandLine().getErr().flush();
      }
    }

    abstract int run() throws Exception;

    /** Runs or resumes with progress lines, then prints the outcome; exit 1 when the run failed. */
    int execute(PipelineStores s, java.util.function.Function<PipelineEvent.Listener, PipelineRun> work) {
      Progress progress = new Progress(out());
      PipelineRun run = work.apply(progress);
      out().println(summary(run));
      if (run.status() != PipelineStatus.SUCCEEDED) {
        StepRun failed = run.steps().stream().filter(st -> st.status() == StepStatus.FAILED).reduce((a, b) -> b)
            .orElse(null);
        throw new CairnException(ErrorCode.INVALID_STATE, "pipeline run " + run.runId() + " failed"
            + (failed == null ? "" : " at step '" + failed.stepName() + "': " + failed.error())
            + "; fix the cause, then: cairn pipeline resume " + run.runId());
      }
      return 0;
    }
  }

  @Command(name = "run", mixinStandardHelpOptions = true,
      description = "Run a pipeline file; unchanged steps are served from the cache.")
  static final class RunCommand extends Sub {
    @Parameters(index = "0", paramLabel = "PIPELINE_YAML", description = "The pipeline file.")
    Path file;

    @Option(names = {"-P", "--param"}, paramLabel = "STEP.PARAM=VALUE",
        description = "Override a step parameter (typed as the step declares it); repeatable.")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--no-cache", description = "Run every step; results still refresh the cache.")
    boolean noCache;

    @Option(names = "--experiment", paramLabel = "NAME",
        description = "MLflow experiment of the runs (default: the pipeline's name; created when missing).")
    String experiment;

    @Option(names = "--parallelism", paramLabel = "N", description = "Steps run at once (default: the cores).")
    Integer parallelism;

    @Override
    int run() {
      if (!Files.isRegularFile(file)) {
        throw CairnException.invalid("pipeline file " + file + " does not exist");
      }
      try (PipelineStores s = PipelineStores.open(stores)) {
        Path base = file.toAbsolutePath().getParent();
        Pipeline pipeline = PipelineYaml.load(file, s.registry(base), overrides);
        RunOptions options = options(s, experiment == null ? pipeline.name() : experiment, noCache, parallelism)
            .withTags(source(base));
        out().printf("pipeline %s: %d steps, experiment %s%n", pipeline.name(), pipeline.steps().size(),
            s.tracking.getExperiment(options.experimentId()).name());
        PipelineExecutor executor = s.executor();
        return execute(s, listener -> executor.run(pipeline, options, listener));
      }
    }
  }

  @Command(name = "resume", mixinStandardHelpOptions = true,
      description = "Rerun a failed pipeline run from its failure, reusing the steps that finished.")
  static final class ResumeCommand extends Sub {
    @Parameters(index = "0", paramLabel = "RUN_ID")
    String runId;

    @Option(names = "--parallelism", paramLabel = "N", description = "Steps run at once (default: the cores).")
    Integer parallelism;

    @Override
    int run() throws java.io.IOException {
      try (PipelineStores s = PipelineStores.open(stores)) {
        PipelineRun prior = s.pipelines.getRun(runId);
        Run mlflowRun = s.tracking.getRun(runId);
        String source = tag(mlflowRun, PipelineExecutor.TAG_SOURCE);
        if (source == null) {
          throw CairnException.invalid("pipeline run " + runId + " was not started from a pipeline file; resume it"
              + " from the Java code that defined it");
        }
        String overrides = tag(mlflowRun, PipelineExecutor.TAG_OVERRIDES);
        List<String> assignments = overrides == null || overrides.isBlank() ? List.of()
            : dev.cairn.core.Json.MAPPER.readValue(overrides,
                new com.fasterxml.jackson.core.type.TypeReference<List<String>>() {});
        Path file = Path.of(source);
        Pipeline pipeline = PipelineYaml.load(file, s.registry(file.toAbsolutePath().getParent()), assignments);
        RunOptions options = options(s, s.tracking.getExperiment(prior.experimentId()).name(), false, parallelism);
        out().printf("pipeline %s: resuming run %s (attempt %d)%n", pipeline.name(), runId, prior.attempts() + 1);
        PipelineExecutor executor = s.executor();
        return execute(s, listener -> executor.resume(runId, pipeline, options, listener));
      }
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true, description = "Show a pipeline run and its steps.")
  static final class ShowCommand extends Sub {
    @Parameters(index = "0", paramLabel = "RUN_ID")
    String runId;

    @Override
    int run() {
      try (PipelineStores s = PipelineStores.openForReading(stores)) {
        PipelineRun run = s.pipelines.getRun(runId);
        out().println(summary(run));
        out().printf("%-16s %-10s %9s %-12s %s%n", "STEP", "STATUS", "TIME", "CACHED FROM", "OUTPUTS");
        for (StepRun st : latestSteps(run)) {
          List<String> outputs = new ArrayList<>();
          for (StepArtifact a : st.outputs()) {
            outputs.add(a.name() + " " + a.sha256().substring(0, 12) + " (" + a.size() + " B)");
          }
          out().printf("%-16s %-10s %9s %-12s %s%n", st.stepName(), st.status(), seconds(duration(st)),
              st.cachedFrom() == null ? "-" : st.cachedFrom().substring(0, 12), String.join(", ", outputs));
          if (st.error() != null) {
            out().println("  error: " + st.error());
          }
        }
        return 0;
      }
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List pipeline runs, newest first.")
  static final class ListCommand extends Sub {
    @Option(names = "--name", paramLabel = "PIPELINE", description = "Only runs of this pipeline.")
    String name;

    @Option(names = {"--max", "-n"}, paramLabel = "N", description = "At most this many (default: 20).")
    int max = 20;

    @Override
    int run() {
      try (PipelineStores s = PipelineStores.openForReading(stores)) {
        out().printf("%-32s %-16s %-10s %9s %s%n", "RUN", "PIPELINE", "STATUS", "TIME", "STEPS");
        for (PipelineRun listed : s.pipelines.listRuns(name, max)) {
          PipelineRun r = s.pipelines.getRun(listed.runId()); // with its steps, for the counts
          out().printf("%-32s %-16s %-10s %9s %s%n", r.runId(), r.pipelineName(), r.status(),
              seconds(r.durationMillis()), counts(r));
        }
        return 0;
      }
    }
  }

  /** The run's options: the named experiment (created when missing). */
  static RunOptions options(PipelineStores s, String experimentName, boolean noCache, Integer parallelism) {
    Experiment e;
    try {
      e = s.tracking.getExperimentByName(experimentName);
    } catch (CairnException missing) {
      if (missing.code() != ErrorCode.RESOURCE_DOES_NOT_EXIST) {
        throw missing;
      }
      e = s.tracking.getExperiment(s.tracking.createExperiment(experimentName, null, List.of()));
    }
    RunOptions options = RunOptions.defaults().withExperimentId(e.experimentId()).withNoCache(noCache);
    return parallelism == null ? options : options.withParallelism(parallelism);
  }

  /**
   * The run's source as MLflow names it: the git commit, branch and dirty flag of the pipeline file's repository,
   * the user, JDK and host (registration copies them into the model's provenance).
   */
  static java.util.Map<String, String> source(Path pipelineDir) {
    java.util.Map<String, String> tags = new java.util.LinkedHashMap<>();
    for (Tag t : dev.cairn.client.SourceTags.collect(pipelineDir)) {
      tags.put(t.key(), t.value());
    }
    tags.put("mlflow.source.name", "cairn pipeline run");
    return tags;
  }

  static String tag(Run run, String key) {
    return run.tags().stream().filter(t -> t.key().equals(key)).map(Tag::value).findFirst().orElse(null);
  }

  /** Each step's latest attempt, in the order they ran. */
  static List<StepRun> latestSteps(PipelineRun run) {
    List<StepRun> latest = new ArrayList<>();
    for (StepRun st : run.steps()) {
      if (run.latest(st.stepName()) == st) {
        latest.add(st);
      }
    }
    return latest;
  }

  static String summary(PipelineRun run) {
    return "pipeline run " + run.runId() + " (" + run.pipelineName() + "): " + run.status() + " in "
        + seconds(run.durationMillis()) + "; " + counts(run);
  }

  static String counts(PipelineRun run) {
    int ran = 0;
    int cached = 0;
    int failed = 0;
    int skipped = 0;
    for (StepRun st : latestSteps(run)) {
      switch (st.status()) {
        case CACHED -> cached++;
        case FAILED -> failed++;
        case SKIPPED -> skipped++;
        default -> ran++;
      }
    }
    return ran + " ran, " + cached + " cached, " + failed + " failed, " + skipped + " skipped";
  }

  static Long duration(StepRun st) {
    return st.startTime() == null || st.endTime() == null ? null : st.endTime() - st.startTime();
  }

  static String seconds(Long millis) {
    return millis == null ? "-" : String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
  }

  /** One line per step event; steps run in parallel, so lines are written whole. */
  static final class Progress implements PipelineEvent.Listener {
    private final PrintWriter out;

    Progress(PrintWriter out) {
      this.out = out;
    }

    @Override
    public synchronized void onEvent(PipelineEvent e) {
      String line = switch (e.kind()) {
        case STEP_STARTED -> "  " + e.stepName() + ": running";
        case STEP_FINISHED -> "  " + e.stepName() + ": done in " + seconds(e.durationMillis());
        case STEP_CACHED -> "  " + e.stepName() + ": cached (" + e.message() + ")";
        case STEP_REUSED -> "  " + e.stepName() + ": reused (" + e.message() + ")";
        case STEP_FAILED -> "  " + e.stepName() + ": FAILED: " + e.message();
        case STEP_SKIPPED -> "  " + e.stepName() + ": skipped (" + e.message() + ")";
        default -> null;
      };
      if (line != null) {
        out.println(line);
        out.flush();
      }
    }
  }
}
