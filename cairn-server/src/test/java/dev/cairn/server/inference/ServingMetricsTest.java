package dev.cairn.server.inference;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.serving.monitor.MonitorWindow;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The gauges of the latest stored window and the meters kept per deployment version. */
class ServingMetricsTest {
  static MonitorWindow window(int version, long from, double driftShare, Double accuracy) {
    MonitorWindow w = new MonitorWindow("churn-prod", "churn", version, from, from + 60_000,
        new MonitorWindow.Operations(10, 10, null, null, null, null), List.of(), null, null, driftShare, null, null,
        null);
    return accuracy == null ? w : w.withAccuracy(accuracy, null, 4);
  }

  static String line(String scrape, String prefix) {
    return scrape.lines().filter(l -> l.startsWith(prefix)).findFirst().orElse(null);
  }

  @Test
  void theLatestWindowOfEachVersionBecomesItsGauges() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    ServingMetrics metrics = new ServingMetrics(registry, null);
    metrics.windows(List.of(window(1, 0, 0.25, null), window(1, 60_000, 0.5, 0.75), window(2, 0, 0.0, null)));
    String scrape = registry.scrape();
    assertThat(line(scrape, "cairn_monitor_drift_share{deployment=\"churn-prod\",model=\"churn\",version=\"1\"}"))
        .endsWith(" 0.5");
    assertThat(line(scrape, "cairn_monitor_accuracy{deployment=\"churn-prod\",model=\"churn\",version=\"1\"}"))
        .endsWith(" 0.75");
    assertThat(line(scrape, "cairn_monitor_accuracy{deployment=\"churn-prod\",model=\"churn\",version=\"2\"}"))
        .endsWith(" NaN");

    // an older window handed later does not replace the latest one
    metrics.windows(List.of(window(1, 0, 0.125, null)));
    assertThat(line(registry.scrape(),
        "cairn_monitor_drift_share{deployment=\"churn-prod\",model=\"churn\",version=\"1\"}")).endsWith(" 0.5");
    metrics.windows(List.of(window(1, 120_000, 0.0, null)));
    assertThat(line(registry.scrape(),
        "cairn_monitor_drift_share{deployment=\"churn-prod\",model=\"churn\",version=\"1\"}")).endsWith(" 0.0");
  }

  @Test
  void aVersionsMetersAreMadeOnceAndCountEachRequest() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    ServingMetrics metrics = new ServingMetrics(registry, null);
    ServingMetrics.VersionMeters m = metrics.of("d", "churn", 3);
    assertThat(metrics.of("d", "churn", 3)).isSameAs(m);
    assertThat(metrics.of("d", "churn", 4)).isNotSameAs(m);
    assertThat(metrics.of("e", "churn", 3)).isNotSameAs(m);
    assertThat(metrics.unversioned("d")).isSameAs(metrics.unversioned("d"));
    m.answered(3, 2_000_000);
    m.answered(1, 4_000_000);
    m.failed();
    String scrape = registry.scrape();
    assertThat(line(scrape, "cairn_serving_requests_total{deployment=\"d\",model=\"churn\",version=\"3\"}"))
        .endsWith(" 2.0");
    assertThat(line(scrape, "cairn_serving_predictions_total{deployment=\"d\",model=\"churn\",version=\"3\"}"))
        .endsWith(" 4.0");
    assertThat(line(scrape, "cairn_serving_errors_total{deployment=\"d\",model=\"churn\",version=\"3\"}"))
        .endsWith(" 1.0");
    assertThat(line(scrape, "cairn_serving_latency_seconds_sum{deployment=\"d\",model=\"churn\",version=\"3\"}"))
        .endsWith(" 0.006");
  }
}
