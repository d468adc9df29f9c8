package dev.cairn.store.audit;

import dev.cairn.core.CairnException;
import dev.cairn.core.Json;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Who is writing, and why: while a scope is {@linkplain #enter entered} on a thread, every write that thread
 * submits to a {@link dev.cairn.store.sql.SqlDatabase} (and the stores on it) appends one
 * {@link dev.cairn.audit.AuditEvent} in the same transaction as the write itself (on SQLite in the write's own
 * savepoint of the group commit): a write that fails leaves no event, and no event is left without its write.
 * Without a scope (internal writes, migrations, tests, command-line tools) nothing is recorded.
 *
 * <p>The scope is captured on the caller's thread when the write is submitted, because the write itself may run
 * on another thread (SQLite's single writer thread). While the write task runs, store code describes what it
 * changes with {@link #describe(String, String, String)} (target {@code kind:id}, small JSON summaries of the
 * state before and after; build them with {@link #summary}) or, for a named action such as
 * {@code registry.alias.set}, {@link #describe(String, String, String, String)}; the event's action otherwise is
 * the scope's (the HTTP route). These calls do nothing when the write is not audited, so stores call them
 * unconditionally; {@link #isRecording()} tells whether building an expensive summary is worth it. Example, inside
 * a write task of a registry store:
 *
 * <pre>{@code
 * db.write(h -> {
 *   ... UPDATE registered_model_aliases ...
 *   AuditScope.describe("registry.alias.set", AuditEvent.target("model", name + "/" + version),
 *       AuditScope.summary("alias", alias, "version", oldVersion), AuditScope.summary("alias", alias, "version", version));
 *   return null;
 * });
 * }</pre>
 *
 * Each write task records one event (the last description wins); a request that writes twice records two
 * events sharing its request id.
 */
public final class AuditScope {
  private static final ThreadLocal<Supplier<AuditScope>> CURRENT = new ThreadLocal<>();
  private static final ThreadLocal<Recording> RECORDING = new ThreadLocal<>();

  private final String actor;
  private final String requestId;
  private final String sourceAddress;
  private final String action;

  public AuditScope(String actor, String requestId, String sourceAddress, String action) {
    if (actor == null || actor.isEmpty()) {
      throw CairnException.invalid("audit scope actor is empty; use \"local\" when no user is signed in");
    }
    if (action == null || action.isEmpty()) {
      throw CairnException.invalid("audit scope action is empty; name the route or the action");
    }
    this.actor = actor;
    this.requestId = requestId;
    this.sourceAddress = sourceAddress;
    this.action = action;
  }

  public String actor() {
    return actor;
  }

  public String requestId() {
    return requestId;
  }

  public String sourceAddress() {
    return sourceAddress;
  }

  public String action() {
    return action;
  }

  /** Makes {@code scope} the one of every write this thread submits, until {@link #clear()} (or another enter). */
  public static void enter(AuditScope scope) {
    CURRENT.set(() -> scope);
  }

  /**
   * Makes {@code scope} the source of this thread's scope, asked each time a write is submitted (so the HTTP layer
   * can enter it before authentication has named the actor); it may answer null (not audited).
   */
  public static void enter(Supplier<AuditScope> scope) {
    CURRENT.set(scope);
  }

  /** Ends this thread's scope: its later writes are not audited. */
  public static void clear() {
    CURRENT.remove();
  }

  /**
   * Runs {@code work} with this thread's scope set aside: its writes are bookkeeping of the request itself (a
   * token's last use while signing in), not the change the request asks for, and must neither be recorded nor fix
   * the scope's actor before authentication has named it.
   */
  public static <T> T unaudited(Supplier<T> work) {
    Supplier<AuditScope> saved = CURRENT.get();
    CURRENT.remove();
    try {
      return work.get();
    } finally {
      if (saved != null) {
        CURRENT.set(saved);
      }
    }
  }

  /** This thread's scope, or null. */
  public static AuditScope current() {
    Supplier<AuditScope> scope = CURRENT.get();
    return scope == null ? null : scope.get();
  }

  /** Whether the write task running on this thread is audited (its description will be recorded). */
  public static boolean isRecording() {
    return RECORDING.get() != null;
  }

  /**
   * Names what the running write task changes: {@code target} as {@code kind:id} (see
   * {@link dev.cairn.audit.AuditEvent#target}), small JSON summaries of before and after (either may be null).
   * Does nothing outside an audited write task.
   */
  public static void describe(String target, String before, String after) {
    Recording r = RECORDING.get();
    if (r != null) {
      r.target = target;
      r.before = before;
      r.after = after;
    }
  }

  /** As {@link #describe(String, String, String)}, also naming the action (e.g. {@code registry.alias.set}). */
  public static void describe(String action, String target, String before, String after) {
    Recording r = RECORDING.get();
    if (r != null) {
      if (action == null || action.isEmpty()) {
        throw CairnException.invalid("audit action is empty; name the action, e.g. registry.alias.set");
      }
      r.action = action;
      describe(target, before, after);
    }
  }

  /**
   * A small JSON object of the given keys and values ({@code summary("name", "a", "stage", "active")}), for the
   * before and after of {@link #describe}; null values are left out. Returns null outside an audited write, so
   * callers pay nothing when no one records.
   */
  public static String summary(Object... keysAndValues) {
    if (!isRecording()) {
      return null;
    }
    if (keysAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("summary takes key, value pairs; got " + keysAndValues.length + " items");
    }
    Map<String, Object> fields = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      if (keysAndValues[i + 1] != null) {
        fields.put(String.valueOf(keysAndValues[i]), keysAndValues[i + 1]);
      }
    }
    return Json.write(fields);
  }

  /** A new description for one write task of this scope; the writer makes it the thread's while the task runs. */
  public Recording newRecording() {
    return new Recording(this);
  }

  /**
   * What one audited write task changed, filled in by {@link #describe} while the task runs. For the store's
   * writer (see {@code AuditingWriter}); not for use by stores.
   */
  public static final class Recording implements AutoCloseable {
    private final AuditScope scope;
    private String action;
    private String target;
    private String before;
    private String after;

    private Recording(AuditScope scope) {
      this.scope = scope;
      this.action = scope.action;
    }

    /** Starts (again: a retried task describes itself anew) collecting this task's description on this thread. */
    public Recording open() {
      action = scope.action;
      target = null;
      before = null;
      after = null;
      RECORDING.set(this);
      return this;
    }

    public AuditScope scope() {
      return scope;
    }

    public String action() {
      return action;
    }

    public String target() {
      return target;
    }

    public String before() {
      return before;
    }

    public String after() {
      return after;
    }

    @Override
    public void close() {
      RECORDING.remove();
    }
  }
}
