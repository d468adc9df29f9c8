package dev.cairn.serving.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.core.Json;
import dev.cairn.data.drift.ColumnDrift;
import dev.cairn.data.drift.DriftOptions;
import dev.cairn.data.stats.Profile;
import dev.cairn.data.stats.Profiler;
import dev.cairn.ml.bundle.InputField;
import dev.cairn.ml.bundle.OutputSchema;
import dev.cairn.ml.frame.ColumnType;
import dev.cairn.serving.log.StoredPrediction;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MonitorWindowTest {
  static final List<String> CONTRACTS = List.of("monthly", "one_year", "two_year");
  static final List<InputField> INPUTS = List.of(
      new InputField("tenure", ColumnType.NUMERIC, null),
      new InputField("charges", ColumnType.NUMERIC, null),
      new InputField("contract", ColumnType.CATEGORICAL, CONTRACTS));
  static final OutputSchema OUTPUT = new OutputSchema("churn", dev.cairn.ml.train.Task.CLASSIFICATION, List.of("no", "yes"),
      true);

  @TempDir
  Path dir;

  /** One synthetic customer; {@code tenureShift} moves tenure, as after a change in who signs up. */
  static Map<String, Object> customer(Random random, int tenureShift) {
    Map<String, Object> row = new HashMap<>();
    row.put("tenure", (double) Math.max(0, Math.round(30 + 12 * random.nextGaussian())) + tenureShift);
    row.put("charges", Math.round((70 + 20 * random.nextGaussian()) * 100) / 100.0);
    double c = random.nextDouble();
    row.put("contract", c < 0.5 ? "monthly" : c < 0.8 ? "one_year" : "two_year");
    return row;
  }

  static String churn(Random random) {
    return random.nextDouble() < 0.3 ? "yes" : "no";
  }

  Profile reference(int rows, long seed) throws IOException {
    Random random = new Random(seed);
    StringBuilder csv = new StringBuilder("tenure,charges,contract,churn\n");
    for (int i = 0; i < rows; i++) {
      Map<String, Object> c = customer(random, 0);
      csv.append(((Double) c.get("tenure")).longValue()).append(',').append(c.get("charges")).append(',')
          .append(c.get("contract")).append(',').append(churn(random)).append('\n');
    }
    Path file = dir.resolve("train-" + seed + ".csv");
    Files.writeString(file, csv);
    // through JSON, as the bundle keeps it
    return Profile.fromJson(Profiler.profile(file).toJson());
  }

  static List<StoredPrediction> traffic(int requests, long seed, int tenureShift) {
    Random random = new Random(seed);
    List<StoredPrediction> out = new ArrayList<>();
    for (int i = 0; i < requests; i++) {
      out.add(new StoredPrediction("p" + i, "churn-live", "churn", 1, 1_000L + i, List.of(customer(random, tenureShift)),
          List.of(Map.of("label", churn(random))), 1 + random.nextDouble() * 10, false));
    }
    return out;
  }

  MonitorWindow window(Profile reference, List<StoredPrediction> predictions) {
    return MonitorWindow.compute(INPUTS, OUTPUT, reference, "churn-live", "churn", 1, 0, 60_000, predictions,
        DriftOptions.DEFAULT);
  }

  @Test
  void sameDistributionTrafficDriftsNowhere() throws IOException {
    MonitorWindow w = window(reference(5000, 1), traffic(2000, 2, 0));

    assertThat(w.drift().columns()).extracting(ColumnDrift::column)
        .containsExactlyInAnyOrder("tenure", "charges", "contract");
    assertThat(w.drift().columns()).noneMatch(ColumnDrift::drifted);
    assertThat(w.driftShare()).isZero();
    assertThat(w.predictionDrift().column()).isEqualTo("churn");
    assertThat(w.predictionDrift().drifted()).isFalse();
    assertThat(w.operations().requests()).isEqualTo(2000);
    assertThat(w.operations().predictions()).isEqualTo(2000);
  }

  @Test
  void tenureShiftedByThirtyDriftsTenureOnly() throws IOException {
    MonitorWindow w = window(reference(5000, 1), traffic(2000, 2, 30));

    assertThat(w.drift().column("tenure").drifted()).isTrue();
    assertThat(w.drift().column("charges").drifted()).isFalse();
    assertThat(w.drift().column("contract").drifted()).isFalse();
    assertThat(w.driftShare()).isCloseTo(1.0 / 3, within(1e-9));
    // shifted numbers beyond the training maximum also count as out of range
    assertThat(quality(w, "tenure").outOfRange()).isPositive();
  }

  @Test
  void smallWindowsDriftByTheSmallSampleTestsToo() throws IOException {
    // a reference of at most 1000 rows switches the detector to KS and chi-squared
    Profile reference = reference(800, 3);
    assertThat(window(reference, traffic(300, 4, 0)).driftShare()).isZero();
    MonitorWindow shifted = window(reference, traffic(300, 4, 30));
    assertThat(shifted.drift().column("tenure").drifted()).isTrue();
    assertThat(shifted.drift().column("tenure").method().id()).isEqualTo("ks");
  }

  @Test
  void qualityCountsMissingUnknownAndOutOfRangeByHand() throws IOException {
    Files.writeString(dir.resolve("small.csv"), """
        tenure,charges,contract,churn
        1,20.5,monthly,no
        10,50,one_year,yes
        40,99.5,two_year,no
        """);
    Profile reference = Profiler.profile(dir.resolve("small.csv"));
    List<Map<String, Object>> rows = new ArrayList<>();
    rows.add(row(5.0, 30.0, "monthly")); // fine
    rows.add(row(null, 30.0, "weekly")); // tenure missing, unknown contract
    rows.add(row(41.0, 20.5, null)); // tenure above max 40, contract missing
    rows.add(row(0.0, 100.0, "MONTHLY")); // both out of range, unknown (case matters)
    rows.add(row(40.0, "cheap", "two_year")); // text in a numeric feature; 40 is the max, in range
    StoredPrediction two = new StoredPrediction("a", "d", "churn", 1, 0, rows.subList(0, 2),
        List.of(Map.of("label", "no"), Map.of("label", "no")), 4, false);
    StoredPrediction three = new StoredPrediction("b", "d", "churn", 1, 0, rows.subList(2, 5),
        List.of(Map.of("label", "no"), Map.of("label", "yes"), Map.of("label", "no")), 2, false);

    MonitorWindow w = window(reference, List.of(two, three));

    assertThat(w.operations().requests()).isEqualTo(2);
    assertThat(w.operations().predictions()).isEqualTo(5);
    assertThat(quality(w, "tenure")).isEqualTo(new MonitorWindow.FeatureQuality("tenure", 5, 1, 0.2, 0, 2, 0));
    assertThat(quality(w, "charges")).isEqualTo(new MonitorWindow.FeatureQuality("charges", 5, 0, 0, 0, 1, 1));
    assertThat(quality(w, "contract")).isEqualTo(new MonitorWindow.FeatureQuality("contract", 5, 1, 0.2, 2, 0, 0));
  }

  @Test
  void latencyPercentilesAreNearestRankOverTheWindow() {
    // latencies 1..200 ms: p50 is the 100th, p95 the 190th, p99 the 198th value
    List<StoredPrediction> predictions = new ArrayList<>();
    for (int i = 200; i >= 1; i--) {
      predictions.add(new StoredPrediction("p" + i, "d", "churn", 1, i, List.of(row(1.0, 1.0, "monthly")),
          List.of(Map.of("label", "no")), i, false));
    }
    MonitorWindow w = window(null, predictions);
    assertThat(w.operations().latencyP50Ms()).isEqualTo(100.0);
    assertThat(w.operations().latencyP95Ms()).isEqualTo(190.0);
    assertThat(w.operations().latencyP99Ms()).isEqualTo(198.0);
    assertThat(w.drift()).isNull();
    assertThat(MonitorWindow.operations(1, 1, new double[] {7.5}).latencyP99Ms()).isEqualTo(7.5);
  }

  @Test
  void aCallOfManyRowsLoggedRowByRowCountsAsOneRequestWithOneLatency() {
    // as ServingTable logs them: a 3-row call is three records, the first carrying the call's row count
    List<StoredPrediction> predictions = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      predictions.add(new StoredPrediction("a" + i, "d", "churn", 1, 5, List.of(row(1.0, 1.0, "monthly")),
          List.of(Map.of("label", "no")), 40, false, i == 0 ? 3 : 0));
    }
    predictions.add(new StoredPrediction("b", "d", "churn", 1, 6, List.of(row(1.0, 1.0, "monthly")),
        List.of(Map.of("label", "no")), 10, false, 1));
    MonitorWindow w = window(null, predictions);
    assertThat(w.operations().requests()).isEqualTo(2);
    assertThat(w.operations().predictions()).isEqualTo(4);
    // two calls, 10 ms and 40 ms: the median is the first of them, not the 3-row call's latency repeated
    assertThat(w.operations().latencyP50Ms()).isEqualTo(10.0);
    assertThat(w.operations().latencyP99Ms()).isEqualTo(40.0);
  }

  @Test
  void anEmptyWindowHasNoLatencyAndNoDrift() throws IOException {
    MonitorWindow w = window(reference(100, 5), List.of());
    assertThat(w.operations().requests()).isZero();
    assertThat(w.operations().latencyP50Ms()).isNull();
    assertThat(w.drift()).isNull();
    assertThat(w.quality()).allMatch(q -> q.rows() == 0 && q.missingShare() == 0);
  }

  @Test
  void serialisesWithSnakeCaseFields() throws IOException {
    MonitorWindow w = window(reference(2000, 1), traffic(500, 2, 30)).withAccuracy(0.75, null, 8);
    JsonNode json = Json.MAPPER.readTree(Json.write(w));
    assertThat(json.at("/model_version").asInt()).isEqualTo(1);
    assertThat(json.at("/drift_share").asDouble()).isPositive();
    assertThat(json.at("/operations/latency_p99_ms").isNumber()).isTrue();
    assertThat(json.at("/quality/0/missing_share").isNumber()).isTrue();
    assertThat(json.at("/prediction_drift/column").asText()).isEqualTo("churn");
    assertThat(json.at("/accuracy").asDouble()).isEqualTo(0.75);
    assertThat(json.at("/feedback").asInt()).isEqualTo(8);
    assertThat(json.has("rmse")).isFalse();
    assertThat(json.at("/operations").has("errors")).isFalse();
  }

  static MonitorWindow.FeatureQuality quality(MonitorWindow w, String feature) {
    return w.quality().stream().filter(q -> q.feature().equals(feature)).findFirst().orElseThrow();
  }

  static Map<String, Object> row(Object tenure, Object charges, String contract) {
    Map<String, Object> row = new HashMap<>();
    row.put("tenure", tenure);
    row.put("charges", charges);
    row.put("contract", contract);
    return row;
  }
}
