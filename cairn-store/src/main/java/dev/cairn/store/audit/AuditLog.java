package dev.cairn.store.audit;

import dev.cairn.audit.AuditEvent;
import dev.cairn.audit.AuditVerification;
import dev.cairn.core.CairnException;
import dev.cairn.store.Dialect;
import dev.cairn.store.sql.SqlDatabase;
import dev.cairn.tracking.Page;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * The audit log's tables ({@code audit_events}, and {@code audit_head}: the sequence and hash of the last event,
 * one row): appending inside a write's transaction, searching, and verifying the hash chain. Events are only
 * ever appended; nothing here changes or removes one. Every write of a thread inside an {@link AuditScope} is
 * appended by the database's writer (see {@link AuditScope} for how stores describe their writes).
 *
 * <p>Appending reads the head, inserts the event and moves the head in the write's transaction: on PostgreSQL the
 * head row's lock ({@code SELECT ... FOR UPDATE}, the task's last lock, so it closes no cycle) orders concurrent
 * writers into one chain; on SQLite the single writer already orders them.
 */
public final class AuditLog {
  /** The audit tables' migrations; every SQL database is migrated with them (see {@code SqlDatabases}). */
  public static final String MIGRATIONS = "classpath:db/audit";
  /** The largest page {@link #search} returns. */
  public static final int MAX_RESULTS = 1000;

  private static final String HEAD = "SELECT last_sequence, last_hash FROM audit_head WHERE id = 1";
  private static final String HEAD_LOCKED = HEAD + " FOR UPDATE";
  private static final String INSERT = "INSERT INTO audit_events (sequence, time_ms, actor, action, target,"
      + " before_json, after_json, request_id, source_address, previous_hash, hash)"
      + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  private static final String MOVE_HEAD = "UPDATE audit_head SET last_sequence = ?, last_hash = ? WHERE id = 1";
  private static final String COLUMNS = "sequence, time_ms, actor, action, target, before_json, after_json,"
      + " request_id, source_address, previous_hash, hash";

  /** Prepares (or reuses) a statement on a write task's connection: the writer's {@code statement}. */
  @FunctionalInterface
  public interface Statements {
    PreparedStatement prepare(Handle handle, String sql) throws SQLException;
  }

  /** An event to append, before it has a place in the chain. */
  public record Entry(long timeMs, String actor, String action, String target, String before, String after,
      String requestId, String sourceAddress) {}

  /**
   * A search: every filter is optional (null); {@code targetPrefix} matches targets starting with it
   * ({@code model:churn} finds {@code model:churn/3}); {@code fromMs} and {@code toMs} bound the time, both
   * inclusive. {@code pageToken} is the one the previous page returned.
   */
  public record Query(String actor, String targetPrefix, String action, Long fromMs, Long toMs, boolean newestFirst,
      int maxResults, String pageToken) {
    public Query {
      if (maxResults < 1 || maxResults > MAX_RESULTS) {
        throw CairnException.invalid("max_results " + maxResults + " is out of range; it must be 1 to " + MAX_RESULTS);
      }
      if (fromMs != null && toMs != null && fromMs > toMs) {
        throw CairnException.invalid("from " + fromMs + " is after to " + toMs + "; the time range is empty");
      }
    }
  }

  private final SqlDatabase db;

  public AuditLog(SqlDatabase db) {
    this.db = db;
  }

  /**
   * Appends the event {@code recording} describes to the chain, inside the write task that owns {@code handle}.
   * Called by the database's writer after the task's own work; not for stores.
   */
  public static void append(Handle handle, Dialect dialect, Statements statements, AuditScope.Recording recording)
      throws SQLException {
    AuditScope scope = recording.scope();
    appendAll(handle, dialect, statements, List.of(new Entry(System.currentTimeMillis(), scope.actor(),
        recording.action(), recording.target(), recording.before(), recording.after(), scope.requestId(),
        scope.sourceAddress())));
  }

  /**
   * Appends {@code entries} in order, in one transaction (one head read, a batch insert, one head update): for
   * imports and benchmarks, with the same chain code as every write.
   */
  public void appendAll(List<Entry> entries) {
    if (entries.isEmpty()) {
      return;
    }
    db.write(h -> {
      appendAll(h, db.dialect(), (handle, sql) -> {
        PreparedStatement ps = handle.getConnection().prepareStatement(sql);
        handle.addCleanable(ps::close);
        return ps;
      }, entries);
      return null;
    });
  }

  private static void appendAll(Handle h, Dialect dialect, Statements statements, List<Entry> entries)
      throws SQLException {
    long sequence;
    String previous;
    PreparedStatement head = statements.prepare(h, dialect == Dialect.POSTGRESQL ? HEAD_LOCKED : HEAD);
    try (ResultSet rs = head.executeQuery()) {
      if (!rs.next()) {
        throw new IllegalStateException("audit_head has no row; the audit migrations did not run");
      }
      sequence = rs.getLong(1);
      previous = rs.getString(2);
    }
    PreparedStatement insert = statements.prepare(h, INSERT);
    boolean batch = entries.size() > 1;
    for (Entry e : entries) {
      sequence++;
      String hash = AuditEvent.hashOf(previous, sequence, e.timeMs(), e.actor(), e.action(), e.target(), e.before(),
          e.after(), e.requestId(), e.sourceAddress());
      insert.setLong(1, sequence);
      insert.setLong(2, e.timeMs());
      insert.setString(3, e.actor());
      insert.setString(4, e.action());
      setNullable(insert, 5, e.target());
      setNullable(insert, 6, e.before());
      setNullable(insert, 7, e.after());
      setNullable(insert, 8, e.requestId());
      setNullable(insert, 9, e.sourceAddress());
      insert.setString(10, previous);
      insert.setString(11, hash);
      if (batch) {
        insert.addBatch();
      } else {
        insert.executeUpdate();
      }
      previous = hash;
    }
    if (batch) {
      insert.executeBatch();
    }
    PreparedStatement move = statements.prepare(h, MOVE_HEAD);
    move.setLong(1, sequence);
    move.setString(2, previous);
    move.executeUpdate();
  }

  private static void setNullable(PreparedStatement ps, int index, String value) throws SQLException {
    if (value == null) {
      ps.setNull(index, Types.VARCHAR);
    } else {
      ps.setString(index, value);
    }
  }

  /** One page of events matching {@code q}, in sequence order (newest or oldest first). */
  public Page<AuditEvent> search(Query q) {
    Long after = parseToken(q.pageToken());
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM audit_events WHERE 1 = 1");
    if (q.actor() != null) {
      sql.append(" AND actor = :actor");
    }
    if (q.action() != null) {
      sql.append(" AND action = :action");
    }
    if (q.targetPrefix() != null) {
      // substr, not LIKE: LIKE ignores case on SQLite but not on PostgreSQL, and would need '%' and '_' escaped
      sql.append(" AND substr(target, 1, :prefixLength) = :prefix");
    }
    if (q.fromMs() != null) {
      sql.append(" AND time_ms >= :fromMs");
    }
    if (q.toMs() != null) {
      sql.append(" AND time_ms <= :toMs");
    }
    if (after != null) {
      sql.append(q.newestFirst() ? " AND sequence < :after" : " AND sequence > :after");
    }
    sql.append(q.newestFirst() ? " ORDER BY sequence DESC" : " ORDER BY sequence").append(" LIMIT :limit");
    List<AuditEvent> rows = db.read(h -> {
      org.jdbi.v3.core.statement.Query query = h.createQuery(sql.toString());
      if (q.actor() != null) {
        query.bind("actor", q.actor());
      }
      if (q.action() != null) {
        query.bind("action", q.action());
      }
      if (q.targetPrefix() != null) {
        query.bind("prefix", q.targetPrefix()).bind("prefixLength", q.targetPrefix().length());
      }
      if (q.fromMs() != null) {
        query.bind("fromMs", q.fromMs());
      }
      if (q.toMs() != null) {
        query.bind("toMs", q.toMs());
      }
      if (after != null) {
        query.bind("after", after);
      }
      return query.bind("limit", q.maxResults() + 1).map((rs, ctx) -> event(rs)).list();
    });
    String next = null;
    if (rows.size() > q.maxResults()) {
      rows = rows.subList(0, q.maxResults());
      next = Long.toString(rows.get(rows.size() - 1).sequence());
    }
    return new Page<>(rows, next);
  }

  private static Long parseToken(String token) {
    if (token == null || token.isEmpty()) {
      return null;
    }
    try {
      long value = Long.parseLong(token);
      if (value >= 0) {
        return value;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw CairnException.invalid("page_token '" + token + "' is not one this API returned");
  }

  private static AuditEvent event(ResultSet rs) throws SQLException {
    return new AuditEvent(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5),
        rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(10), rs.getString(11));
  }

  /** The number of events, as the chain head counts them. */
  public long size() {
    return db.read(h -> h.createQuery("SELECT last_sequence FROM audit_head WHERE id = 1").mapTo(Long.class).one());
  }

  /**
   * Checks the whole chain in sequence order, in constant memory, in one read snapshot: each event's sequence
   * follows the previous one (else an event was removed), its previous hash is the previous event's hash (else
   * one was removed, replaced or moved), its hash is that of its fields (else it was changed), and the head names
   * the last event (else events at the end were removed). Names the first bad event.
   */
  public AuditVerification verify() {
    return db.read(h -> {
      try {
        return verify(h.getConnection(), db.dialect());
      } catch (SQLException e) {
        throw new CairnException(dev.cairn.core.ErrorCode.INTERNAL_ERROR, "reading the audit log failed: "
            + e.getMessage(), e);
      }
    });
  }

  private static AuditVerification verify(Connection c, Dialect dialect) throws SQLException {
    boolean autoCommit = c.getAutoCommit();
    int isolation = c.getTransactionIsolation();
    try {
      if (dialect == Dialect.POSTGRESQL) {
        // one snapshot for the head and the events (and a cursor, which PostgreSQL opens only in a transaction)
        c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      }
      c.setAutoCommit(false); // SQLite: a read transaction, so the head and the events come from one snapshot
      long headSequence;
      String headHash;
      try (PreparedStatement ps = c.prepareStatement(HEAD); ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return AuditVerification.failed(0, 0, "the chain head (table audit_head) has no row");
        }
        headSequence = rs.getLong(1);
        headHash = rs.getString(2);
      }
      long expected = 1;
      String previous = AuditEvent.GENESIS_HASH;
      try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM audit_events ORDER BY sequence")) {
        ps.setFetchSize(10_000);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            long sequence = rs.getLong(1);
            if (sequence != expected) {
              return AuditVerification.failed(expected - 1, expected, "event " + expected + " is missing (the next"
                  + " stored event is " + sequence + "): it was removed");
            }
            String previousHash = rs.getString(10);
            if (!previous.equals(previousHash)) {
              return AuditVerification.failed(expected - 1, sequence, "its previous hash does not match the hash of"
                  + " event " + (sequence - 1) + ": an event was removed, replaced or reordered");
            }
            String hash = AuditEvent.hashOf(previousHash, sequence, rs.getLong(2), rs.getString(3), rs.getString(4),
                rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9));
            if (!hash.equals(rs.getString(11))) {
              return AuditVerification.failed(expected - 1, sequence, "its hash does not match its content: the event"
                  + " was changed");
            }
            previous = hash;
            expected++;
          }
        }
      }
      long last = expected - 1;
      if (headSequence > last) {
        return AuditVerification.failed(last, last + 1, "event " + (last + 1) + " is missing: the chain head says the"
            + " last event is " + headSequence + " but the log ends at " + last + " (events at the end were removed)");
      }
      if (headSequence < last || !previous.equals(headHash)) {
        return AuditVerification.failed(last, last, "the chain head (sequence " + headSequence + ") does not match the"
            + " last event (sequence " + last + "): the head or the end of the log was changed");
      }
      return AuditVerification.passed(last);
    } finally {
      try {
        c.rollback();
      } finally {
        c.setAutoCommit(autoCommit);
        if (dialect == Dialect.POSTGRESQL) {
          c.setTransactionIsolation(isolation);
        }
      }
    }
  }
}
