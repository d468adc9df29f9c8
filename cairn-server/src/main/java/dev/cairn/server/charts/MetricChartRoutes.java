package dev.cairn.server.charts;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.server.http.RequestFields;
import dev.cairn.server.http.Responses;
import dev.cairn.store.MetadataStore;
import dev.cairn.tracking.ChartPoint;
import dev.cairn.tracking.DownsampledHistory;
import dev.cairn.tracking.Downsampler;
import dev.cairn.tracking.MetricAxis;
import io.javalin.config.RoutesConfig;
import java.util.List;

/**
 * Cairn REST for metric charts:
 * <pre>
 * GET /api/cairn/v1/metrics/downsampled?run_id=RUN&amp;key=KEY&amp;points=N&amp;x=step|timestamp
 *   -&gt; {"run_id", "key", "x", "total_points", "points": [[x, y], ...]}
 * </pre>
 * At most N points (2 to 10,000; 1,000 when absent) in x order, reduced by {@link Downsampler} (first, last, min
 * and max y per bucket of the x range) so spikes stay visible; NaN and the infinities as get-history writes them
 * ({@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"}). The series is read once in bounded chunks, so a history
 * of any length costs one read chunk plus N points of memory.
 */
public final class MetricChartRoutes {
  public static final String PATH = "/api/cairn/v1/metrics/downsampled";
  static final int DEFAULT_POINTS = 1_000;
  /** A chart is at most a few thousand pixels wide; 4 points per bucket leaves room for 2,500 columns. */
  static final int MAX_POINTS = 10_000;

  private MetricChartRoutes() {}

  public static void register(RoutesConfig routes, MetadataStore store) {
    routes.get(PATH, ctx -> Responses.json(ctx, 200, answer(store, RequestFields.ofQuery(ctx.queryParamMap()))));
  }

  static ObjectNode answer(MetadataStore store, RequestFields f) {
    String runId = f.requiredString("run_id");
    String key = f.requiredString("key");
    int maxPoints = f.intValue("points", DEFAULT_POINTS, Downsampler.MIN_POINTS, MAX_POINTS);
    MetricAxis axis = MetricAxis.parse(f.string("x"));
    DownsampledHistory history = store.downsampleMetricHistory(runId, key, axis, maxPoints); // a missing run: 404
    long total = history == null ? 0 : history.totalPoints();
    List<ChartPoint> points = history == null ? List.of() : history.points();
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.put("run_id", runId).put("key", key).put("x", axis.wire()).put("total_points", total);
    ArrayNode array = body.putArray("points");
    for (ChartPoint p : points) {
      array.addArray().add(p.x()).add(p.y()); // NaN and the infinities: Jackson writes them as strings
    }
    return body;
  }
}
