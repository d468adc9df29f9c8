package dev.cairn.serving.alerts;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.core.Json;
import java.time.Instant;

/** What notifications about an alert say: the webhook event's data, and the text of a Slack message. */
public final class AlertNotices {
  private AlertNotices() {}

  /** The alert as a webhook event's {@code data} and as the REST API shows it. */
  public static ObjectNode data(Alert a) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("alert_id", a.id());
    o.put("rule", a.rule());
    o.put("deployment", a.deployment());
    o.put("model_name", a.modelName());
    o.put("model_version", Integer.toString(a.modelVersion()));
    o.put("severity", a.severity());
    o.put("state", a.state());
    o.put("condition", a.condition());
    o.put("fired_at", a.firedAt());
    o.put("window_from", a.windowFrom());
    o.put("window_to", a.windowTo());
    o.put("detail", a.detail());
    ObjectNode figures = o.putObject("figures");
    a.figures().forEach(figures::put);
    if (a.resolvedAt() != null) {
      o.put("resolved_at", a.resolvedAt());
      o.put("resolve_detail", a.resolveDetail());
    }
    return o;
  }

  /** A Slack incoming-webhook body: {@code {"text": "..."}} with one line saying what fired or resolved. */
  public static String slack(Alert a) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("text", text(a));
    return Json.write(o);
  }

  static String text(Alert a) {
    String where = a.deployment() + " (" + a.modelName() + "/" + a.modelVersion() + ")";
    if (a.isFiring()) {
      return "[" + a.severity() + "] alert " + a.rule() + " FIRING on " + where + ": " + a.detail()
          + " (window to " + Instant.ofEpochMilli(a.windowTo()) + ")";
    }
    return "[" + a.severity() + "] alert " + a.rule() + " resolved on " + where + ": "
        + (a.resolveDetail() == null ? "" : a.resolveDetail());
  }
}
