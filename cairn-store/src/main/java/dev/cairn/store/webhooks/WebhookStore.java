package dev.cairn.store.webhooks;

import dev.cairn.core.CairnException;
import dev.cairn.store.sql.PageTokens;
import dev.cairn.store.sql.SqlDatabase;
import dev.cairn.store.webhooks.WebhookDelivery.Status;
import dev.cairn.tracking.Page;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jdbi.v3.core.Handle;

/**
 * Webhooks and their delivery log, in the shared database ({@link #MIGRATIONS} must be among the migrations it
 * was opened with). Deleting a webhook hides it from every read and fails its pending deliveries; its delivery
 * rows stay. The secret is written as given and only read back by the sender in this package.
 */
public final class WebhookStore {
  /** Where Flyway finds this module's migrations (V50__webhooks). */
  public static final String MIGRATIONS = "classpath:db/webhooks";
  public static final int DEFAULT_PAGE_SIZE = 100;
  public static final int MAX_PAGE_SIZE = 1000;
  /** Longest error text kept per delivery. */
  static final int MAX_ERROR_LENGTH = 1000;

  private final SqlDatabase db;

  public WebhookStore(SqlDatabase db) {
    this.db = db;
  }

  /** Creates a webhook (status ACTIVE unless the spec says otherwise). */
  public Webhook create(WebhookSpec spec) {
    spec.requireComplete();
    String id = newId();
    long now = System.currentTimeMillis();
    db.write(h -> {
      h.createUpdate("INSERT INTO webhooks (webhook_id, name, description, url, secret, status, creation_time,"
              + " last_update_time) VALUES (:id, :name, :description, :url, :secret, :status, :now, :now)")
          .bind("id", id).bind("name", spec.name()).bind("description", spec.description())
          .bind("url", spec.url()).bind("secret", emptyToNull(spec.secret()))
          .bind("status", (spec.status() == null ? WebhookStatus.ACTIVE : spec.status()).name())
          .bind("now", now).execute();
      insertEvents(h, id, spec.events());
      return null;
    });
    return get(id);
  }

  private static void insertEvents(Handle h, String id, List<String> events) {
    for (String event : events) {
      h.createUpdate("INSERT INTO webhook_events (webhook_id, event) VALUES (:id, :event)")
          .bind("id", id).bind("event", event).execute();
    }
  }

  /** The webhook, or {@code RESOURCE_DOES_NOT_EXIST}. */
  public Webhook get(String id) {
    return db.read(h -> find(h, id));
  }

  private static Webhook find(Handle h, String id) {
    return h.createQuery("SELECT * FROM webhooks WHERE webhook_id = :id AND status <> 'DELETED'")
        .bind("id", id).map((rs, ctx) -> webhook(rs, events(h, id))).findOne()
        .orElseThrow(() -> CairnException.notFound("webhook '" + id + "' does not exist"));
  }

  private static List<String> events(Handle h, String id) {
    return h.createQuery("SELECT event FROM webhook_events WHERE webhook_id = :id ORDER BY event")
        .bind("id", id).mapTo(String.class).list();
  }

  /** Webhooks, oldest first, paged. */
  public Page<Webhook> list(int maxResults, String pageToken) {
    int size = pageSize(maxResults);
    long offset = PageTokens.decode(pageToken);
    return db.read(h -> {
      List<String> ids = h.createQuery("SELECT webhook_id FROM webhooks WHERE status <> 'DELETED'"
              + " ORDER BY creation_time, webhook_id LIMIT :limit OFFSET :offset")
          .bind("limit", size + 1).bind("offset", offset).mapTo(String.class).list();
      List<Webhook> page = new ArrayList<>();
      for (String id : ids.subList(0, Math.min(size, ids.size()))) {
        page.add(find(h, id));
      }
      return new Page<>(page, ids.size() > size ? PageTokens.encode(offset + size) : null);
    });
  }

  /** Changes the parts the spec gives; a blank secret removes the secret. */
  public Webhook update(String id, WebhookSpec spec) {
    long now = System.currentTimeMillis();
    db.write(h -> {
      find(h, id);
      h.createUpdate("UPDATE webhooks SET name = COALESCE(:name, name), description = COALESCE(:description,"
              + " description), url = COALESCE(:url, url), status = COALESCE(:status, status),"
              + " last_update_time = :now WHERE webhook_id = :id")
          .bind("id", id).bind("name", spec.name()).bind("description", spec.description()).bind("url", spec.url())
          .bind("status", spec.status() == null ? null : spec.status().name()).bind("now", now).execute();
      if (spec.secret() != null) {
        h.createUpdate("UPDATE webhooks SET secret = :secret WHERE webhook_id = :id")
            .bind("id", id).bind("secret", emptyToNull(spec.secret())).execute();
      }
      if (spec.events() != null) {
        h.createUpdate("DELETE FROM webhook_events WHERE webhook_id = :id").bind("id", id).execute();
        insertEvents(h, id, spec.events());
      }
      return null;
    });
    return get(id);
  }

  /** Deletes the webhook: gone from reads, pending deliveries failed; the delivery log stays. */
  public void delete(String id) {
    long now = System.currentTimeMillis();
    db.write(h -> {
      find(h, id);
      h.createUpdate("UPDATE webhooks SET status = 'DELETED', last_update_time = :now WHERE webhook_id = :id")
          .bind("id", id).bind("now", now).execute();
      h.createUpdate("UPDATE webhook_deliveries SET status = 'FAILED', last_error = 'the webhook was deleted',"
              + " next_attempt_time = NULL, last_update_time = :now WHERE webhook_id = :id AND status = 'PENDING'")
          .bind("id", id).bind("now", now).execute();
      return null;
    });
  }

  /** Where and how the sender delivers to a webhook; status is DELETED for a deleted one, null if unknown. */
  record Target(String url, String secret, String status) {}

  /** The sender's view of a webhook, deleted ones included; for signing only, never for an API answer. */
  Target target(String id) {
    return db.read(h -> h.createQuery("SELECT url, secret, status FROM webhooks WHERE webhook_id = :id")
        .bind("id", id).map((rs, ctx) -> new Target(rs.getString("url"), rs.getString("secret"),
            rs.getString("status"))).findOne().orElse(new Target(null, null, null)));
  }

  /**
   * Records a PENDING delivery of {@code body} to every ACTIVE webhook subscribed to {@code event}, due at
   * {@code now}, in one transaction; returns them (none when nobody listens).
   */
  public List<WebhookDelivery> enqueue(String event, String body, long now) {
    WebhookEvents.requireKnown(event);
    return db.write(h -> enqueue(h, event, body, now));
  }

  /**
   * As {@link #enqueue(String, String, long)}, inside a write the caller is already making (its {@code Handle}),
   * so the deliveries are recorded if and only if the caller's change commits.
   */
  public List<WebhookDelivery> enqueue(Handle h, String event, String body, long now) {
    WebhookEvents.requireKnown(event);
    List<WebhookDelivery> created = new ArrayList<>();
    for (String webhookId : subscribers(h, event)) {
      created.add(enqueueTo(h, webhookId, event, body, now));
    }
    return created;
  }

  /** The ACTIVE webhooks subscribed to {@code event}, by id. */
  public List<String> subscribers(Handle h, String event) {
    return h.createQuery("SELECT w.webhook_id FROM webhooks w JOIN webhook_events e"
            + " ON e.webhook_id = w.webhook_id WHERE e.event = :event AND w.status = 'ACTIVE'"
            + " ORDER BY w.webhook_id")
        .bind("event", event).mapTo(String.class).list().stream().map(String::strip).toList();
  }

  /** The ACTIVE webhooks whose id or name is {@code idOrName}, by id (a name need not be unique). */
  public List<String> activeNamed(Handle h, String idOrName) {
    return h.createQuery("SELECT webhook_id FROM webhooks WHERE (webhook_id = :n OR name = :n) AND status = 'ACTIVE'"
            + " ORDER BY webhook_id")
        .bind("n", idOrName).mapTo(String.class).list().stream().map(String::strip).toList();
  }

  /** As {@link #activeNamed(Handle, String)} in its own read. */
  public List<String> activeNamed(String idOrName) {
    return db.read(h -> activeNamed(h, idOrName));
  }

  /**
   * Records one PENDING delivery of {@code body} to webhook {@code webhookId} whatever it subscribes to, inside the
   * caller's write: for senders that name their receivers (an alert rule's notification targets).
   */
  public WebhookDelivery enqueueTo(Handle h, String webhookId, String event, String body, long now) {
    WebhookEvents.requireKnown(event);
    String id = newId();
    h.createUpdate("INSERT INTO webhook_deliveries (delivery_id, webhook_id, event, payload, status, attempts,"
            + " next_attempt_time, creation_time, last_update_time) VALUES (:id, :webhook, :event, :payload,"
            + " 'PENDING', 0, :now, :now, :now)")
        .bind("id", id).bind("webhook", webhookId).bind("event", event).bind("payload", body)
        .bind("now", now).execute();
    return new WebhookDelivery(id, webhookId, event, body, Status.PENDING, 0, null, null, now, now, now);
  }

  /** The delivery, or {@code RESOURCE_DOES_NOT_EXIST}. */
  public WebhookDelivery delivery(String id) {
    return db.read(h -> h.createQuery("SELECT * FROM webhook_deliveries WHERE delivery_id = :id")
        .bind("id", id).map((rs, ctx) -> delivery(rs)).findOne()
        .orElseThrow(() -> CairnException.notFound("webhook delivery '" + id + "' does not exist")));
  }

  /** PENDING deliveries due at {@code now}, earliest first, at most {@code limit}. */
  public List<WebhookDelivery> due(long now, int limit) {
    return db.read(h -> h.createQuery("SELECT * FROM webhook_deliveries WHERE status = 'PENDING'"
            + " AND next_attempt_time <= :now ORDER BY next_attempt_time, delivery_id LIMIT :limit")
        .bind("now", now).bind("limit", limit).map((rs, ctx) -> delivery(rs)).list());
  }

  /** When the earliest PENDING delivery is due (epoch ms), or null when none is pending. */
  public Long nextDueTime() {
    return db.read(h -> h.createQuery("SELECT MIN(next_attempt_time) FROM webhook_deliveries"
            + " WHERE status = 'PENDING'")
        .mapTo(Long.class).findOne().orElse(null));
  }

  /**
   * Records one attempt: the attempt count goes up by one and the delivery takes {@code status}; a PENDING
   * status needs {@code nextAttemptTime}. Only a PENDING delivery is changed (a deleted webhook's stays failed).
   */
  public void recordAttempt(String id, Status status, Integer responseCode, String error, Long nextAttemptTime) {
    if (status == Status.PENDING && nextAttemptTime == null) {
      throw new IllegalArgumentException("a PENDING delivery needs its next attempt time");
    }
    long now = System.currentTimeMillis();
    String trimmed = error == null || error.length() <= MAX_ERROR_LENGTH ? error : error.substring(0, MAX_ERROR_LENGTH);
    db.write(h -> h.createUpdate("UPDATE webhook_deliveries SET status = :status, attempts = attempts + 1,"
            + " last_response_code = :code, last_error = :error, next_attempt_time = :next,"
            + " last_update_time = :now WHERE delivery_id = :id AND status = 'PENDING'")
        .bind("id", id).bind("status", status.name()).bind("code", responseCode).bind("error", trimmed)
        .bind("next", status == Status.PENDING ? nextAttemptTime : null).bind("now", now).execute());
  }

  /** A webhook's deliveries, newest first, paged; {@code RESOURCE_DOES_NOT_EXIST} for an unknown webhook. */
  public Page<WebhookDelivery> deliveries(String webhookId, int maxResults, String pageToken) {
    int size = pageSize(maxResults);
    long offset = PageTokens.decode(pageToken);
    return db.read(h -> {
      find(h, webhookId);
      List<WebhookDelivery> rows = h.createQuery("SELECT * FROM webhook_deliveries WHERE webhook_id = :id"
              + " ORDER BY creation_time DESC, delivery_id DESC LIMIT :limit OFFSET :offset")
          .bind("id", webhookId).bind("limit", size + 1).bind("offset", offset)
          .map((rs, ctx) -> delivery(rs)).list();
      return new Page<>(rows.subList(0, Math.min(size, rows.size())),
          rows.size() > size ? PageTokens.encode(offset + size) : null);
    });
  }

  /** Counts of deliveries by status (for health and tests). */
  public Map<Status, Long> deliveryCounts() {
    return db.read(h -> {
      Map<Status, Long> counts = new HashMap<>();
      h.createQuery("SELECT status, COUNT(*) AS n FROM webhook_deliveries GROUP BY status")
          .map((rs, ctx) -> Map.entry(Status.valueOf(rs.getString("status")), rs.getLong("n")))
          .forEach(e -> counts.put(e.getKey(), e.getValue()));
      return counts;
    });
  }

  private static int pageSize(int maxResults) {
    if (maxResults <= 0) {
      return DEFAULT_PAGE_SIZE;
    }
    if (maxResults > MAX_PAGE_SIZE) {
      throw CairnException.invalid("max_results " + maxResults + " is above the limit of " + MAX_PAGE_SIZE);
    }
    return maxResults;
  }

  private static Webhook webhook(ResultSet rs, List<String> events) throws SQLException {
    return new Webhook(rs.getString("webhook_id").strip(), rs.getString("name"), rs.getString("description"),
        rs.getString("url"), events, WebhookStatus.valueOf(rs.getString("status")), rs.getString("secret") != null,
        rs.getLong("creation_time"), rs.getLong("last_update_time"));
  }

  private static WebhookDelivery delivery(ResultSet rs) throws SQLException {
    int code = rs.getInt("last_response_code");
    Integer responseCode = rs.wasNull() ? null : code;
    long next = rs.getLong("next_attempt_time");
    Long nextAttempt = rs.wasNull() ? null : next;
    return new WebhookDelivery(rs.getString("delivery_id").strip(), rs.getString("webhook_id").strip(),
        rs.getString("event"), rs.getString("payload"), Status.valueOf(rs.getString("status")),
        rs.getInt("attempts"), responseCode, rs.getString("last_error"), nextAttempt,
        rs.getLong("creation_time"), rs.getLong("last_update_time"));
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  private static String newId() {
    return UUID.randomUUID().toString().replace("-", "");
  }
}
