package dev.cairn.serving.runtime;

import dev.cairn.ml.bundle.Bundle;
import dev.cairn.ml.bundle.ModelBundle;
import dev.cairn.ml.frame.Frame;
import dev.cairn.ml.train.ModelTrainer;
import dev.cairn.ml.train.Task;
import dev.cairn.ml.train.XGBoostSupport;
import dev.cairn.ml.transform.FeatureSpec;
import dev.cairn.ml.transform.FittedFeatures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * In-process throughput of {@link LoadedModel#predict} (input checks included) next to the bundle's own predict, for
 * single rows and 100-row batches, on 20-feature models: logistic regression, a 100-tree random forest and, when
 * XGBoost's native library loads, 100 boosting rounds. Not a test: run it by hand with
 * {@code mvn -o -q -pl cairn-serving -am test-compile} then {@code java -cp ... dev.cairn.serving.runtime.ThroughputProbe}.
 */
public final class ThroughputProbe {
  private static final int FEATURES = 20;

  public static void main(String[] args) throws Exception {
    Path dir = Files.createTempDirectory("cairn-probe-");
    Random r = new Random(1);
    StringBuilder csv = new StringBuilder();
    StringBuilder spec = new StringBuilder("{\"columns\": [");
    for (int f = 0; f < FEATURES; f++) {
      csv.append("f").append(f).append(',');
      spec.append(f == 0 ? "" : ",").append("{\"column\": \"f").append(f)
          .append("\", \"steps\": [{\"op\": \"standardise\"}]}");
    }
    spec.append("]}");
    csv.append("y\n");
    for (int i = 0; i < 5_000; i++) {
      double score = 0;
      for (int f = 0; f < FEATURES; f++) {
        double v = r.nextGaussian();
        score += (f % 3 - 1) * v;
        csv.append(Math.round(v * 1e4) / 1e4).append(',');
      }
      csv.append(score + r.nextGaussian() > 0 ? "yes" : "no").append('\n');
    }
    Frame frame = Frame.read(Files.writeString(dir.resolve("train.csv"), csv));
    FittedFeatures features = FeatureSpec.fromJson(spec.toString()).fit(frame);
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      Map<String, Object> row = new LinkedHashMap<>();
      for (int f = 0; f < FEATURES; f++) {
        row.put("f" + f, r.nextGaussian());
      }
      rows.add(row);
    }
    Map<String, Map<String, Object>> models = new LinkedHashMap<>();
    models.put("logistic_regression", Map.of());
    models.put("random_forest", Map.of("n_trees", 100));
    if (XGBoostSupport.isAvailable()) {
      models.put("xgboost", Map.of("n_trees", 100));
    }
    System.out.printf("%-20s %-8s %14s %14s%n", "model", "batch", "runtime rows/s", "bundle rows/s");
    for (Map.Entry<String, Map<String, Object>> m : models.entrySet()) {
      ModelTrainer trainer = ModelTrainer.of(Task.CLASSIFICATION, m.getKey(), m.getValue());
      Path written = ModelBundle.builder(features, trainer.train(features.apply(frame), frame.column("y")), "y")
          .trainer(trainer.spec()).build().write(dir.resolve(m.getKey()));
      try (LoadedModel model = ModelRuntime.defaults().load(written); Bundle bundle = ModelBundle.load(written)) {
        for (int batch : new int[] {1, 100}) {
          List<Map<String, Object>> input = rows.subList(0, batch);
          // the machine is shared: alternate the two and keep each one's best of three rounds
          double served = 0;
          double direct = 0;
          for (int round = 0; round < 3; round++) {
            served = Math.max(served, rate(() -> model.predict(input), batch));
            direct = Math.max(direct, rate(() -> bundle.predict(input), batch));
          }
          System.out.printf("%-20s %-8d %,14.0f %,14.0f%n", m.getKey(), batch, served, direct);
        }
      }
    }
  }

  /** Rows per second over about two seconds, after one second of warm-up. */
  private static double rate(Runnable call, int batch) {
    long end = System.nanoTime() + 1_000_000_000L;
    while (System.nanoTime() < end) {
      call.run();
    }
    long calls = 0;
    long start = System.nanoTime();
    end = start + 2_000_000_000L;
    long now;
    do {
      call.run();
      calls++;
      now = System.nanoTime();
    } while (now < end);
    return calls * batch / ((now - start) / 1e9);
  }
}
