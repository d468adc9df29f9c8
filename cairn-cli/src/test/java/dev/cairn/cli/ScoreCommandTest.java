package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.cli.Cli.Result;
import dev.cairn.client.CairnClient;
import dev.cairn.ml.bundle.ModelBundle;
import dev.cairn.ml.frame.Frame;
import dev.cairn.ml.train.ModelTrainer;
import dev.cairn.ml.train.Predictions;
import dev.cairn.ml.train.Task;
import dev.cairn.ml.transform.FeatureSpec;
import dev.cairn.ml.transform.FittedFeatures;
import dev.cairn.server.CairnServer;
import dev.cairn.serving.protocol.CsvRows;
import dev.cairn.serving.runtime.LoadedModel;
import dev.cairn.serving.runtime.ModelRuntime;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cairn score}: batch scoring equals the runtime's predictions; bad rows and missing files fail in one line. */
class ScoreCommandTest {
  @TempDir static Path dir;
  static Path bundle;

  /** A table of tenure (sometimes missing), plan and age, with a churned label; {@code label} adds that column. */
  static String table(int rows, long seed, boolean label) {
    Random r = new Random(seed);
    String[] plans = {"basic", "plus", "pro"};
    StringBuilder sb = new StringBuilder("id,tenure,plan,age" + (label ? ",churned" : "") + "\n");
    for (int i = 0; i < rows; i++) {
      int tenure = r.nextInt(72);
      String plan = plans[r.nextInt(3)];
      int age = 18 + r.nextInt(60);
      double risk = 1 - tenure / 24.0 + (plan.equals("basic") ? 0.8 : 0) + (age - 40) / 40.0 + r.nextGaussian() * 0.5;
      sb.append("c").append(i).append(',').append(r.nextInt(15) == 0 ? "" : tenure).append(',').append(plan)
          .append(',').append(age);
      sb.append(label ? (risk > 0 ? ",yes" : ",no") : "").append('\n');
    }
    return sb.toString();
  }

  @BeforeAll
  static void train() throws IOException {
    bundle = train(dir.resolve("bundle"));
  }

  /** Trains a logistic regression on {@link #table} and writes its bundle to {@code target}. */
  static Path train(Path target) throws IOException {
    Files.createDirectories(target.getParent());
    Frame frame = Frame.read(Files.writeString(target.getParent().resolve("train.csv"), table(500, 1, true)));
    FittedFeatures features = FeatureSpec.fromJson("""
        {"columns": [
          {"column": "tenure", "steps": [{"op": "impute", "strategy": "median"}, {"op": "standardise"}]},
          {"column": "plan", "steps": [{"op": "one_hot"}]},
          {"column": "age", "steps": [{"op": "standardise"}]}]}""").fit(frame);
    ModelTrainer trainer = ModelTrainer.of(Task.CLASSIFICATION, "logistic_regression", Map.of("seed", 3));
    return ModelBundle.builder(features, trainer.train(features.apply(frame), frame.column("churned")), "churned")
        .trainer(trainer.spec()).build().write(target);
  }

  private static List<String> expected(Path input) throws IOException {
    try (LoadedModel model = ModelRuntime.defaults().load(bundle);
        CsvRows rows = CsvRows.open(new StringReader(Files.readString(input)), model.inputSchema(), "input")) {
      Predictions p = model.predict(rows.next(1_000_000));
      List<String> lines = new ArrayList<>(List.of("row,prediction,probability_no,probability_yes"));
      for (int i = 0; i < p.size(); i++) {
        lines.add((i + 1) + "," + p.labels()[i] + "," + p.probabilities()[i][0] + "," + p.probabilities()[i][1]);
      }
      return lines;
    }
  }

  @Test
  void batchScoringEqualsTheRuntimesPredictionsWhateverTheBatchSize() throws IOException {
    Path input = Files.writeString(dir.resolve("in.csv"), table(2_345, 9, false));
    List<String> expected = expected(input);
    for (String batch : List.of("1000", "7", "100000")) {
      Path out = dir.resolve("out-" + batch + ".csv");
      Result r = Cli.cairn("score", bundle.toString(), "--input", input.toString(), "--output", out.toString(),
          "--batch-size", batch);
      assertThat(r.exitCode()).as(r.err()).isZero();
      assertThat(r.err()).contains("scored 2345 rows");
      assertThat(Files.readAllLines(out)).isEqualTo(expected);
    }
  }

  @Test
  void aBadRowFailsWithItsLineAndLeavesNoOutput() throws IOException {
    String text = table(50, 4, false);
    List<String> lines = new ArrayList<>(text.lines().toList());
    lines.set(37, lines.get(37).replaceFirst(",[0-9]+$", ",forty"));
    Path input = Files.writeString(dir.resolve("bad.csv"), String.join("\n", lines) + "\n");
    Path out = dir.resolve("bad-out.csv");
    Result r = Cli.cairn("score", bundle.toString(), "--input", input.toString(), "--output", out.toString(),
        "--batch-size", "10");
    assertThat(r.exitCode()).isEqualTo(Main.EXIT_FAILURE);
    assertThat(r.errLines()).isEqualTo(1);
    assertThat(r.err()).startsWith("cairn: " + input + " line 38 column 'age' must be a number, got text 'forty'");
    assertThat(out).doesNotExist();

    Path unknown = Files.writeString(dir.resolve("unknown.csv"), "tenure,plan,age\n3,basic,40\n4,gold,50\n");
    Result u = Cli.cairn("score", bundle.toString(), "--input", unknown.toString(), "--output", out.toString());
    assertThat(u.err()).startsWith("cairn: " + unknown + " line 3 column 'plan' has category 'gold'");
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".cairn-score-"));
    }
  }

  @Test
  void aMissingModelOrFileIsOneLineAndExitOne() throws IOException {
    Path input = Files.writeString(dir.resolve("few.csv"), table(3, 2, false));
    Result noModel = Cli.cairn("score", dir.resolve("nowhere").toString(), "--input", input.toString(), "--output",
        dir.resolve("x.csv").toString());
    assertThat(noModel.exitCode()).isEqualTo(Main.EXIT_FAILURE);
    assertThat(noModel.err()).isEqualTo("cairn: model " + dir.resolve("nowhere")
        + " is neither a bundle folder nor a models:/ URI\n");
    Result noInput = Cli.cairn("score", bundle.toString(), "--input", dir.resolve("none.csv").toString(),
        "--output", dir.resolve("x.csv").toString());
    assertThat(noInput.exitCode()).isEqualTo(Main.EXIT_FAILURE);
    assertThat(noInput.err()).isEqualTo("cairn: input file " + dir.resolve("none.csv") + " does not exist\n");
    Result badBatch = Cli.cairn("score", bundle.toString(), "--input", input.toString(), "--output",
        dir.resolve("x.csv").toString(), "--batch-size", "0");
    assertThat(badBatch.exitCode()).isEqualTo(Main.EXIT_USAGE);
    assertThat(badBatch.err()).contains("--batch-size must be between 1 and 100000");
  }

  @Test
  void aRegisteredModelIsDownloadedByAliasOrVersion(@TempDir Path serverDir) throws IOException {
    Path input = Files.writeString(dir.resolve("reg.csv"), table(120, 5, false));
    try (CairnServer server = Cli.startServer(serverDir); CairnClient client = CairnClient.connect(server.url())) {
      String runId = client.run(client.createExperiment("score"), "train", run -> {});
      client.uploadArtifacts(runId, bundle, "model");
      assertThat(Cli.tracked(server, "models", "register", "churn", "--run", runId, "--path", "model", "--create")
          .exitCode()).isZero();
      assertThat(Cli.tracked(server, "models", "alias", "set", "churn", "champion", "1").exitCode()).isZero();
      for (String uri : List.of("models:/churn@champion", "models:/churn/1")) {
        Path out = dir.resolve("reg-out.csv");
        Result r = Cli.tracked(server, "score", uri, "--input", input.toString(), "--output", out.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(Files.readAllLines(out)).isEqualTo(expected(input));
      }
      Result missing = Cli.tracked(server, "score", "models:/ghost@champion", "--input", input.toString(),
          "--output", dir.resolve("g.csv").toString());
      assertThat(missing.exitCode()).isEqualTo(Main.EXIT_FAILURE);
      assertThat(missing.errLines()).isEqualTo(1);
      assertThat(missing.err()).startsWith("cairn: ").contains("ghost");
    }
  }
}
