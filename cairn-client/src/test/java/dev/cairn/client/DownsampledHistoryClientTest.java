package dev.cairn.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.server.CairnServer;
import dev.cairn.store.MetadataStore;
import dev.cairn.tracking.ChartPoint;
import dev.cairn.tracking.Metric;
import dev.cairn.tracking.MetricAxis;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** getMetricHistoryDownsampled against a real server whose run holds a million-point history with one spike. */
class DownsampledHistoryClientTest {
  private static final int POINTS = 1_000_000;
  private static final long SPIKE_STEP = 333_333;
  private static final long T0 = 1_700_000_000_000L;

  @TempDir static Path dir;
  private static CairnServer server;
  private static CairnClient client;
  private static String runId;

  @BeforeAll
  static void logAMillionPoints() {
    server = TestServer.start(dir);
    client = CairnClient.connect(server.url());
    MetadataStore store = server.metadataStore(); // the store directly: a million points in seconds, not over HTTP
    String exp = store.createExperiment("sdk-charts", null, List.of());
    runId = store.createRun(exp, "ada", T0, "long", List.of()).runId();
    for (int b = 0; b < POINTS / 1000; b++) {
      List<Metric> batch = new ArrayList<>(1000);
      for (int i = 0; i < 1000; i++) {
        long step = (long) b * 1000 + i;
        batch.add(new Metric("loss", step == SPIKE_STEP ? -3.0 : 1.0 / (step + 1), T0 + 2 * step, step));
      }
      store.logBatch(runId, batch, List.of(), List.of());
    }
  }

  @AfterAll
  static void stop() {
    client.close();
    server.close();
  }

  @Test
  void aMillionPointsComeBackAsAtMostNKeepingTheSpikeTheFirstAndTheLast() {
    List<ChartPoint> points = client.getMetricHistoryDownsampled(runId, "loss", 500);
    assertThat(points).hasSizeLessThanOrEqualTo(500).hasSizeGreaterThan(100)
        .isSortedAccordingTo(Comparator.comparingLong(ChartPoint::x))
        .contains(new ChartPoint(SPIKE_STEP, -3.0), new ChartPoint(0, 1.0));
    assertThat(points.get(points.size() - 1)).isEqualTo(new ChartPoint(POINTS - 1, 1.0 / POINTS));
  }

  @Test
  void theTimestampAxisGivesTimestamps() {
    List<ChartPoint> points = client.getMetricHistoryDownsampled(runId, "loss", 100, MetricAxis.TIMESTAMP);
    assertThat(points).hasSizeLessThanOrEqualTo(100).contains(new ChartPoint(T0 + 2 * SPIKE_STEP, -3.0));
    assertThat(points.get(0).x()).isEqualTo(T0);
    assertThat(points.get(points.size() - 1).x()).isEqualTo(T0 + 2L * (POINTS - 1));
  }

  @Test
  void nanComesBackAsNan() {
    String exp = client.createExperiment("sdk-charts-nan");
    String run = server.metadataStore().createRun(exp, "ada", T0, "nan", List.of()).runId();
    server.metadataStore().logBatch(run, List.of(new Metric("m", Double.NaN, T0, 0), new Metric("m", 2.0, T0, 1)),
        List.of(), List.of());
    assertThat(client.getMetricHistoryDownsampled(run, "m", 10))
        .containsExactly(new ChartPoint(0, Double.NaN), new ChartPoint(1, 2.0));
  }

  @Test
  void anUnknownKeyHasNoPointsAndAnUnknownRunIsNotFound() {
    assertThat(client.getMetricHistoryDownsampled(runId, "accuracy", 100)).isEmpty();
    assertThatThrownBy(() -> client.getMetricHistoryDownsampled("0123456789abcdef0123456789abcdef", "loss", 100))
        .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.RESOURCE_DOES_NOT_EXIST));
  }

  @Test
  void aPointsCountAboveTheLimitIsRefusedNamingIt() {
    assertThatThrownBy(() -> client.getMetricHistoryDownsampled(runId, "loss", 10_001))
        .isInstanceOfSatisfying(CairnException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE);
          assertThat(e.getMessage()).contains("points").contains("10000");
        });
  }
}
