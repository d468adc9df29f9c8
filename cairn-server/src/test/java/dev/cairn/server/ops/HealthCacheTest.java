package dev.cairn.server.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.Component;
import dev.cairn.core.Health;
import io.javalin.Javalin;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** /health runs the components' checks once per interval and serves that answer, status included, until then. */
class HealthCacheTest {
  private final AtomicInteger checks = new AtomicInteger();
  private volatile boolean up = true;
  private final Component counted = () -> {
    checks.incrementAndGet();
    return up ? Health.up("counted") : Health.down("counted", "switched off");
  };

  private int[] statuses(long ttlNanos, int calls) throws Exception {
    Javalin app = Javalin.create(cfg -> {
      cfg.startup.showJavalinBanner = false;
      cfg.startup.startupWatcherEnabled = false;
      OpsRoutes.register(cfg.routes, List.of(counted), "1.0", new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
          ttlNanos);
    }).start("127.0.0.1", 0);
    try {
      HttpClient http = HttpClient.newHttpClient();
      int[] out = new int[calls];
      for (int i = 0; i < calls; i++) {
        if (i == calls / 2) {
          up = false;
        }
        out[i] = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/health")).build(),
            HttpResponse.BodyHandlers.ofString()).statusCode();
      }
      return out;
    } finally {
      app.stop();
    }
  }

  @Test
  void withinTheIntervalOneCheckAnswersEveryCall() throws Exception {
    int[] statuses = statuses(TimeUnit.HOURS.toNanos(1), 20);
    assertThat(checks.get()).isEqualTo(1);
    assertThat(statuses).containsOnly(200); // the component went down after the check: seen at the next interval
  }

  @Test
  void anExpiredAnswerIsCheckedAgain() throws Exception {
    int[] statuses = statuses(0, 20);
    assertThat(checks.get()).isEqualTo(20);
    assertThat(statuses[0]).isEqualTo(200);
    assertThat(statuses[19]).isEqualTo(503);
  }
}
