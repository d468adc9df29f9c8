package dev.cairn.server.deployments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.core.CairnException;
import dev.cairn.core.Json;
import dev.cairn.serving.feedback.Feedback;
import dev.cairn.serving.feedback.FeedbackStore;
import dev.cairn.serving.feedback.WindowAccuracy;
import dev.cairn.serving.log.PredictionStore;
import dev.cairn.serving.log.StoredPrediction;
import dev.cairn.server.http.RequestFields;
import dev.cairn.server.http.Responses;
import dev.cairn.store.sql.SqlDatabase;
import dev.cairn.tracking.Page;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;

/**
 * A deployment's prediction log, feedback and live accuracy, all routes in one place:
 * <pre>
 * POST /api/cairn/v1/deployments/{name}/feedback     {feedback: [{prediction_id, label | value, row?}]}; each item
 *                                                     answered in results (unknown ids refused per item)
 * GET  /api/cairn/v1/deployments/{name}/predictions  logged predictions, oldest first (from?, to? epoch ms;
 *                                                     max_results, page_token)
 * GET  /api/cairn/v1/deployments/{name}/accuracy     per model version and window (from?, to?, window_minutes?)
 * </pre>
 * The deployment need not exist any more: its log and feedback outlive it.
 */
public final class PredictionRoutes {
  public static final String BASE = DeploymentRoutes.BASE;
  /** Accuracy without {@code from}: the last day. */
  static final long DEFAULT_SPAN_MS = 24 * 60 * 60_000L;

  private final PredictionStore predictions;
  private final FeedbackStore feedback;

  private PredictionRoutes(PredictionStore predictions, FeedbackStore feedback) {
    this.predictions = predictions;
    this.feedback = feedback;
  }

  public static void register(RoutesConfig routes, SqlDatabase database) {
    PredictionStore predictions = new PredictionStore(database);
    PredictionRoutes r = new PredictionRoutes(predictions, new FeedbackStore(database, predictions));
    routes.post(BASE + "/{name}/feedback", r::addFeedback);
    routes.get(BASE + "/{name}/predictions", r::list);
    routes.get(BASE + "/{name}/accuracy", r::accuracy);
  }

  void addFeedback(Context ctx) {
    RequestFields f = RequestFields.ofJsonBody(ctx.bodyInputStream());
    JsonNode items = f.raw("feedback");
    if (items == null || !items.isArray() || items.isEmpty()) {
      throw CairnException.invalid("field 'feedback' must be a non-empty array of {prediction_id, label or value},"
          + " at most " + FeedbackStore.MAX_ITEMS + " items");
    }
    if (items.size() > FeedbackStore.MAX_ITEMS) {
      throw CairnException.invalid("field 'feedback' has " + items.size() + " items; at most "
          + FeedbackStore.MAX_ITEMS + " a call");
    }
    List<Feedback> parsed = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      parsed.add(item(items.get(i), "feedback[" + i + "]"));
    }
    ObjectNode out = Json.MAPPER.createObjectNode();
    ArrayNode results = out.putArray("results");
    int recorded = 0;
    for (FeedbackStore.Outcome o : feedback.add(ctx.pathParam("name"), parsed)) {
      ObjectNode r = results.addObject().put("prediction_id", o.predictionId()).put("recorded", o.recorded());
      if (o.error() != null) {
        r.put("error", o.error());
      } else {
        recorded++;
      }
    }
    out.put("recorded", recorded);
    Responses.json(ctx, 200, out);
  }

  private static Feedback item(JsonNode n, String where) {
    if (n == null || !n.isObject()) {
      throw CairnException.invalid("field '" + where + "' must be an object {prediction_id, label or value}");
    }
    JsonNode id = n.get("prediction_id");
    if (id == null || !id.isTextual()) {
      throw CairnException.invalid("field '" + where + ".prediction_id' is missing or not a string");
    }
    JsonNode label = n.get("label");
    JsonNode value = n.get("value");
    if (label != null && !label.isNull() && !label.isValueNode()) {
      throw CairnException.invalid("field '" + where + ".label' must be a string, number or boolean");
    }
    if (value != null && !value.isNull() && !value.isNumber()) {
      throw CairnException.invalid("field '" + where + ".value' must be a number");
    }
    JsonNode row = n.get("row");
    if (row != null && !row.isNull() && !row.canConvertToInt()) {
      throw CairnException.invalid("field '" + where + ".row' must be an integer");
    }
    try {
      return new Feedback(id.textValue(), row == null || row.isNull() ? 0 : row.intValue(),
          label == null || label.isNull() ? null : label.asText(),
          value == null || value.isNull() ? null : value.doubleValue());
    } catch (CairnException e) {
      throw CairnException.invalid(where + ": " + e.getMessage());
    }
  }

  void list(Context ctx) {
    RequestFields q = RequestFields.ofQuery(ctx.queryParamMap());
    Long from = q.longValue("from");
    Long to = q.longValue("to");
    Page<StoredPrediction> page = predictions.list(ctx.pathParam("name"), from == null ? 0 : from,
        to == null ? Long.MAX_VALUE : to, q.intValue("max_results", PredictionStore.DEFAULT_PAGE_SIZE, 1,
            PredictionStore.MAX_PAGE_SIZE), q.string("page_token"));
    ObjectNode out = Json.MAPPER.createObjectNode();
    ArrayNode items = out.putArray("predictions");
    for (StoredPrediction p : page.items()) {
      ObjectNode o = items.addObject();
      o.put("prediction_id", p.id());
      o.put("model_name", p.modelName());
      o.put("model_version", p.modelVersion());
      o.put("timestamp", p.timeMs());
      o.set("inputs", Json.MAPPER.valueToTree(p.inputs()));
      o.set("outputs", Json.MAPPER.valueToTree(p.outputs()));
      o.put("latency_ms", p.latencyMs());
      o.put("shadow", p.shadow());
    }
    if (page.nextPageToken() != null) {
      out.put("next_page_token", page.nextPageToken());
    }
    Responses.json(ctx, 200, out);
  }

  void accuracy(Context ctx) {
    RequestFields q = RequestFields.ofQuery(ctx.queryParamMap());
    Long to = q.longValue("to");
    long end = to == null ? System.currentTimeMillis() : to;
    Long from = q.longValue("from");
    int window = q.intValue("window_minutes", 60, 1, 525_600);
    List<WindowAccuracy> windows = feedback.accuracyByWindow(ctx.pathParam("name"),
        from == null ? end - DEFAULT_SPAN_MS : from, end, window);
    ObjectNode out = Json.MAPPER.createObjectNode();
    ArrayNode items = out.putArray("windows");
    for (WindowAccuracy w : windows) {
      ObjectNode o = items.addObject();
      o.put("model_name", w.modelName());
      o.put("model_version", w.modelVersion());
      o.put("start", w.windowStart());
      o.put("end", w.windowEnd());
      o.put("count", w.count());
      if (w.accuracy() != null) {
        o.put("accuracy", w.accuracy());
      }
      if (w.rmse() != null) {
        o.put("rmse", w.rmse());
      }
    }
    Responses.json(ctx, 200, out);
  }
}
