package dev.cairn.bench;

import dev.cairn.data.drift.DriftOptions;
import dev.cairn.data.stats.Profile;
import dev.cairn.data.stats.Profiler;
import dev.cairn.ml.bundle.InputField;
import dev.cairn.ml.bundle.OutputSchema;
import dev.cairn.ml.frame.ColumnType;
import dev.cairn.ml.train.Task;
import dev.cairn.serving.log.StoredPrediction;
import dev.cairn.serving.monitor.MonitorWindow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Times one monitor window of 100,000 single-row predictions with 20 features (15 numeric, 5 categorical) against
 * a 20,000-row reference profile (issue 10's target: under 200 ms): {@code bench/run MonitorWindowBench [predictions]}
 * prints the best and median of 10 rounds after 5 warm-up rounds.
 */
public final class MonitorWindowBench {
  private MonitorWindowBench() {}

  public static void main(String[] args) throws Exception {
    int predictions = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    List<String> categories = List.of("a", "b", "c", "d");
    List<InputField> inputs = new ArrayList<>();
    for (int f = 0; f < 20; f++) {
      inputs.add(f < 15 ? new InputField("x" + f, ColumnType.NUMERIC, null)
          : new InputField("c" + f, ColumnType.CATEGORICAL, categories));
    }
    Random random = new Random(7);
    Path csv = Files.createTempFile("monitor-probe", ".csv");
    StringBuilder text = new StringBuilder(String.join(",", inputs.stream().map(InputField::name).toList()))
        .append(",y\n");
    for (int r = 0; r < 20_000; r++) {
      for (int f = 0; f < 20; f++) {
        text.append(f < 15 ? String.valueOf(Math.round(random.nextGaussian() * 1000) / 100.0)
            : categories.get(random.nextInt(4))).append(',');
      }
      text.append(random.nextBoolean() ? "yes" : "no").append('\n');
    }
    Files.writeString(csv, text);
    Profile reference = Profiler.profile(csv);
    Files.delete(csv);
    List<StoredPrediction> window = new ArrayList<>(predictions);
    for (int i = 0; i < predictions; i++) {
      Map<String, Object> row = new HashMap<>();
      for (int f = 0; f < 20; f++) {
        row.put(inputs.get(f).name(), f < 15 ? Math.round(random.nextGaussian() * 1000) / 100.0
            : categories.get(random.nextInt(4)));
      }
      window.add(new StoredPrediction("p" + i, "probe", "m", 1, i, List.of(row),
          List.of(Map.of("label", random.nextBoolean() ? "yes" : "no")), random.nextDouble() * 5, false));
    }
    OutputSchema output = new OutputSchema("y", Task.CLASSIFICATION, List.of("no", "yes"), false);
    long[] ms = new long[10];
    for (int round = -5; round < ms.length; round++) {
      long t0 = System.nanoTime();
      MonitorWindow w = MonitorWindow.compute(inputs, output, reference, "probe", "m", 1, 0, predictions, window,
          DriftOptions.DEFAULT);
      long took = (System.nanoTime() - t0) / 1_000_000;
      if (round >= 0) {
        ms[round] = took;
      }
      if (w.drift().columns().size() != 20) {
        throw new IllegalStateException("expected 20 compared features, got " + w.drift().columns().size());
      }
    }
    java.util.Arrays.sort(ms);
    System.out.printf("monitor window: %d predictions x 20 features: best %d ms, median %d ms%n", predictions, ms[0],
        ms[ms.length / 2]);
  }
}
