package dev.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.store.MetadataStore;
import dev.cairn.tracking.Metric;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GET /api/cairn/v1/metrics/downsampled on a real server (SQLite), with a million-point history holding one spike. */
class MetricChartRoutesTest {
  private static final String PATH = "/api/cairn/v1/metrics/downsampled";
  private static final int POINTS = 1_000_000;
  private static final long SPIKE_STEP = 612_345;
  private static final long T0 = 1_700_000_000_000L;

  @TempDir static Path dir;
  private static TestServer server;
  private static String longRun;

  @BeforeAll
  static void logAMillionPoints() {
    server = TestServer.start(dir);
    MetadataStore store = server.server.metadataStore();
    String exp = store.createExperiment("charts", null, List.of());
    longRun = store.createRun(exp, "ada", T0, "long", List.of()).runId();
    for (int b = 0; b < POINTS / 1000; b++) {
      List<Metric> batch = new ArrayList<>(1000);
      for (int i = 0; i < 1000; i++) {
        long step = (long) b * 1000 + i;
        // timestamps run against the steps at the end, so a timestamp chart is not read in its own order
        long timestamp = step < POINTS - 10 ? T0 + step : T0 - step;
        batch.add(new Metric("loss", step == SPIKE_STEP ? 50.0 : 1.0 / (step + 1), timestamp, step));
      }
      store.logBatch(longRun, batch, List.of(), List.of());
    }
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static String runWith(List<Metric> metrics) {
    MetadataStore store = server.server.metadataStore();
    String exp = store.createExperiment("charts-" + System.nanoTime(), null, List.of());
    String run = store.createRun(exp, "ada", T0, "short", List.of()).runId();
    if (!metrics.isEmpty()) {
      store.logBatch(run, metrics, List.of(), List.of());
    }
    return run;
  }

  private static void assertXOrder(JsonNode points) {
    for (int i = 1; i < points.size(); i++) {
      assertThat(points.get(i).get(0).asLong()).isGreaterThanOrEqualTo(points.get(i - 1).get(0).asLong());
    }
  }

  private static boolean contains(JsonNode points, long x, double y) {
    for (JsonNode p : points) {
      if (p.get(0).asLong() == x && p.get(1).asDouble() == y) {
        return true;
      }
    }
    return false;
  }

  @Test
  void aMillionPointsBecomeAtMostNInStepOrderKeepingTheSpikeAndBothEnds() {
    TestServer.Reply r = server.get(PATH + "?run_id=" + longRun + "&key=loss&points=800&x=step");
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    JsonNode body = r.json();
    assertThat(body.get("run_id").asText()).isEqualTo(longRun);
    assertThat(body.get("key").asText()).isEqualTo("loss");
    assertThat(body.get("x").asText()).isEqualTo("step");
    assertThat(body.get("total_points").asLong()).isEqualTo(POINTS);
    JsonNode points = body.get("points");
    assertThat(points.size()).isBetween(200, 800);
    assertXOrder(points);
    assertThat(contains(points, SPIKE_STEP, 50.0)).as("spike kept").isTrue();
    assertThat(points.get(0).get(0).asLong()).isZero();
    assertThat(points.get(0).get(1).asDouble()).isEqualTo(1.0);
    assertThat(points.get(points.size() - 1).get(0).asLong()).isEqualTo(POINTS - 1);
  }

  @Test
  void aTimestampChartIsInTimestampOrderWhenTheStepsAreNot() {
    JsonNode body = server.get(PATH + "?run_id=" + longRun + "&key=loss&points=1000&x=timestamp").json();
    assertThat(body.get("x").asText()).isEqualTo("timestamp");
    assertThat(body.get("total_points").asLong()).isEqualTo(POINTS);
    JsonNode points = body.get("points");
    assertThat(points.size()).isLessThanOrEqualTo(1000);
    assertXOrder(points);
    assertThat(contains(points, T0 + SPIKE_STEP, 50.0)).as("spike kept").isTrue();
    // the least timestamp belongs to the last step, the greatest to the last step before the turn
    assertThat(points.get(0).get(0).asLong()).isEqualTo(T0 - (POINTS - 1));
    assertThat(points.get(points.size() - 1).get(0).asLong()).isEqualTo(T0 + POINTS - 11);
  }

  @Test
  void withoutPointsAndXTheAnswerIsAThousandPointsByStep() {
    JsonNode body = server.get(PATH + "?run_id=" + longRun + "&key=loss").json();
    assertThat(body.get("x").asText()).isEqualTo("step");
    assertThat(body.get("points").size()).isBetween(250, 1000);
  }

  @Test
  void aShortHistoryComesBackWholeWithNanAndInfinitiesAsGetHistoryWritesThem() {
    String run = runWith(List.of(new Metric("m", 1.5, T0, 0), new Metric("m", Double.NaN, T0 + 1, 1),
        new Metric("m", Double.POSITIVE_INFINITY, T0 + 2, 2), new Metric("m", Double.NEGATIVE_INFINITY, T0 + 3, 3)));
    TestServer.Reply r = server.get(PATH + "?run_id=" + run + "&key=m&points=10");
    assertThat(r.text()).contains("\"total_points\":4").contains("[1,\"NaN\"]");
    JsonNode points = r.json().get("points");
    // the same JSON values as get-history (the store keeps infinities as MLflow's SQL store does: +-Double.MAX_VALUE)
    JsonNode history = server.get("/api/2.0/mlflow/metrics/get-history?run_id=" + run + "&metric_key=m").json()
        .get("metrics");
    assertThat(points.size()).isEqualTo(4);
    for (int i = 0; i < 4; i++) {
      assertThat(points.get(i).get(0).asLong()).isEqualTo(history.get(i).get("step").asLong());
      assertThat(points.get(i).get(1)).isEqualTo(history.get(i).get("value"));
    }
    assertThat(points.get(2).get(1).asDouble()).isGreaterThan(1e308);
    assertThat(points.get(3).get(1).asDouble()).isLessThan(-1e308);
  }

  @Test
  void aPointsCountOutsideTwoToTenThousandIsRefusedNamingTheFieldAndTheLimits() {
    for (String bad : List.of("1", "10001", "0")) {
      TestServer.Reply r = server.get(PATH + "?run_id=" + longRun + "&key=loss&points=" + bad);
      assertThat(r.status()).isEqualTo(400);
      assertThat(r.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");
      assertThat(r.json().get("message").asText()).contains("'points'").contains("2").contains("10000");
    }
    TestServer.Reply r = server.get(PATH + "?run_id=" + longRun + "&key=loss&points=many");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("message").asText()).contains("points");
  }

  @Test
  void anUnknownAxisIsRefused() {
    TestServer.Reply r = server.get(PATH + "?run_id=" + longRun + "&key=loss&x=wall");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("message").asText()).contains("'x'").contains("step").contains("timestamp");
  }

  @Test
  void anUnknownRunIs404() {
    TestServer.Reply r = server.get(PATH + "?run_id=0123456789abcdef0123456789abcdef&key=loss");
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.errorCode()).isEqualTo("RESOURCE_DOES_NOT_EXIST");
  }

  @Test
  void anUnknownKeyHasNoPoints() {
    JsonNode body = server.get(PATH + "?run_id=" + longRun + "&key=accuracy&x=timestamp").json();
    assertThat(body.get("total_points").asLong()).isZero();
    assertThat(body.get("points").isArray()).isTrue();
    assertThat(body.get("points").size()).isZero();
  }

  @Test
  void runIdAndKeyAreRequired() {
    assertThat(server.get(PATH + "?key=loss").status()).isEqualTo(400);
    assertThat(server.get(PATH + "?run_id=" + longRun).json().get("message").asText()).contains("key");
  }
}
