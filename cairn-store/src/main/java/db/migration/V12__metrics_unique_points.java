package db.migration;

import java.sql.Statement;
import java.util.Locale;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * A metric point is identified by all of (run, key, step, timestamp, is_nan, value), as MLflow's metrics table keys
 * it: a retried log-batch (the SDK retries a 503) must not store a point twice, and the writer's
 * {@code INSERT ... ON CONFLICT DO NOTHING} relies on this key. Existing duplicates are folded into one.
 *
 * <p>Java, not SQL, for one dialect difference: on SQLite the table is {@code WITHOUT ROWID}, so each point is
 * stored once, in its key's b-tree, instead of once in the table and again in the covering history index of V11
 * (half the bytes written per point, and get-history still reads one b-tree in order). PostgreSQL keeps a heap
 * and the primary key's index. Flyway finds this class beside the SQL migrations ({@code classpath:db/migration}).
 */
public class V12__metrics_unique_points extends BaseJavaMigration {
  @Override
  public void migrate(Context context) throws Exception {
    boolean sqlite = context.getConnection().getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT)
        .contains("sqlite");
    try (Statement s = context.getConnection().createStatement()) {
      s.execute("""
          CREATE TABLE metrics_unique (
            run_id    CHAR(32)         NOT NULL,
            key       VARCHAR(250)     NOT NULL,
            step      BIGINT           NOT NULL,
            timestamp BIGINT           NOT NULL,
            value     DOUBLE PRECISION NOT NULL,
            is_nan    SMALLINT         NOT NULL,
            CONSTRAINT metrics_pk PRIMARY KEY (run_id, key, step, timestamp, is_nan, value)
          )""" + (sqlite ? " WITHOUT ROWID" : ""));
      s.execute("""
          INSERT INTO metrics_unique (run_id, key, step, timestamp, value, is_nan)
            SELECT DISTINCT run_id, key, step, timestamp, value, is_nan FROM metrics""");
      s.execute("DROP TABLE metrics");
      s.execute("ALTER TABLE metrics_unique RENAME TO metrics");
      if (!sqlite) {
        s.execute("ALTER INDEX metrics_pk RENAME TO metrics_history");
      }
    }
  }
}
