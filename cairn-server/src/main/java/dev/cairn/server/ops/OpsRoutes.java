package dev.cairn.server.ops;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.core.Component;
import dev.cairn.core.Health;
import dev.cairn.server.http.Responses;
import io.javalin.config.RoutesConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;

/** Operational routes: {@code /health} (aggregated component checks), {@code /version}, {@code /metrics}. */
public final class OpsRoutes {
  private OpsRoutes() {}

  public static void register(RoutesConfig config, List<Component> components, String version,
      PrometheusMeterRegistry registry) {
    config.get("/health", ctx -> {
      ObjectNode body = JsonNodeFactory.instance.objectNode();
      ArrayNode list = JsonNodeFactory.instance.arrayNode();
      boolean allUp = true;
      for (Component c : components) {
        Health h = check(c);
        allUp &= h.isUp();
        list.addObject().put("component", h.component()).put("status", h.isUp() ? "ok" : "down")
            .put("detail", h.detail());
      }
      body.put("status", allUp ? "ok" : "down");
      body.put("version", version);
      body.set("components", list);
      Responses.json(ctx, allUp ? 200 : 503, body);
    });
    config.get("/version", ctx -> ctx.contentType("text/plain; charset=utf-8").result(version));
    config.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(registry.scrape()));
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
