package dev.cairn.serving.alerts;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.audit.AuditEvent;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Json;
import dev.cairn.serving.alerts.AlertRule.NotifyTarget;
import dev.cairn.store.audit.AuditScope;
import dev.cairn.store.sql.PageTokens;
import dev.cairn.store.sql.SqlDatabase;
import dev.cairn.store.webhooks.WebhookDispatcher;
import dev.cairn.store.webhooks.WebhookEvents;
import dev.cairn.store.webhooks.WebhookStore;
import dev.cairn.tracking.Page;
import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;

/**
 * Alert rules and alerts in the shared database (V79, in the serving migrations every opener applies). Firing and
 * resolving are each one write holding the alert's change, its audit event and its webhook deliveries, so none exists
 * without the others; the table's unique keys let only one of several servers on one database make each change.
 */
public final class AlertStore {
  public static final int DEFAULT_PAGE_SIZE = 100;
  public static final int MAX_PAGE_SIZE = 1000;
  /** Rules the evaluator reads per round; more are refused when saved. */
  public static final int MAX_RULES = 1000;
  private static final String DECIDED = "the alert was already changed by another evaluation";

  /** How a save changed a rule. */
  public enum Change { CREATED, UPDATED, UNCHANGED }

  /** A rule as stored, with who created and last changed it when (epoch milliseconds). */
  public record StoredRule(AlertRule rule, String createdBy, long createdAt, String updatedBy, long updatedAt) {}

  /** The outcome of {@link #put}. */
  public record Saved(StoredRule rule, Change change) {}

  /**
   * A search of alerts; every filter may be null. Firing alerts come first, then by firing time, newest first.
   *
   * @param fromMs alerts fired at or after
   * @param toMs alerts fired before
   */
  public record AlertQuery(String deployment, String rule, String state, Long fromMs, Long toMs, int maxResults,
      String pageToken) {
    public AlertQuery {
      if (state != null && !state.equals(Alert.FIRING) && !state.equals(Alert.RESOLVED)) {
        throw CairnException.invalid("field 'state' is '" + state + "'; it must be firing or resolved");
      }
      if (maxResults < 1 || maxResults > MAX_PAGE_SIZE) {
        throw CairnException.invalid("field 'max_results' is " + maxResults + "; it must be 1 to " + MAX_PAGE_SIZE);
      }
      if (fromMs != null && toMs != null && fromMs > toMs) {
        throw CairnException.invalid("field 'from' " + fromMs + " is after 'to' " + toMs);
      }
    }
  }

  private final SqlDatabase db;
  private final WebhookStore webhooks;

  public AlertStore(SqlDatabase db, WebhookStore webhooks) {
    this.db = db;
    this.webhooks = webhooks;
  }

  // ---- rules

  /**
   * Creates or replaces the rule of that name and says what changed (saving the same rule again changes nothing and
   * records nothing). Every notification target must name an active webhook.
   */
  public Saved put(AlertRule rule) {
    Optional<StoredRule> before = db.read(h -> find(h, rule.name()));
    if (before.isPresent() && before.get().rule().equals(rule)) {
      return new Saved(before.get(), Change.UNCHANGED); // no write, so no audit event for a change that is none
    }
    checkTargets(rule);
    String actor = actor();
    long now = System.currentTimeMillis();
    return db.write(h -> {
      Optional<StoredRule> current = find(h, rule.name());
      if (current.isPresent() && current.get().rule().equals(rule)) {
        return new Saved(current.get(), Change.UNCHANGED);
      }
      if (current.isEmpty()) {
        long count = h.createQuery("SELECT COUNT(*) FROM alert_rules").mapTo(Long.class).one();
        if (count >= MAX_RULES) {
          throw CairnException.invalid("there are " + count + " alert rules; the limit is " + MAX_RULES);
        }
        h.createUpdate("INSERT INTO alert_rules (name, deployment, condition_text, window_minutes, severity, notify,"
                + " description, created_by, creation_time, updated_by, update_time) VALUES (:name, :deployment,"
                + " :condition, :window, :severity, :notify, :description, :actor, :now, :actor, :now)")
            .bindMap(columns(rule)).bind("actor", actor).bind("now", now).execute();
      } else {
        h.createUpdate("UPDATE alert_rules SET deployment = :deployment, condition_text = :condition,"
                + " window_minutes = :window, severity = :severity, notify = :notify, description = :description,"
                + " updated_by = :actor, update_time = :now WHERE name = :name")
            .bindMap(columns(rule)).bind("actor", actor).bind("now", now).execute();
      }
      AuditScope.describe(current.isEmpty() ? "alert.rule.create" : "alert.rule.update",
          AuditEvent.target("alert-rule", rule.name()), current.map(c -> summary(c.rule())).orElse(null),
          summary(rule));
      StoredRule stored = current.map(c -> new StoredRule(rule, c.createdBy(), c.createdAt(), actor, now))
          .orElse(new StoredRule(rule, actor, now, actor, now));
      return new Saved(stored, current.isEmpty() ? Change.CREATED : Change.UPDATED);
    });
  }

  /** Creates the rule; RESOURCE_ALREADY_EXISTS when the name is taken. */
  public StoredRule create(AlertRule rule) {
    if (db.read(h -> find(h, rule.name())).isPresent()) {
      throw CairnException.exists("alert rule '" + rule.name() + "' already exists; change it with PUT or delete it"
          + " first");
    }
    Saved saved = put(rule);
    if (saved.change() != Change.CREATED) {
      throw CairnException.exists("alert rule '" + rule.name() + "' already exists");
    }
    return saved.rule();
  }

  private void checkTargets(AlertRule rule) {
    for (int i = 0; i < rule.targets().size(); i++) {
      NotifyTarget t = rule.targets().get(i);
      if (webhooks.activeNamed(t.webhook()).isEmpty()) {
        throw CairnException.invalid("field 'notify[" + i + "].webhook' names '" + t.webhook() + "', which is no"
            + " active webhook (by id or name); create it first: POST /api/2.0/mlflow/webhooks");
      }
    }
  }

  private static String summary(AlertRule r) {
    return AuditScope.summary("deployment", r.deployment(), "condition", r.condition(), "window_minutes",
        r.windowMinutes(), "severity", r.severity(), "notify", r.targets().size());
  }

  private static Map<String, Object> columns(AlertRule r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", r.name());
    m.put("deployment", r.deployment());
    m.put("condition", r.condition());
    m.put("window", r.windowMinutes());
    m.put("severity", r.severity());
    m.put("notify", Json.write(r.targets()));
    m.put("description", r.description());
    return m;
  }

  /** The rule, or RESOURCE_DOES_NOT_EXIST. */
  public StoredRule get(String name) {
    return db.read(h -> find(h, name))
        .orElseThrow(() -> CairnException.notFound("alert rule '" + name + "' does not exist"));
  }

  /** Rules by name, paged. */
  public Page<StoredRule> rules(int maxResults, String pageToken) {
    int size = pageSize(maxResults);
    long offset = PageTokens.decode(pageToken);
    List<StoredRule> rows = db.read(h -> h.createQuery("SELECT * FROM alert_rules ORDER BY name LIMIT :limit"
        + " OFFSET :offset").bind("limit", size + 1).bind("offset", offset).map((rs, ctx) -> rule(rs)).list());
    return new Page<>(rows.subList(0, Math.min(size, rows.size())),
        rows.size() > size ? PageTokens.encode(offset + size) : null);
  }

  /** Every rule (at most {@link #MAX_RULES}), for the evaluator. */
  public List<AlertRule> allRules() {
    return db.read(h -> h.createQuery("SELECT * FROM alert_rules ORDER BY name LIMIT :limit")
        .bind("limit", MAX_RULES).map((rs, ctx) -> rule(rs).rule()).list());
  }

  /** Deletes the rule; its firing alerts resolve (without notifications) and its history stays. */
  public void delete(String name) {
    long now = System.currentTimeMillis();
    db.write(h -> {
      StoredRule current = find(h, name)
          .orElseThrow(() -> CairnException.notFound("alert rule '" + name + "' does not exist"));
      h.createUpdate("DELETE FROM alert_rules WHERE name = :name").bind("name", name).execute();
      h.createUpdate("UPDATE alerts SET state = 'resolved', resolved_at = :now, open_key = NULL,"
              + " resolve_detail = 'the rule was deleted' WHERE rule_name = :name AND state = 'firing'")
          .bind("name", name).bind("now", now).execute();
      AuditScope.describe("alert.rule.delete", AuditEvent.target("alert-rule", name), summary(current.rule()), null);
      return null;
    });
  }

  private static Optional<StoredRule> find(Handle h, String name) {
    return h.createQuery("SELECT * FROM alert_rules WHERE name = :name").bind("name", name)
        .map((rs, ctx) -> rule(rs)).findOne();
  }

  private static StoredRule rule(ResultSet rs) throws SQLException {
    List<NotifyTarget> notify;
    try {
      notify = Json.MAPPER.readValue(rs.getString("notify"), new TypeReference<List<NotifyTarget>>() {});
    } catch (IOException e) {
      throw new IllegalStateException("alert rule " + rs.getString("name") + " has unreadable targets", e);
    }
    AlertRule rule = new AlertRule(rs.getString("name"), rs.getString("deployment"), rs.getString("condition_text"),
        rs.getInt("window_minutes"), rs.getString("severity"), notify, rs.getString("description"));
    return new StoredRule(rule, rs.getString("created_by"), rs.getLong("creation_time"), rs.getString("updated_by"),
        rs.getLong("update_time"));
  }

  // ---- alerts

  /** The firing alert of this rule, deployment and model version, if any. */
  public Optional<Alert> firing(String rule, String deployment, String model, int version) {
    return db.read(h -> h.createQuery("SELECT * FROM alerts WHERE open_key = :key")
        .bind("key", openKey(rule, deployment, model, version)).map((rs, ctx) -> alert(rs)).findOne());
  }

  /**
   * Fires {@code alert} (state firing) with its audit event and notifications, unless this rule, deployment and
   * version already fire or a firing was already decided on the same window (another server): then empty.
   */
  public Optional<Alert> fire(AlertRule rule, Alert alert) {
    try {
      return Optional.of(db.write(h -> {
        int inserted = h.createUpdate("INSERT INTO alerts (alert_id, rule_name, deployment, model_name, model_version,"
                + " severity, state, condition_text, fired_at, window_from, window_to, detail, figures, open_key)"
                + " VALUES (:id, :rule, :deployment, :model, :version, :severity, 'firing', :condition, :fired,"
                + " :from, :to, :detail, :figures, :key) ON CONFLICT DO NOTHING")
            .bind("id", alert.id()).bind("rule", alert.rule()).bind("deployment", alert.deployment())
            .bind("model", alert.modelName()).bind("version", alert.modelVersion()).bind("severity", alert.severity())
            .bind("condition", alert.condition()).bind("fired", alert.firedAt()).bind("from", alert.windowFrom())
            .bind("to", alert.windowTo()).bind("detail", alert.detail()).bind("figures", Json.write(alert.figures()))
            .bind("key", openKey(alert.rule(), alert.deployment(), alert.modelName(), alert.modelVersion()))
            .execute();
        if (inserted == 0) {
          throw new CairnException(ErrorCode.CONFLICT, DECIDED); // rolls back: no audit event for nothing
        }
        AuditScope.describe("alert.firing", AuditEvent.target("alert", alert.id()), null, AuditScope.summary("rule",
            alert.rule(), "deployment", alert.deployment(), "model", alert.modelName() + "/" + alert.modelVersion(),
            "detail", alert.detail()));
        notify(h, rule, alert, WebhookEvents.ALERT_FIRING);
        return alert;
      }));
    } catch (CairnException e) {
      if (e.code() == ErrorCode.CONFLICT && DECIDED.equals(e.getMessage())) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** Resolves the firing alert {@code id} with its audit event and notifications; empty when it no longer fires. */
  public Optional<Alert> resolve(AlertRule rule, String id, long now, String detail) {
    try {
      return Optional.of(db.write(h -> {
        int changed = h.createUpdate("UPDATE alerts SET state = 'resolved', resolved_at = :now, resolve_detail ="
                + " :detail, open_key = NULL WHERE alert_id = :id AND state = 'firing'")
            .bind("id", id).bind("now", now).bind("detail", detail).execute();
        if (changed == 0) {
          throw new CairnException(ErrorCode.CONFLICT, DECIDED);
        }
        Alert resolved = h.createQuery("SELECT * FROM alerts WHERE alert_id = :id").bind("id", id)
            .map((rs, ctx) -> alert(rs)).one();
        AuditScope.describe("alert.resolved", AuditEvent.target("alert", id), AuditScope.summary("state", "firing"),
            AuditScope.summary("state", "resolved", "detail", detail));
        notify(h, rule, resolved, WebhookEvents.ALERT_RESOLVED);
        return resolved;
      }));
    } catch (CairnException e) {
      if (e.code() == ErrorCode.CONFLICT && DECIDED.equals(e.getMessage())) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /**
   * Records the deliveries of one alert change: each rule target gets its format; every other webhook subscribed to
   * the event gets MLflow's body.
   */
  private void notify(Handle h, AlertRule rule, Alert alert, String event) {
    long now = System.currentTimeMillis();
    ObjectNode data = AlertNotices.data(alert);
    String cairnBody = WebhookDispatcher.body(event, data, now);
    Set<String> told = new HashSet<>();
    for (NotifyTarget t : rule.targets()) {
      String body = t.format().equals("slack") ? AlertNotices.slack(alert) : cairnBody;
      for (String webhookId : webhooks.activeNamed(h, t.webhook())) {
        if (told.add(webhookId)) {
          webhooks.enqueueTo(h, webhookId, event, body, now);
        }
      }
    }
    for (String webhookId : webhooks.subscribers(h, event)) {
      if (told.add(webhookId)) {
        webhooks.enqueueTo(h, webhookId, event, cairnBody, now);
      }
    }
  }

  /** One page of alerts matching {@code q}: firing first, then newest first. */
  public Page<Alert> alerts(AlertQuery q) {
    long offset = PageTokens.decode(q.pageToken());
    StringBuilder sql = new StringBuilder("SELECT * FROM alerts WHERE 1 = 1");
    Map<String, Object> binds = new LinkedHashMap<>();
    if (q.deployment() != null) {
      sql.append(" AND deployment = :deployment");
      binds.put("deployment", q.deployment());
    }
    if (q.rule() != null) {
      sql.append(" AND rule_name = :rule");
      binds.put("rule", q.rule());
    }
    if (q.state() != null) {
      sql.append(" AND state = :state");
      binds.put("state", q.state());
    }
    if (q.fromMs() != null) {
      sql.append(" AND fired_at >= :from");
      binds.put("from", q.fromMs());
    }
    if (q.toMs() != null) {
      sql.append(" AND fired_at < :to");
      binds.put("to", q.toMs());
    }
    // 'firing' sorts before 'resolved'
    sql.append(" ORDER BY state, fired_at DESC, alert_id LIMIT :limit OFFSET :offset");
    List<Alert> rows = db.read(h -> {
      Query query = h.createQuery(sql.toString()).bindMap(binds).bind("limit", q.maxResults() + 1)
          .bind("offset", offset);
      return query.map((rs, ctx) -> alert(rs)).list();
    });
    return new Page<>(rows.subList(0, Math.min(q.maxResults(), rows.size())),
        rows.size() > q.maxResults() ? PageTokens.encode(offset + q.maxResults()) : null);
  }

  /** The alert, or RESOURCE_DOES_NOT_EXIST. */
  public Alert alert(String id) {
    return db.read(h -> h.createQuery("SELECT * FROM alerts WHERE alert_id = :id").bind("id", id)
        .map((rs, ctx) -> alert(rs)).findOne())
        .orElseThrow(() -> CairnException.notFound("alert '" + id + "' does not exist"));
  }

  private static Alert alert(ResultSet rs) throws SQLException {
    Map<String, Double> figures;
    try {
      figures = Json.MAPPER.readValue(rs.getString("figures"), new TypeReference<LinkedHashMap<String, Double>>() {});
    } catch (IOException e) {
      throw new IllegalStateException("alert " + rs.getString("alert_id") + " has unreadable figures", e);
    }
    long resolved = rs.getLong("resolved_at");
    Long resolvedAt = rs.wasNull() ? null : resolved;
    return new Alert(rs.getString("alert_id").strip(), rs.getString("rule_name"), rs.getString("deployment"),
        rs.getString("model_name"), rs.getInt("model_version"), rs.getString("severity"), rs.getString("state"),
        rs.getString("condition_text"), rs.getLong("fired_at"), rs.getLong("window_from"), rs.getLong("window_to"),
        rs.getString("detail"), Collections.unmodifiableMap(figures), resolvedAt, rs.getString("resolve_detail"));
  }

  static String openKey(String rule, String deployment, String model, int version) {
    return rule + "\n" + deployment + "\n" + model + "\n" + version;
  }

  static String newId() {
    return UUID.randomUUID().toString().replace("-", "");
  }

  private static int pageSize(int maxResults) {
    if (maxResults <= 0) {
      return DEFAULT_PAGE_SIZE;
    }
    if (maxResults > MAX_PAGE_SIZE) {
      throw CairnException.invalid("field 'max_results' is " + maxResults + "; the limit is " + MAX_PAGE_SIZE);
    }
    return maxResults;
  }

  private static String actor() {
    AuditScope scope = AuditScope.current();
    return scope == null ? "local" : scope.actor();
  }
}
