package dev.cairn.store.registry;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.audit.AuditEvent;
import dev.cairn.registry.AliasChange;
import dev.cairn.registry.PromotionPolicy;
import dev.cairn.registry.PromotionRequest;
import dev.cairn.registry.PromotionRequest.Decision;
import dev.cairn.registry.PromotionRequest.Status;
import dev.cairn.registry.PromotionRequest.Verdict;
import dev.cairn.registry.RegistryNames;
import dev.cairn.store.audit.AuditScope;
import dev.cairn.store.sql.PageTokens;
import dev.cairn.store.sql.SqlDatabase;
import dev.cairn.store.webhooks.WebhookEvents;
import dev.cairn.tracking.Page;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;

/**
 * Four-eyes promotion of registry aliases. A policy protects an alias of a model; a protected alias moves only
 * when a promotion request has gathered the policy's number of approvals from people other than its requester,
 * or when an approver rolls it back to its previous holder. Every decision, and the alias move it triggers, is
 * one write that first takes the model's lock, so concurrent approvals apply a request exactly once. Refusals:
 * the requester deciding their own request, or the same person deciding twice, is PERMISSION_DENIED or
 * RESOURCE_ALREADY_EXISTS; a decision on a closed request INVALID_STATE; an unprotected alias in a request
 * INVALID_PARAMETER_VALUE; nothing changes on a refusal.
 */
public final class PromotionStore {
  public static final int MAX_REASON_LENGTH = 10_000;
  public static final int MAX_EVIDENCE_LENGTH = 1 << 20;
  public static final int MAX_PAGE = 1000;

  private final SqlDatabase db;
  private final RegistryEvents events;

  private PromotionStore(SqlDatabase db, RegistryEvents events) {
    this.db = db;
    this.events = events;
  }

  /** The store on a database migrated with the registry's migrations, reporting nothing. */
  public static PromotionStore on(SqlDatabase database) {
    return new PromotionStore(database, RegistryEvents.NONE);
  }

  /** The store beside {@code registry}, on its database, reporting to the same place (the server's webhooks). */
  public static PromotionStore on(SqlDatabase database, ModelRegistryStore registry) {
    return new PromotionStore(database, registry.events());
  }

  /** What the requester asks for; {@code evidenceJson} is shown to approvers as it is. */
  public record NewRequest(String name, String alias, int version, String requester, String reason,
      String evidenceJson) {
    public NewRequest {
      RegistryNames.requireModelName(name);
      RegistryNames.requireAlias(alias);
      if (requester == null || requester.isBlank()) {
        throw CairnException.invalid("a promotion request needs a requester");
      }
      requireText("reason", reason, MAX_REASON_LENGTH, true);
      requireText("evidence", evidenceJson, MAX_EVIDENCE_LENGTH, false);
    }
  }

  /** A decision's result: the request after it, and whether it moved the alias (from {@code previousVersion}). */
  public record Outcome(PromotionRequest request, boolean applied) {}

  // ---------------------------------------------------------------- policies

  /** Protects an alias (or changes its approval count). */
  public PromotionPolicy setPolicy(String name, String alias, int requiredApprovals, String actor) {
    RegistryNames.requireModelName(name);
    RegistryNames.requireAlias(alias);
    PromotionPolicy.requireApprovals(requiredApprovals);
    long now = System.currentTimeMillis();
    db.write(h -> {
      String key = ModelRegistryStore.requireKey(h, name);
      ModelRegistryStore.lockModel(h, key);
      h.createUpdate("DELETE FROM promotion_policies WHERE model_key = :key AND alias = :alias")
          .bind("key", key).bind("alias", alias).execute();
      AuditScope.describe("registry.policy.set", AuditEvent.target("model", name + "@" + alias), null,
          AuditScope.summary("required_approvals", requiredApprovals));
      return h.createUpdate("INSERT INTO promotion_policies (model_key, alias, required_approvals, updated_by,"
              + " updated_time) VALUES (:key, :alias, :n, :actor, :now)")
          .bind("key", key).bind("alias", alias).bind("n", requiredApprovals).bind("actor", actor).bind("now", now)
          .execute();
    });
    return new PromotionPolicy(name, alias, requiredApprovals, actor, now);
  }

  /** Lifts an alias's protection; RESOURCE_DOES_NOT_EXIST when it had none. Open requests for it are cancelled. */
  public void deletePolicy(String name, String alias) {
    RegistryNames.requireModelName(name);
    db.write(h -> {
      String key = ModelRegistryStore.requireKey(h, name);
      ModelRegistryStore.lockModel(h, key);
      int removed = h.createUpdate("DELETE FROM promotion_policies WHERE model_key = :key AND alias = :alias")
          .bind("key", key).bind("alias", alias).execute();
      if (removed == 0) {
        throw CairnException.notFound("alias '" + alias + "' of model '" + name + "' has no promotion policy");
      }
      AuditScope.describe("registry.policy.deleted", AuditEvent.target("model", name + "@" + alias), null, null);
      h.createUpdate("UPDATE promotion_requests SET status = :cancelled, decided_time = :now"
              + " WHERE model_key = :key AND alias = :alias AND status = :pending")
          .bind("cancelled", Status.CANCELLED.name()).bind("now", System.currentTimeMillis()).bind("key", key)
          .bind("alias", alias).bind("pending", Status.PENDING.name()).execute();
      return null;
    });
  }

  /** The model's protected aliases, by alias. */
  public List<PromotionPolicy> policies(String name) {
    RegistryNames.requireModelName(name);
    return db.read(h -> {
      String key = ModelRegistryStore.requireKey(h, name);
      return h.createQuery("SELECT alias, required_approvals, updated_by, updated_time FROM promotion_policies"
              + " WHERE model_key = :key ORDER BY alias")
          .bind("key", key)
          .map((rs, ctx) -> new PromotionPolicy(name, rs.getString("alias"), rs.getInt("required_approvals"),
              rs.getString("updated_by"), rs.getLong("updated_time")))
          .list();
    });
  }

  // ---------------------------------------------------------------- requests

  /** Opens a request; the alias must be protected, the version live, and no open request may ask the same. */
  public PromotionRequest request(NewRequest r) {
    String id = UUID.randomUUID().toString().replace("-", "");
    db.write(h -> {
      ModelRegistryStore.requireVersionId(h, r.name(), r.version());
      String key = ModelRegistryStore.requireKey(h, r.name());
      ModelRegistryStore.lockModel(h, key);
      int approvals = Aliases.requiredApprovals(h, key, r.alias()).orElseThrow(() -> CairnException.invalid(
          "alias '" + r.alias() + "' of model '" + r.name() + "' has no promotion policy, so it needs no request: "
              + "set it directly (cairn models alias set), or protect it first; protected aliases: "
              + protectedAliases(h, key)));
      Optional<Integer> holder = Aliases.holder(h, key, r.alias());
      if (holder.isPresent() && holder.get() == r.version()) {
        throw new CairnException(ErrorCode.INVALID_STATE, "version " + r.version() + " already holds alias '"
            + r.alias() + "' of model '" + r.name() + "'");
      }
      Optional<String> open = h.createQuery("SELECT request_id FROM promotion_requests WHERE model_key = :key"
              + " AND alias = :alias AND version = :version AND status = :pending")
          .bind("key", key).bind("alias", r.alias()).bind("version", r.version())
          .bind("pending", Status.PENDING.name()).mapTo(String.class).findOne();
      if (open.isPresent()) {
        throw CairnException.exists("request " + open.get().trim() + " already asks to point '" + r.alias()
            + "' of model '" + r.name() + "' at version " + r.version() + "; approve or reject that one");
      }
      AuditScope.describe("registry.promotion.requested", AuditEvent.target("promotion", id), null,
          AuditScope.summary("model", r.name(), "alias", r.alias(), "version", r.version(), "current", holder.orElse(null)));
      events.record(h, WebhookEvents.PROMOTION_REQUESTED, RegistryEvents.data().put("request_id", id)
          .put("name", r.name()).put("alias", r.alias()).put("version", Integer.toString(r.version()))
          .put("requester", r.requester()).put("reason", r.reason()));
      return h.createUpdate("INSERT INTO promotion_requests (request_id, model_key, alias, version, current_version,"
              + " requester, reason, evidence, required_approvals, status, created_time) VALUES (:id, :key, :alias,"
              + " :version, :current, :requester, :reason, :evidence, :approvals, :status, :now)")
          .bind("id", id).bind("key", key).bind("alias", r.alias()).bind("version", r.version())
          .bind("current", holder.orElse(null)).bind("requester", r.requester()).bind("reason", r.reason())
          .bind("evidence", r.evidenceJson()).bind("approvals", approvals).bind("status", Status.PENDING.name())
          .bind("now", System.currentTimeMillis()).execute();
    });
    events.committed();
    return get(id);
  }

  /** The registered model a request belongs to; empty for an unknown request (what authorisation scopes it by). */
  public Optional<String> modelOf(String requestId) {
    if (requestId == null || requestId.length() != 32) {
      return Optional.empty();
    }
    return db.read(h -> h.createQuery("SELECT m.name FROM promotion_requests r JOIN registered_models m"
            + " ON m.model_key = r.model_key WHERE r.request_id = :id")
        .bind("id", requestId).mapTo(String.class).findOne());
  }

  /** One request with its decisions; RESOURCE_DOES_NOT_EXIST when unknown. */
  public PromotionRequest get(String requestId) {
    return db.read(h -> load(h, requestId));
  }

  /** Requests, newest first, optionally of one model and in one status. */
  public Page<PromotionRequest> list(String name, Status status, int maxResults, String pageToken) {
    return list(name, status == null ? List.of() : List.of(status), maxResults, pageToken);
  }

  /** Closed requests (applied, rejected or cancelled), newest first, optionally of one model: a page's history. */
  public Page<PromotionRequest> listClosed(String name, int maxResults, String pageToken) {
    return list(name, List.of(Status.APPLIED, Status.REJECTED, Status.CANCELLED), maxResults, pageToken);
  }

  private Page<PromotionRequest> list(String name, List<Status> statuses, int maxResults, String pageToken) {
    if (maxResults < 1 || maxResults > MAX_PAGE) {
      throw CairnException.invalid("max_results is " + maxResults + "; it must be between 1 and " + MAX_PAGE);
    }
    long offset = PageTokens.decode(pageToken);
    return db.read(h -> {
      StringBuilder sql = new StringBuilder("SELECT r.request_id FROM promotion_requests r WHERE 1 = 1");
      Map<String, Object> params = new HashMap<>();
      if (name != null) {
        params.put("key", ModelRegistryStore.requireKey(h, name));
        sql.append(" AND r.model_key = :key");
      }
      if (!statuses.isEmpty()) {
        sql.append(" AND r.status IN (<statuses>)");
      }
      sql.append(" ORDER BY r.created_time DESC, r.request_id LIMIT :limit OFFSET :offset");
      var query = h.createQuery(sql.toString()).bind("limit", maxResults + 1).bind("offset", offset);
      params.forEach(query::bind);
      if (!statuses.isEmpty()) {
        query.bindList("statuses", statuses.stream().map(Status::name).toList());
      }
      List<String> ids = query.mapTo(String.class).list();
      List<PromotionRequest> page = new ArrayList<>();
      for (String id : ids.subList(0, Math.min(maxResults, ids.size()))) {
        page.add(load(h, id.trim()));
      }
      return new Page<>(page, ids.size() > maxResults ? PageTokens.encode(offset + maxResults) : null);
    });
  }

  /**
   * Records an approval; the one that reaches the policy's count moves the alias in the same write and closes
   * the request as APPLIED. The requester cannot approve their own request.
   */
  public Outcome approve(String requestId, String actor, String comment) {
    return decide(requestId, actor, Verdict.APPROVE, comment);
  }

  /** Rejects a request: it closes as REJECTED and the alias stays where it is. */
  public PromotionRequest reject(String requestId, String actor, String comment) {
    return decide(requestId, actor, Verdict.REJECT, comment).request();
  }

  /** The requester withdraws an open request. */
  public PromotionRequest cancel(String requestId, String actor) {
    db.write(h -> {
      PromotionRequest r = lockOpen(h, requestId);
      if (!r.requester().equals(actor)) {
        throw new CairnException(ErrorCode.PERMISSION_DENIED, "only the requester (" + r.requester()
            + ") can cancel request " + requestId + "; approvers reject it instead");
      }
      return close(h, requestId, Status.CANCELLED, null);
    });
    return get(requestId);
  }

  private Outcome decide(String requestId, String actor, Verdict verdict, String comment) {
    if (actor == null || actor.isBlank()) {
      throw CairnException.invalid("a decision needs the approver's name");
    }
    requireText("comment", comment, MAX_REASON_LENGTH, false);
    boolean applied = db.write(h -> {
      PromotionRequest r = lockOpen(h, requestId);
      if (r.requester().equals(actor)) {
        throw new CairnException(ErrorCode.PERMISSION_DENIED, "four eyes: " + actor + " requested " + requestId
            + " and cannot " + (verdict == Verdict.APPROVE ? "approve" : "reject") + " it; another approver must"
            + (verdict == Verdict.APPROVE ? "" : " (the requester may cancel it)"));
      }
      if (r.decisions().stream().anyMatch(d -> d.actor().equals(actor))) {
        throw CairnException.exists(actor + " has already decided request " + requestId);
      }
      long now = System.currentTimeMillis();
      h.createUpdate("INSERT INTO promotion_decisions (request_id, actor, verdict, comment, decided_time)"
              + " VALUES (:id, :actor, :verdict, :comment, :now)")
          .bind("id", requestId).bind("actor", actor).bind("verdict", verdict.name()).bind("comment", comment)
          .bind("now", now).execute();
      AuditScope.describe("registry.promotion." + (verdict == Verdict.APPROVE ? "approved" : "rejected"),
          AuditEvent.target("promotion", requestId), AuditScope.summary("approvals", r.approvals()),
          AuditScope.summary("approvals", r.approvals() + (verdict == Verdict.APPROVE ? 1 : 0), "comment", comment));
      var decision = RegistryEvents.data().put("request_id", requestId).put("name", r.modelName())
          .put("alias", r.alias()).put("version", Integer.toString(r.version())).put("actor", actor)
          .put("approvals", r.approvals() + (verdict == Verdict.APPROVE ? 1 : 0))
          .put("required_approvals", r.requiredApprovals()).put("comment", comment);
      if (verdict == Verdict.REJECT) {
        events.record(h, WebhookEvents.PROMOTION_REJECTED, decision);
        close(h, requestId, Status.REJECTED, null);
        return false;
      }
      events.record(h, WebhookEvents.PROMOTION_APPROVED, decision.put("applied",
          r.approvals() + 1 >= r.requiredApprovals()));
      if (r.approvals() + 1 < r.requiredApprovals()) {
        return false;
      }
      String key = ModelRegistryStore.requireKey(h, r.modelName());
      String versionId;
      try {
        versionId = ModelRegistryStore.requireVersionId(h, r.modelName(), r.version());
      } catch (CairnException e) {
        throw new CairnException(ErrorCode.INVALID_STATE, "version " + r.version() + " of model '" + r.modelName()
            + "' no longer exists; request " + requestId + " cannot be applied (reject it)");
      }
      Optional<Integer> previous = Aliases.move(h, key, r.alias(), versionId, r.version(),
          new Aliases.Why(r.modelName(), actor, AliasChange.Kind.PROMOTION, requestId, r.reason()), events);
      close(h, requestId, Status.APPLIED, previous.orElse(null));
      return true;
    });
    events.committed();
    return new Outcome(get(requestId), applied);
  }

  /** Reads a request under its model's lock and requires it open. */
  private static PromotionRequest lockOpen(Handle h, String requestId) {
    PromotionRequest r = load(h, requestId);
    ModelRegistryStore.lockModel(h, ModelRegistryStore.requireKey(h, r.modelName()));
    r = load(h, requestId); // as of the lock: another decision may have closed it meanwhile
    if (!r.status().isOpen()) {
      throw new CairnException(ErrorCode.INVALID_STATE, "request " + requestId + " is already "
          + r.status().name().toLowerCase(java.util.Locale.ROOT) + "; it takes no more decisions");
    }
    return r;
  }

  private static int close(Handle h, String requestId, Status status, Integer previousVersion) {
    return h.createUpdate("UPDATE promotion_requests SET status = :status, decided_time = :now,"
            + " previous_version = :previous WHERE request_id = :id AND status = :pending")
        .bind("status", status.name()).bind("now", System.currentTimeMillis()).bind("previous", previousVersion)
        .bind("id", requestId).bind("pending", Status.PENDING.name()).execute();
  }

  // ---------------------------------------------------------------- rollback and history

  /**
   * Returns the alias to the version it pointed at before its latest move, in one step and without a request
   * (the route lets approvers do it), and records the rollback in its history. Rolling back twice returns to
   * where it was: each rollback is a move like any other.
   */
  public AliasChange rollback(String name, String alias, String actor, String reason) {
    RegistryNames.requireModelName(name);
    requireText("reason", reason, MAX_REASON_LENGTH, false);
    return ModelRegistryStore.committed(db.write(h -> {
      String key = ModelRegistryStore.requireKey(h, name);
      ModelRegistryStore.lockModel(h, key);
      AliasChange last = changes(h, name, key, alias, 1).stream().findFirst().orElseThrow(() -> CairnException.notFound(
          "alias '" + alias + "' of model '" + name + "' has never moved; there is nothing to roll back"));
      Integer target = last.fromVersion();
      if (target == null) {
        throw new CairnException(ErrorCode.INVALID_STATE, "alias '" + alias + "' of model '" + name
            + "' had no holder before version " + last.toVersion() + "; there is no previous version to return to");
      }
      String versionId;
      try {
        versionId = ModelRegistryStore.requireVersionId(h, name, target);
      } catch (CairnException e) {
        throw new CairnException(ErrorCode.INVALID_STATE, "the previous holder of '" + alias + "', version " + target
            + ", was deleted; promote a version instead");
      }
      Aliases.move(h, key, alias, versionId, target, new Aliases.Why(name, actor, AliasChange.Kind.ROLLBACK, null, reason),
          events);
      return changes(h, name, key, alias, 1).get(0);
    }), events);
  }

  /** The alias's moves, newest first. */
  public List<AliasChange> history(String name, String alias, int maxResults) {
    RegistryNames.requireModelName(name);
    if (maxResults < 1 || maxResults > MAX_PAGE) {
      throw CairnException.invalid("max_results is " + maxResults + "; it must be between 1 and " + MAX_PAGE);
    }
    return db.read(h -> changes(h, name, ModelRegistryStore.requireKey(h, name), alias, maxResults));
  }

  private static List<AliasChange> changes(Handle h, String name, String key, String alias, int limit) {
    return h.createQuery("SELECT sequence, from_version, to_version, actor, kind, request_id, reason, changed_time"
            + " FROM alias_changes WHERE model_key = :key AND alias = :alias ORDER BY sequence DESC LIMIT :limit")
        .bind("key", key).bind("alias", alias).bind("limit", limit)
        .map((rs, ctx) -> new AliasChange(name, alias, rs.getLong("sequence"), integer(rs, "from_version"),
            integer(rs, "to_version"), rs.getString("actor"), AliasChange.Kind.valueOf(rs.getString("kind")),
            trim(rs.getString("request_id")), rs.getString("reason"), rs.getLong("changed_time")))
        .list();
  }

  // ---------------------------------------------------------------- rows

  private static PromotionRequest load(Handle h, String requestId) {
    List<Decision> decisions = h.createQuery("SELECT actor, verdict, comment, decided_time FROM promotion_decisions"
            + " WHERE request_id = :id ORDER BY decided_time, actor")
        .bind("id", requestId)
        .map((rs, ctx) -> new Decision(rs.getString("actor"), Verdict.valueOf(rs.getString("verdict")),
            rs.getString("comment"), rs.getLong("decided_time")))
        .list();
    return h.createQuery("SELECT r.*, m.name AS model_name FROM promotion_requests r JOIN registered_models m"
            + " ON m.model_key = r.model_key WHERE r.request_id = :id")
        .bind("id", requestId)
        .map((rs, ctx) -> new PromotionRequest(rs.getString("request_id").trim(), rs.getString("model_name"),
            rs.getString("alias"), rs.getInt("version"), integer(rs, "current_version"), rs.getString("requester"),
            rs.getString("reason"), rs.getString("evidence"), rs.getInt("required_approvals"),
            Status.valueOf(rs.getString("status")), decisions, rs.getLong("created_time"), longOrNull(rs, "decided_time"),
            integer(rs, "previous_version")))
        .findOne()
        .orElseThrow(() -> CairnException.notFound("promotion request '" + requestId + "' does not exist"));
  }

  private static String protectedAliases(Handle h, String key) {
    List<String> aliases = h.createQuery("SELECT alias FROM promotion_policies WHERE model_key = :key ORDER BY alias")
        .bind("key", key).mapTo(String.class).list();
    return aliases.isEmpty() ? "none" : String.join(", ", aliases);
  }

  private static Integer integer(ResultSet rs, String column) throws SQLException {
    int v = rs.getInt(column);
    return rs.wasNull() ? null : v;
  }

  private static Long longOrNull(ResultSet rs, String column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? null : v;
  }

  private static String trim(String s) {
    return s == null ? null : s.trim();
  }

  private static void requireText(String field, String value, int limit, boolean required) {
    if (value == null || value.isBlank()) {
      if (required) {
        throw CairnException.invalid("'" + field + "' is required: say why (it is shown to approvers and kept)");
      }
      return;
    }
    if (value.length() > limit) {
      throw CairnException.invalid("'" + field + "' has " + value.length() + " characters; the limit is " + limit);
    }
  }
}
