package dev.cairn.store.registry;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.audit.AuditEvent;
import dev.cairn.registry.AliasChange;
import dev.cairn.store.audit.AuditScope;
import dev.cairn.store.webhooks.WebhookEvents;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * Alias moves inside a registry write, shared by direct sets, promotions and rollbacks so each one replaces the
 * holder and appends to the alias's history the same way. Callers hold the model's lock
 * ({@link ModelRegistryStore#lockModel}).
 */
final class Aliases {
  /** Who moved an alias of model {@code name} and why; {@code requestId} names the promotion request that applied it. */
  record Why(String name, String actor, AliasChange.Kind kind, String requestId, String reason) {}

  private Aliases() {}

  static Optional<Integer> holder(Handle h, String key, String alias) {
    return h.createQuery("SELECT v.version FROM registered_model_aliases a JOIN model_versions v"
            + " ON v.version_id = a.version_id WHERE a.model_key = :key AND a.alias = :alias")
        .bind("key", key).bind("alias", alias).mapTo(Integer.class).findOne();
  }

  static Optional<Integer> requiredApprovals(Handle h, String key, String alias) {
    return h.createQuery("SELECT required_approvals FROM promotion_policies WHERE model_key = :key AND alias = :alias")
        .bind("key", key).bind("alias", alias).mapTo(Integer.class).findOne();
  }

  /** Refuses a direct change of an alias that a promotion policy protects, saying what to do instead. */
  static void requireUnprotected(Handle h, String key, String name, String alias, String action) {
    Optional<Integer> approvals = requiredApprovals(h, key, alias);
    if (approvals.isPresent()) {
      throw new CairnException(ErrorCode.PERMISSION_DENIED, "alias '" + alias + "' of model '" + name
          + "' is protected by a promotion policy (" + approvals.get() + " approval" + (approvals.get() == 1 ? "" : "s")
          + "); cannot " + action + " it directly: request a promotion (cairn models request-promotion " + name
          + " VERSION --alias " + alias + " --reason ...) or, as an approver, roll it back");
    }
  }

  /** Refuses deleting a version that holds a protected alias: that would move the alias without approval. */
  static void requireNoProtectedAliasOn(Handle h, String versionId, String name, int version) {
    List<String> protectedAliases = h.createQuery("SELECT a.alias FROM registered_model_aliases a JOIN promotion_policies p"
            + " ON p.model_key = a.model_key AND p.alias = a.alias WHERE a.version_id = :id ORDER BY a.alias")
        .bind("id", versionId).mapTo(String.class).list();
    if (!protectedAliases.isEmpty()) {
      throw new CairnException(ErrorCode.PERMISSION_DENIED, "version " + version + " of model '" + name
          + "' holds protected alias " + String.join(", ", protectedAliases)
          + "; promote or roll back another version first");
    }
  }

  /** Refuses deleting a model under promotion policies: an admin removes the policies first. */
  static void requireNoPolicies(Handle h, String key, String name) {
    List<String> aliases = h.createQuery("SELECT alias FROM promotion_policies WHERE model_key = :key ORDER BY alias")
        .bind("key", key).mapTo(String.class).list();
    if (!aliases.isEmpty()) {
      throw new CairnException(ErrorCode.PERMISSION_DENIED, "model '" + name + "' has promotion policies for "
          + String.join(", ", aliases) + "; an admin deletes them first (cairn models policy delete " + name
          + " ALIAS)");
    }
  }

  /** Removes a model's governance rows, children first (SQLite may run without foreign-key enforcement). */
  static void deleteGovernanceRows(Handle h, String key) {
    h.createUpdate("DELETE FROM promotion_decisions WHERE request_id IN"
        + " (SELECT request_id FROM promotion_requests WHERE model_key = :key)").bind("key", key).execute();
    h.createUpdate("DELETE FROM promotion_requests WHERE model_key = :key").bind("key", key).execute();
    h.createUpdate("DELETE FROM promotion_policies WHERE model_key = :key").bind("key", key).execute();
    h.createUpdate("DELETE FROM alias_changes WHERE model_key = :key").bind("key", key).execute();
  }

  /**
   * Points the alias at {@code versionId} (null: removes it), appends the move to its history unless nothing
   * changes, and returns the previous holder.
   */
  static Optional<Integer> move(Handle h, String key, String alias, String versionId, Integer toVersion, Why why,
      RegistryEvents events) {
    Optional<Integer> previous = holder(h, key, alias);
    if (previous.equals(Optional.ofNullable(toVersion))) {
      return previous;
    }
    h.createUpdate("DELETE FROM registered_model_aliases WHERE model_key = :key AND alias = :alias")
        .bind("key", key).bind("alias", alias).execute();
    if (versionId != null) {
      h.createUpdate("INSERT INTO registered_model_aliases (model_key, alias, version_id) VALUES (:key, :alias, :id)")
          .bind("key", key).bind("alias", alias).bind("id", versionId).execute();
    }
    long sequence = h.createQuery("SELECT COALESCE(MAX(sequence), 0) + 1 FROM alias_changes"
            + " WHERE model_key = :key AND alias = :alias")
        .bind("key", key).bind("alias", alias).mapTo(Long.class).one();
    h.createUpdate("INSERT INTO alias_changes (model_key, alias, sequence, from_version, to_version, actor, kind,"
            + " request_id, reason, changed_time) VALUES (:key, :alias, :sequence, :from, :to, :actor, :kind,"
            + " :request, :reason, :now)")
        .bind("key", key).bind("alias", alias).bind("sequence", sequence).bind("from", previous.orElse(null))
        .bind("to", toVersion).bind("actor", why.actor()).bind("kind", why.kind().name())
        .bind("request", why.requestId()).bind("reason", why.reason()).bind("now", System.currentTimeMillis())
        .execute();
    AuditScope.describe("registry.alias." + why.kind().name().toLowerCase(Locale.ROOT),
        AuditEvent.target("model", why.name() + "@" + alias), AuditScope.summary("version", previous.orElse(null)),
        AuditScope.summary("version", toVersion, "request", why.requestId(), "reason", why.reason()));
    var data = RegistryEvents.data().put("name", why.name()).put("alias", alias);
    if (toVersion != null) {
      data.put("version", Integer.toString(toVersion));
    }
    events.record(h, toVersion == null ? WebhookEvents.MODEL_VERSION_ALIAS_DELETED : WebhookEvents.MODEL_VERSION_ALIAS_CREATED,
        data);
    if (why.kind() == AliasChange.Kind.ROLLBACK) {
      var rollback = RegistryEvents.data().put("name", why.name()).put("alias", alias)
          .put("from_version", previous.map(String::valueOf).orElse(null)).put("to_version", String.valueOf(toVersion))
          .put("actor", why.actor()).put("reason", why.reason());
      events.record(h, WebhookEvents.ALIAS_ROLLED_BACK, rollback);
    }
    return previous;
  }
}
