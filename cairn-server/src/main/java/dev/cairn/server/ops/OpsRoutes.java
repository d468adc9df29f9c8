package dev.cairn.server.ops;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.core.Component;
import dev.cairn.core.Health;
import dev.cairn.core.Json;
import dev.cairn.server.http.Responses;
import io.javalin.config.RoutesConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Operational routes: {@code /health} (aggregated component checks, each round cached for a second; {@code ok},
 * {@code degraded} (still 200) or {@code down} (503)),
 * {@code /version}, {@code /metrics}.
 */
public final class OpsRoutes {
  private OpsRoutes() {}

  /**
   * How long one round of component checks answers /health. A load balancer or monitor polling /health in a
   * loop then costs one database round trip per interval, not one per call (it was the slowest trivial route).
   */
  static final long HEALTH_TTL_NANOS = TimeUnit.MILLISECONDS.toNanos(1000);

  /** A rendered /health answer and when its checks ran. */
  private record CheckedHealth(long checkedAtNanos, int status, byte[] body) {}

  public static void register(RoutesConfig config, List<Component> components, String version,
      PrometheusMeterRegistry registry) {
    register(config, components, version, registry, HEALTH_TTL_NANOS);
  }

  static void register(RoutesConfig config, List<Component> components, String version,
      PrometheusMeterRegistry registry, long healthTtlNanos) {
    AtomicReference<CheckedHealth> last = new AtomicReference<>();
    config.get("/health", ctx -> {
      CheckedHealth h = last.get();
      if (h == null || System.nanoTime() - h.checkedAtNanos() >= healthTtlNanos) {
        h = checkAll(components, version);
        last.set(h);
      }
      ctx.status(h.status()).contentType(Responses.JSON).result(h.body());
    });
    byte[] versionBytes = version.getBytes(StandardCharsets.UTF_8);
    config.get("/version", ctx -> ctx.contentType("text/plain; charset=utf-8").result(versionBytes));
    config.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(registry.scrape()));
  }

  private static CheckedHealth checkAll(List<Component> components, String version) throws IOException {
    long now = System.nanoTime();
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    ArrayNode list = JsonNodeFactory.instance.arrayNode();
    boolean allUp = true;
    boolean degraded = false;
    for (Component c : components) {
      Health h = check(c);
      allUp &= h.isUp();
      degraded |= h.isDegraded();
      list.addObject().put("component", h.component()).put("status", status(h.isUp(), h.isDegraded()))
          .put("detail", h.detail());
    }
    // degraded still answers 200: the server serves; a load balancer should not take it out for a failing loop
    body.put("status", status(allUp, degraded));
    body.put("version", version);
    body.set("components", list);
    return new CheckedHealth(now, allUp ? 200 : 503, Json.MAPPER.writeValueAsBytes(body));
  }

  private static String status(boolean up, boolean degraded) {
    return !up ? "down" : degraded ? "degraded" : "ok";
  }

  /** A check that throws counts as down: health must answer even when a component misbehaves. */
  private static Health check(Component c) {
    try {
      Health h = c.check();
      return h == null ? Health.down(c.getClass().getSimpleName(), "check returned nothing") : h;
    } catch (RuntimeException e) {
      return Health.down(c.getClass().getSimpleName(), "check failed: " + e.getMessage());
    }
  }
}
