package dev.cairn.serving.deploy;

import dev.cairn.audit.AuditEvent;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Json;
import dev.cairn.store.audit.AuditScope;
import dev.cairn.store.registry.ModelRegistryStore;
import dev.cairn.store.sql.PageTokens;
import dev.cairn.store.sql.SqlDatabase;
import dev.cairn.store.sql.SqlDatabases;
import dev.cairn.tracking.Page;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * Deployments and their change history in the shared database ({@link #MIGRATIONS}, which every opener applies). Every
 * target a write names must exist in the registry at that moment (an alias target must be set). Updates are
 * optimistic: they name the version they read and fail with {@code CONFLICT} when someone changed it since. Each
 * create, update and delete appends a {@link DeploymentChange} and describes itself to the audit log.
 */
public final class DeploymentStore {
  /** Where Flyway finds the deployment tables (V70__deployments); part of every database open. */
  public static final String MIGRATIONS = SqlDatabases.SERVING_MIGRATIONS;
  public static final int DEFAULT_PAGE_SIZE = 100;
  public static final int MAX_PAGE_SIZE = 1000;
  /** The history's kind column (V70). */
  static final int MAX_KIND_LENGTH = 16;

  private final SqlDatabase db;
  private final ModelRegistryStore registry;

  public DeploymentStore(SqlDatabase db, ModelRegistryStore registry) {
    this.db = db;
    this.registry = registry;
  }

  /** Creates a deployment at version 1; RESOURCE_ALREADY_EXISTS when the name is taken. */
  public Deployment create(String name, DeploymentSpec spec) {
    Deployment.requireName(name);
    checkTargets(spec);
    String actor = actor();
    long now = System.currentTimeMillis();
    Deployment created = new Deployment(name, spec, 1, actor, now, actor, now);
    String after = Json.write(DeploymentJson.json(created));
    onUniqueViolation(() -> CairnException.exists("deployment '" + name + "' already exists"), () -> db.write(h -> {
      if (find(h, name).isPresent()) {
        throw CairnException.exists("deployment '" + name + "' already exists; change it with an update or delete"
            + " it first");
      }
      h.createUpdate("INSERT INTO deployments (name, description, spec, version, created_by, creation_time,"
              + " updated_by, update_time) VALUES (:name, :description, :spec, 1, :actor, :now, :actor, :now)")
          .bind("name", name).bind("description", spec.description())
          .bind("spec", Json.write(DeploymentJson.routing(spec))).bind("actor", actor).bind("now", now).execute();
      record(h, name, "create", actor, now, 1L, null, after);
      AuditScope.describe("deployment.create", AuditEvent.target("deployment", name), null, routingSummary(spec));
      return null;
    }));
    return created;
  }

  /** The deployment, or RESOURCE_DOES_NOT_EXIST. */
  public Deployment get(String name) {
    Deployment.requireName(name);
    return db.read(h -> find(h, name)).orElseThrow(() -> missing(name));
  }

  /** Every deployment's name (for the monitor scheduler and alert rules that watch all deployments). */
  public List<String> names() {
    List<String> names = new ArrayList<>();
    String token = null;
    do {
      Page<Deployment> page = list(MAX_PAGE_SIZE, token);
      page.items().forEach(d -> names.add(d.name()));
      token = page.nextPageToken();
    } while (token != null);
    return names;
  }

  /** Deployments by name, paged. */
  public Page<Deployment> list(int maxResults, String pageToken) {
    int size = pageSize(maxResults);
    long offset = PageTokens.decode(pageToken);
    List<Deployment> rows = db.read(h -> h.createQuery("SELECT * FROM deployments ORDER BY name LIMIT :limit"
            + " OFFSET :offset").bind("limit", size + 1).bind("offset", offset)
        .map((rs, ctx) -> deployment(rs)).list());
    return new Page<>(List.copyOf(rows.subList(0, Math.min(size, rows.size()))),
        rows.size() > size ? PageTokens.encode(offset + size) : null);
  }

  /**
   * Applies {@code patch} to the deployment if it is still at {@code expectedVersion}; the result is validated whole
   * and its version is one more. CONFLICT when the version moved on, RESOURCE_DOES_NOT_EXIST when it is gone.
   */
  public Deployment update(String name, long expectedVersion, DeploymentPatch patch) {
    Deployment current = get(name);
    requireVersion(current, expectedVersion);
    DeploymentSpec spec = patch.applyTo(current.spec());
    checkTargets(spec);
    return replace(current, spec, "update");
  }

  /**
   * Puts back the routing a deployment had after history entry {@code seq} (a create or an update), as a new update
   * of version {@code expectedVersion}; the targets must still exist.
   */
  public Deployment rollback(String name, long seq, long expectedVersion) {
    Deployment current = get(name);
    requireVersion(current, expectedVersion);
    DeploymentChange change = db.read(h -> h.createQuery("SELECT * FROM deployment_changes WHERE name = :name"
            + " AND seq = :seq").bind("name", name).bind("seq", seq).map((rs, ctx) -> change(rs)).findOne())
        .orElseThrow(() -> CairnException.notFound("deployment '" + name + "' has no history entry " + seq));
    if (change.after() == null) {
      throw CairnException.invalid("history entry " + seq + " of deployment '" + name + "' is a " + change.kind()
          + "; roll back to a create or an update");
    }
    DeploymentSpec spec = DeploymentJson.spec(DeploymentJson.parse(change.after()));
    checkTargets(spec);
    return replace(current, spec, "rollback");
  }

  /**
   * Replaces the spec of {@code current} (as read) with {@code spec}, recorded as history entry {@code kind} and audit
   * action {@code deployment.KIND} (the canary's steps: {@code canary.start}, {@code canary.ramp}...); CONFLICT when
   * the deployment moved on since it was read, so two servers never both take the same step.
   */
  public Deployment change(Deployment current, DeploymentSpec spec, String kind) {
    if (kind.length() > MAX_KIND_LENGTH) { // SQLite would take it; PostgreSQL's column would not
      throw new IllegalArgumentException("history kind '" + kind + "' is longer than " + MAX_KIND_LENGTH);
    }
    checkTargets(spec);
    return replace(current, spec, kind);
  }

  /**
   * Replaces the spec of {@code current} (as read) with {@code spec} that differs only in bookkeeping a decision reads
   * later (a canary's "held since"): a new version, so it is optimistic like every change (CONFLICT when the
   * deployment moved on), but no history entry and no audit event, since nothing was decided.
   */
  public Deployment note(Deployment current, DeploymentSpec spec) {
    return AuditScope.unaudited(() -> replace(current, spec, null));
  }

  private Deployment replace(Deployment current, DeploymentSpec spec, String kind) {
    String actor = actor();
    long now = System.currentTimeMillis();
    Deployment next = new Deployment(current.name(), spec, current.version() + 1, current.createdBy(),
        current.createdAt(), actor, now);
    String before = Json.write(DeploymentJson.json(current));
    String after = Json.write(DeploymentJson.json(next));
    onUniqueViolation(() -> concurrently(current.name()), () -> db.write(h -> {
      int changed = h.createUpdate("UPDATE deployments SET description = :description, spec = :spec,"
              + " version = :next, updated_by = :actor, update_time = :now WHERE name = :name AND version = :expected")
          .bind("description", spec.description()).bind("spec", Json.write(DeploymentJson.routing(spec)))
          .bind("next", next.version()).bind("actor", actor).bind("now", now).bind("name", current.name())
          .bind("expected", current.version()).execute();
      if (changed == 0) {
        throw find(h, current.name()).map(d -> conflict(d, current.version())).orElseGet(() -> missing(current.name()));
      }
      if (kind != null) {
        record(h, current.name(), kind, actor, now, next.version(), before, after);
        AuditScope.describe("deployment." + kind, AuditEvent.target("deployment", current.name()),
            routingSummary(current.spec()), routingSummary(spec));
      }
      return null;
    }));
    return next;
  }

  /** Deletes the deployment (its history stays); with {@code expectedVersion} only if it is still at that version. */
  public void delete(String name, Long expectedVersion) {
    Deployment current = get(name);
    if (expectedVersion != null) {
      requireVersion(current, expectedVersion);
    }
    String actor = actor();
    long now = System.currentTimeMillis();
    String before = Json.write(DeploymentJson.json(current));
    onUniqueViolation(() -> concurrently(name), () -> db.write(h -> {
      int changed = h.createUpdate("DELETE FROM deployments WHERE name = :name AND version = :version")
          .bind("name", name).bind("version", current.version()).execute();
      if (changed == 0) {
        throw find(h, name).map(d -> conflict(d, current.version())).orElseGet(() -> missing(name));
      }
      record(h, name, "delete", actor, now, null, before, null);
      AuditScope.describe("deployment.delete", AuditEvent.target("deployment", name), routingSummary(current.spec()),
          null);
      return null;
    }));
  }

  /** The deployment's history, newest first, paged; kept after a delete (empty for a name never used). */
  public Page<DeploymentChange> history(String name, int maxResults, String pageToken) {
    Deployment.requireName(name);
    int size = pageSize(maxResults);
    long offset = PageTokens.decode(pageToken);
    List<DeploymentChange> rows = db.read(h -> h.createQuery("SELECT * FROM deployment_changes WHERE name = :name"
            + " ORDER BY seq DESC LIMIT :limit OFFSET :offset")
        .bind("name", name).bind("limit", size + 1).bind("offset", offset).map((rs, ctx) -> change(rs)).list());
    return new Page<>(List.copyOf(rows.subList(0, Math.min(size, rows.size()))),
        rows.size() > size ? PageTokens.encode(offset + size) : null);
  }

  /**
   * Refuses a spec naming a model, version or alias the registry does not have, naming the field; a protected alias
   * is fine (it moves only through promotion, and the deployment follows it).
   */
  void checkTargets(DeploymentSpec spec) {
    for (int i = 0; i < spec.routes().size(); i++) {
      checkTarget("routes[" + i + "].target", spec.routes().get(i).target());
    }
    for (int i = 0; i < spec.shadows().size(); i++) {
      checkTarget("shadows[" + i + "]", spec.shadows().get(i));
    }
    if (spec.canary() != null && spec.canary().state().isActive()) { // a finished canary is history
      checkTarget("canary.target", spec.canary().target());
    }
  }

  private void checkTarget(String field, Target t) {
    try {
      DeploymentRouting.lookUp(registry, t);
    } catch (CairnException e) {
      if (e.code() != ErrorCode.RESOURCE_DOES_NOT_EXIST) {
        throw e;
      }
      throw CairnException.invalid("field '" + field + "' target " + t + " does not exist in the registry: "
          + e.getMessage());
    }
  }

  private static void requireVersion(Deployment current, long expectedVersion) {
    if (current.version() != expectedVersion) {
      throw conflict(current, expectedVersion);
    }
  }

  private static CairnException conflict(Deployment current, long expectedVersion) {
    return new CairnException(ErrorCode.CONFLICT, "deployment '" + current.name() + "' is at version "
        + current.version() + ", not the expected_version " + expectedVersion + " this change was based on; read it"
        + " again and retry");
  }

  private static CairnException concurrently(String name) {
    return new CairnException(ErrorCode.CONFLICT, "deployment '" + name + "' was changed by another request at the"
        + " same moment; read it again and retry");
  }

  /**
   * Runs a write; a unique-key violation (two writers passed the existence check at once, possible on PostgreSQL)
   * becomes {@code refusal}'s exception instead of an internal error.
   */
  private static <T> T onUniqueViolation(java.util.function.Supplier<CairnException> refusal,
      java.util.function.Supplier<T> write) {
    try {
      return write.get();
    } catch (CairnException e) {
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof SQLException sql && ("23505".equals(sql.getSQLState())
            || String.valueOf(sql.getMessage()).toLowerCase(java.util.Locale.ROOT).contains("unique constraint"))) {
          throw refusal.get();
        }
      }
      throw e;
    }
  }

  private static CairnException missing(String name) {
    return CairnException.notFound("deployment '" + name + "' does not exist");
  }

  private static void record(Handle h, String name, String kind, String actor, long now, Long version, String before,
      String after) {
    long seq = h.createQuery("SELECT COALESCE(MAX(seq), 0) + 1 FROM deployment_changes WHERE name = :name")
        .bind("name", name).mapTo(Long.class).one();
    h.createUpdate("INSERT INTO deployment_changes (name, seq, kind, actor, change_time, version, before_json,"
            + " after_json) VALUES (:name, :seq, :kind, :actor, :now, :version, :before, :after)")
        .bind("name", name).bind("seq", seq).bind("kind", kind).bind("actor", actor).bind("now", now)
        .bind("version", version).bind("before", before).bind("after", after).execute();
  }

  private static String routingSummary(DeploymentSpec spec) {
    return AuditScope.isRecording() ? Json.write(DeploymentJson.routing(spec)) : null;
  }

  /** Who is acting: the audited request's user, or {@code local} outside a request (tests, the CLI's own writes). */
  private static String actor() {
    AuditScope scope = AuditScope.current();
    return scope == null ? "local" : scope.actor();
  }

  private static Optional<Deployment> find(Handle h, String name) {
    return h.createQuery("SELECT * FROM deployments WHERE name = :name").bind("name", name)
        .map((rs, ctx) -> deployment(rs)).findOne();
  }

  private static Deployment deployment(ResultSet rs) throws SQLException {
    DeploymentSpec routing = DeploymentJson.spec(DeploymentJson.parse(rs.getString("spec")));
    DeploymentSpec spec = new DeploymentSpec(rs.getString("description"), routing.routes(), routing.shadows(),
        routing.sticky(), routing.canary());
    return new Deployment(rs.getString("name"), spec, rs.getLong("version"), rs.getString("created_by"),
        rs.getLong("creation_time"), rs.getString("updated_by"), rs.getLong("update_time"));
  }

  private static DeploymentChange change(ResultSet rs) throws SQLException {
    long version = rs.getLong("version");
    Long v = rs.wasNull() ? null : version;
    return new DeploymentChange(rs.getString("name"), rs.getLong("seq"), rs.getString("kind"), rs.getString("actor"),
        rs.getLong("change_time"), v, rs.getString("before_json"), rs.getString("after_json"));
  }

  private static int pageSize(int maxResults) {
    if (maxResults < 1 || maxResults > MAX_PAGE_SIZE) {
      throw CairnException.invalid("max_results is " + maxResults + "; it must be 1 to " + MAX_PAGE_SIZE);
    }
    return maxResults;
  }
}
