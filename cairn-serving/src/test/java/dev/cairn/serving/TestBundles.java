package dev.cairn.serving;

import dev.cairn.ml.bundle.ModelBundle;
import dev.cairn.ml.frame.Frame;
import dev.cairn.ml.train.ModelTrainer;
import dev.cairn.ml.train.Task;
import dev.cairn.ml.train.TrainedModel;
import dev.cairn.ml.transform.FeatureSpec;
import dev.cairn.ml.transform.FittedFeatures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Real bundles trained on a synthetic churn table, for serving tests. */
public final class TestBundles {
  /** tenure is imputed and standardised, monthly bucketised, plan imputed and one-hot, age standardised (no impute). */
  public static final String FEATURES = """
      {"columns": [
        {"column": "tenure", "steps": [{"op": "impute", "strategy": "median"}, {"op": "standardise"}]},
        {"column": "monthly", "steps": [{"op": "bucketise", "quantiles": 4}]},
        {"column": "plan", "steps": [{"op": "impute", "strategy": "most_frequent"}, {"op": "one_hot"}]},
        {"column": "age", "steps": [{"op": "standardise"}]}]}""";

  public static final List<String> PLANS = List.of("basic", "plus", "pro");

  private TestBundles() {}

  /** A churn-like table: churn is likelier for short tenure, high charges and the basic plan. */
  public static String churnCsv(int rows, long seed) {
    Random r = new Random(seed);
    StringBuilder sb = new StringBuilder("tenure,monthly,plan,age,churned,spend\n");
    for (int i = 0; i < rows; i++) {
      int tenure = r.nextInt(72);
      double monthly = Math.round((20 + r.nextDouble() * 80) * 100) / 100.0;
      String plan = PLANS.get(r.nextInt(3));
      int age = 18 + r.nextInt(60);
      double risk = 1.5 - tenure / 24.0 + (monthly - 60) / 30 + (plan.equals("basic") ? 0.8 : 0)
          + r.nextGaussian() * 0.5;
      double spend = monthly * 12 - tenure + (plan.equals("pro") ? 100 : 0) + r.nextGaussian() * 10;
      sb.append(r.nextInt(20) == 0 ? "" : tenure).append(',').append(monthly).append(',')
          .append(r.nextInt(25) == 0 ? "" : plan).append(',').append(age).append(',')
          .append(risk > 0 ? "yes" : "no").append(',').append(Math.round(spend * 100) / 100.0).append('\n');
    }
    return sb.toString();
  }

  /** Rows as a JSON/CSV client would send them (no target), varied, all valid for the bundles. */
  public static List<Map<String, Object>> rows(int n, long seed) {
    Random r = new Random(seed);
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("tenure", r.nextInt(10) == 0 ? null : (double) r.nextInt(72));
      row.put("monthly", Math.round((20 + r.nextDouble() * 80) * 100) / 100.0);
      row.put("plan", r.nextInt(10) == 0 ? null : PLANS.get(r.nextInt(3)));
      row.put("age", (double) (18 + r.nextInt(60)));
      rows.add(row);
    }
    return rows;
  }

  /** Trains a classifier ({@code target} churned) or a regression ({@code target} spend) and writes its bundle. */
  public static Path write(Path dir, String algorithm, Task task, Map<String, Object> params,
      Map<String, Object> provenance) {
    return write(dir, algorithm, task, params, provenance, false);
  }

  /** As above; with {@code reference}, the bundle keeps the training table's profile for drift monitoring. */
  public static Path write(Path dir, String algorithm, Task task, Map<String, Object> params,
      Map<String, Object> provenance, boolean reference) {
    return write(dir, algorithm, task, params, provenance, reference, List.of());
  }

  /** As above, with the input columns {@code personal} flagged personal in the bundle's input schema. */
  public static Path write(Path dir, String algorithm, Task task, Map<String, Object> params,
      Map<String, Object> provenance, boolean reference, List<String> personal) {
    return write(dir, algorithm, task, params, provenance, reference, personal, churnCsv(600, 5));
  }

  /**
   * A classifier trained on the churn table without its customers of {@code plan}: a model that never saw that plan,
   * so serving refuses rows that have it (unknown category) while a model trained on every plan answers them.
   */
  public static Path classifierWithoutPlan(Path dir, String algorithm, String plan) {
    String csv = churnCsv(600, 5).lines().filter(line -> !line.contains("," + plan + ","))
        .collect(java.util.stream.Collectors.joining("\n", "", "\n"));
    return write(dir, algorithm, Task.CLASSIFICATION, Map.of(), Map.of(), false, List.of(), csv);
  }

  private static Path write(Path dir, String algorithm, Task task, Map<String, Object> params,
      Map<String, Object> provenance, boolean reference, List<String> personal, String table) {
    try {
      Path csv = Files.writeString(Files.createDirectories(dir).resolve("train-" + algorithm + ".csv"), table);
      Frame frame = Frame.read(csv);
      String target = task == Task.CLASSIFICATION ? "churned" : "spend";
      Frame train = frame.drop(List.of(task == Task.CLASSIFICATION ? "spend" : "churned"));
      FittedFeatures features = FeatureSpec.fromJson(FEATURES).fit(train);
      Map<String, Object> all = new HashMap<>(params);
      all.putIfAbsent("seed", 7L);
      ModelTrainer trainer = ModelTrainer.of(task, algorithm, all);
      TrainedModel model = trainer.train(features.apply(train), train.column(target));
      ModelBundle bundle = ModelBundle.builder(features, model, target).trainer(trainer.spec())
          .provenance(provenance).referenceStatistics(reference ? dev.cairn.data.stats.Profiler.profile(csv) : null)
          .personal(personal).build();
      return bundle.write(dir.resolve(algorithm + "-" + task.id()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Path classifier(Path dir, String algorithm) {
    return write(dir, algorithm, Task.CLASSIFICATION, Map.of(), Map.of());
  }
}
