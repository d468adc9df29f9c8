package dev.cairn.bench;

import dev.cairn.ml.frame.Frame;
import dev.cairn.ml.train.ModelTrainer;
import dev.cairn.ml.train.Task;
import dev.cairn.ml.transform.FeatureSpec;
import dev.cairn.ml.transform.FittedFeatures;
import dev.cairn.pipeline.Pipeline;
import dev.cairn.pipeline.PipelineExecutor;
import dev.cairn.pipeline.PipelineRun;
import dev.cairn.pipeline.RunOptions;
import dev.cairn.pipeline.Step;
import dev.cairn.pipeline.StepContext;
import dev.cairn.pipeline.StepSpec;
import dev.cairn.pipeline.steps.FitTransforms;
import dev.cairn.pipeline.steps.TrainModel;
import dev.cairn.pipeline.PipelineStore;
import dev.cairn.pipeline.StepArtifact;
import dev.cairn.store.ArtifactStore;
import dev.cairn.store.ArtifactStores;
import dev.cairn.store.MetadataStores;
import dev.cairn.store.sql.SqlDatabase;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The churn example pipeline (examples/churn) on generated customers of a chosen size, run as a user runs it:
 * {@code ./cairn pipeline run} in a fresh folder. Prints the first run, then the wall time of fully cached re-runs
 * (process start to exit, and the run's own time), and the training ratio: the transform and train steps'
 * recorded times against reading the same training table, fitting the same transforms and training the same
 * algorithm with Tribuo directly in one process. Usage: {@code PipelineBench [rows] [cached runs]}.
 */
public final class PipelineBench {
  private static final Pattern RUN = Pattern.compile("pipeline run ([0-9a-f]{32}) \\(churn\\): (\\w+) in ([0-9.]+) s");

  public static void main(String[] args) throws Exception {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 300_000;
    int cached = args.length > 1 ? Integer.parseInt(args[1]) : 7;
    Path repo = Path.of(".").toAbsolutePath().normalize();
    Path dir = Files.createTempDirectory("cairn-bench-pipeline");
    java.util.logging.LogManager.getLogManager().reset();
    run(List.of(java(), repo.resolve("examples/churn/MakeData.java").toString(), dir.resolve("data").toString(),
        "labelled", "" + rows), dir);
    Files.copy(repo.resolve("examples/churn/pipeline.yaml"), dir.resolve("pipeline.yaml"));
    Files.copy(repo.resolve("examples/churn/expectations.yaml"), dir.resolve("expectations.yaml"));
    long size = Files.size(dir.resolve("data/customers.csv"));
    System.out.printf(Locale.ROOT, "# PipelineBench: %d rows, %.1f MB, load %s%n", rows, size / 1e6,
        HttpCeilingBench.loadAverage());
    List<String> cairn = List.of(repo.resolve("cairn").toString(), "pipeline", "run", "pipeline.yaml");

    long t0 = System.nanoTime();
    String first = run(cairn, dir);
    Matcher m = RUN.matcher(first);
    if (!m.find() || !m.group(2).equals("SUCCEEDED")) {
      throw new IllegalStateException("the first run failed:\n" + first);
    }
    String firstRun = m.group(1);
    System.out.printf(Locale.ROOT, "first run: %.2f s wall, %s s by the executor%n", (System.nanoTime() - t0) / 1e9,
        m.group(3));

    double[] wall = new double[cached];
    double[] own = new double[cached];
    for (int i = 0; i < cached; i++) {
      long a = System.nanoTime();
      String out = run(cairn, dir);
      wall[i] = (System.nanoTime() - a) / 1e9;
      Matcher c = RUN.matcher(out);
      if (!c.find() || !out.contains("0 ran, 8 cached")) {
        throw new IllegalStateException("a re-run was not all cache hits:\n" + out);
      }
      own[i] = Double.parseDouble(c.group(3));
    }
    System.out.printf(Locale.ROOT, "cached re-run: wall median %.2f s (min %.2f, max %.2f); executor median %.2f s;"
        + " load %s%n", median(wall), min(wall), max(wall), median(own), HttpCeilingBench.loadAverage());

    trainingRatio(dir, firstRun);
  }

  /**
   * Training through the pipeline against by hand, warm, in this one process and interleaved (5 pairs after a
   * warm-up pair): a two-step pipeline (transform, train) on the first run's training table, without the cache,
   * timed from the executor's call to its return, against reading the same table, fitting the same transforms and
   * training the same algorithm with the same parameters directly.
   */
  private static void trainingRatio(Path dir, String runId) throws Exception {
    Path csv = dir.resolve("train.csv");
    SqlDatabase first = MetadataStores.openDatabase("sqlite:" + dir.resolve("cairn-data/cairn.db"),
        List.of(PipelineStore.MIGRATIONS));
    try (ArtifactStore artifacts = ArtifactStores.open("file:" + dir.resolve("cairn-data/artifacts"))) {
      PipelineRun run = PipelineStore.on(first).getRun(runId);
      StepArtifact table = run.latest("split").outputs().stream().filter(a -> a.name().equals("train")).findFirst()
          .orElseThrow();
      try (InputStream in = artifacts.open(table.path())) {
        Files.copy(in, csv, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      first.close();
    }
    Path work = dir.resolve("ratio");
    SqlDatabase db = MetadataStores.openDatabase("sqlite:" + work.resolve("cairn.db"), List.of(PipelineStore.MIGRATIONS));
    try (ArtifactStore artifacts = ArtifactStores.open("file:" + work.resolve("artifacts"));
        dev.cairn.store.MetadataStore tracking = MetadataStores.open(db, artifacts.rootUri())) {
      PipelineExecutor executor = new PipelineExecutor(tracking, artifacts, PipelineStore.on(db));
      Pipeline pipeline = Pipeline.builder("ratio")
          .step("table", new FileTable(csv))
          .step("transform", new FitTransforms(dir), s -> s.input("train", "table.data").param("label", "churned")
              .param("exclude", "customer_id"))
          .step("train", new TrainModel(), s -> s.input("train", "table.data").input("features", "transform.features")
              .param("label", "churned").param("epochs", 10L).param("seed", 7L))
          .build();
      RunOptions options = RunOptions.defaults().withNoCache(true).withWorkRoot(work.resolve("steps"));
      int pairs = 5;
      double[] piped = new double[pairs];
      double[] direct = new double[pairs];
      for (int i = -1; i < pairs; i++) { // pair -1 warms the JIT
        long a = System.nanoTime();
        PipelineRun r = executor.run(pipeline, options, e -> { });
        double p = r.latest("transform").endTime() - r.latest("transform").startTime()
            + r.latest("train").endTime() - r.latest("train").startTime();
        long b = System.nanoTime();
        Frame frame = Frame.read(csv, Map.of("churned", dev.cairn.ml.frame.ColumnType.CATEGORICAL));
        FittedFeatures features = FeatureSpec.auto(frame.schema(), Set.of("churned", "customer_id")).fit(frame);
        ModelTrainer.of(Task.CLASSIFICATION, "logistic_regression", Map.of("epochs", 10, "seed", 7))
            .train(features.apply(frame), frame.column("churned"));
        long c = System.nanoTime();
        if (i >= 0) {
          piped[i] = p / 1e3;
          direct[i] = (c - b) / 1e9;
        }
      }
      System.out.printf(Locale.ROOT, "training, warm, 5 interleaved pairs: transform + train steps median %.2f s %s;"
          + " by hand (read, fit, train) median %.2f s %s; ratio %.2f; load %s%n", median(piped),
          Arrays.toString(round(piped)), median(direct), Arrays.toString(round(direct)),
          median(piped) / median(direct), HttpCeilingBench.loadAverage());
    }
  }

  /** Outputs a table file as it is, as a source step. */
  private static final class FileTable implements Step {
    private final Path file;

    FileTable(Path file) {
      this.file = file;
    }

    @Override
    public StepSpec spec() {
      return StepSpec.builder().output("data", "table").build();
    }

    @Override
    public void run(StepContext context) throws IOException {
      Files.copy(file, context.outputFile("data"), StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static double[] round(double[] v) {
    return Arrays.stream(v).map(x -> Math.round(x * 100) / 100.0).toArray();
  }

  private static String run(List<String> command, Path dir) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed:\n" + out);
    }
    return out;
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  private static double min(double[] v) {
    return Arrays.stream(v).min().orElse(Double.NaN);
  }

  private static double max(double[] v) {
    return Arrays.stream(v).max().orElse(Double.NaN);
  }
}
