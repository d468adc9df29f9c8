package dev.cairn.store.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.store.sql.SchemaState.Migration;
import dev.cairn.store.sql.SchemaState.State;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

/**
 * Opening a database skips Flyway only when its history lists exactly the build's migrations with Flyway's own
 * checksums; anything else (a module's migrations not yet applied, a newer database, a changed migration) still goes
 * through Flyway, which migrates or refuses as it always did. Read-only opens never migrate and say why they refuse.
 */
class SchemaStateTest {
  private static final String PROBE = "classpath:db/schema-state-probe";

  @TempDir Path dir;

  @Test
  void theListedMigrationsAreWhatFlywayRecordedWithTheSameChecksums() throws Exception {
    Path file = dir.resolve("a.db");
    SqlDatabases.sqlite(file, List.of(PROBE)).close(); // a fresh file: Flyway migrates
    List<Migration> listed = SchemaState.onClasspath(SqlDatabases.locations(List.of(PROBE)),
        getClass().getClassLoader()).orElseThrow();
    assertThat(listed).extracting(Migration::type).contains("SQL", "JDBC");
    assertThat(listed).containsExactlyInAnyOrderElementsOf(history(file));
    assertThat(SchemaState.of(dataSource(file), SqlDatabases.locations(List.of(PROBE))).state())
        .isEqualTo(State.CURRENT);
  }

  @Test
  void reopeningAnUpToDateDatabaseRunsOneQueryInsteadOfFlyway() throws Exception {
    Path file = dir.resolve("b.db");
    CountingDataSource fresh = new CountingDataSource(dataSource(file));
    SqlDatabases.migrate(fresh, List.of(), "test");
    assertThat(fresh.connections.get()).as("Flyway's connections on a fresh file").isGreaterThan(1);

    CountingDataSource current = new CountingDataSource(dataSource(file));
    SqlDatabases.migrate(current, List.of(), "test");
    assertThat(current.connections.get()).as("connections when nothing is to be done").isEqualTo(1);
  }

  @Test
  void aModulesMigrationsNotYetAppliedAreStillAppliedByFlyway() throws Exception {
    Path file = dir.resolve("c.db");
    SqlDatabases.sqlite(file, List.of()).close();
    assertThat(SchemaState.of(dataSource(file), SqlDatabases.locations(List.of(PROBE))).state())
        .isEqualTo(State.BEHIND);

    SqlDatabases.sqlite(file, List.of(PROBE)).close();

    assertThat(tables(file)).contains("schema_state_probe");
    assertThat(SchemaState.of(dataSource(file), SqlDatabases.locations(List.of(PROBE))).state())
        .isEqualTo(State.CURRENT);
  }

  @Test
  void aDatabaseNewerThanTheBuildIsStillRefused() {
    Path file = dir.resolve("d.db");
    SqlDatabases.sqlite(file, List.of(PROBE)).close();
    assertThat(SchemaState.of(dataSource(file), SqlDatabases.locations(List.of())).state()).isEqualTo(State.AHEAD);

    assertThatThrownBy(() -> SqlDatabases.sqlite(file, List.of()))
        .isInstanceOf(CairnException.class)
        .hasMessageContaining("migrating SQLite file")
        .hasMessageContaining("9000");
  }

  @Test
  void aChangedMigrationIsStillRefusedByFlywaysValidation() throws Exception {
    assertDifferentAndRefused("UPDATE flyway_schema_history SET checksum = checksum + 1 WHERE version = '1'",
        "checksum");
  }

  @Test
  void aFailedMigrationRecordedInTheHistoryIsNotSkipped() throws Exception {
    assertDifferentAndRefused("UPDATE flyway_schema_history SET success = 0 WHERE version = '13'", "failed");
  }

  /** After {@code tampering} with a migrated file's history, it is not current and Flyway refuses to open it. */
  private void assertDifferentAndRefused(String tampering, String message) throws Exception {
    Path file = dir.resolve("tampered.db");
    SqlDatabases.sqlite(file, List.of()).close();
    execute(file, tampering);
    assertThat(SchemaState.of(dataSource(file), SqlDatabases.locations(List.of())).state())
        .isEqualTo(State.DIFFERENT);

    assertThatThrownBy(() -> SqlDatabases.sqlite(file, List.of())).isInstanceOf(CairnException.class)
        .hasMessageContaining(message);
  }

  @Test
  void onPostgresqlAnUpToDateDatabaseIsCurrentAndAChangedOneStillRefused() throws Exception {
    try (EmbeddedPostgres pg = EmbeddedPostgres.start()) {
      String jdbc = pg.getJdbcUrl("postgres", "postgres");
      SqlDatabases.postgres(jdbc, List.of(PROBE)).close(); // Flyway migrates the empty database
      assertThat(SchemaState.of(pg.getPostgresDatabase(), SqlDatabases.locations(List.of(PROBE))).state())
          .isEqualTo(State.CURRENT);
      CountingDataSource current = new CountingDataSource(pg.getPostgresDatabase());
      SqlDatabases.migrate(current, List.of(PROBE), "test");
      assertThat(current.connections.get()).as("connections when nothing is to be done").isEqualTo(1);
      SqlDatabases.postgres(jdbc, List.of(PROBE)).close(); // reopened without Flyway

      try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
        s.execute("UPDATE flyway_schema_history SET checksum = checksum + 1 WHERE version = '9000'");
      }
      assertThat(SchemaState.of(pg.getPostgresDatabase(), SqlDatabases.locations(List.of(PROBE))).state())
          .isEqualTo(State.DIFFERENT);
      assertThatThrownBy(() -> SqlDatabases.postgres(jdbc, List.of(PROBE))).isInstanceOf(CairnException.class)
          .hasMessageContaining("checksum");
    }
  }

  @Test
  void anotherModulesAppliedMigrationsOlderThanTheBuildsNewestDoNotStopTheSkip() {
    List<Migration> known = List.of(new Migration("1", "a", "SQL", 5), new Migration("13", "b", "JDBC", null));
    List<Migration> applied = new ArrayList<>(known);
    applied.add(new Migration("10", "other module", "SQL", 7));
    assertThat(SchemaState.compare(known, applied).state()).isEqualTo(State.CURRENT);
    applied.add(new Migration("13.1", "newer", "SQL", 8));
    assertThat(SchemaState.compare(known, applied).state()).isEqualTo(State.AHEAD);
    assertThat(SchemaState.compare(known, List.of(new Migration("1.0", "a", "SQL", 5))).state())
        .isEqualTo(State.BEHIND);
    assertThat(SchemaState.compare(known, List.of(new Migration("1", "renamed", "SQL", 5), known.get(1))).state())
        .isEqualTo(State.DIFFERENT);
  }

  @Test
  void aLocationWithNothingFoundOrAFileNotReadLeavesTheDecisionToFlyway() {
    ClassLoader loader = getClass().getClassLoader();
    assertThat(SchemaState.onClasspath(List.of("classpath:db/no-such-folder"), loader)).isEmpty();
    assertThat(SchemaState.onClasspath(List.of("filesystem:/tmp/migrations"), loader)).isEmpty();
    assertThat(SchemaState.onClasspath(List.of(PROBE), loader)).isPresent();
  }

  @Test
  void checksumsIgnoreLineEndingsAndAByteOrderMark() throws Exception {
    int lf = SchemaState.checksum(stream("CREATE TABLE t (a INT);\nSELECT 1;\n"));
    assertThat(SchemaState.checksum(stream("CREATE TABLE t (a INT);\r\nSELECT 1;\r\n"))).isEqualTo(lf);
    assertThat(SchemaState.checksum(stream("\uFEFFCREATE TABLE t (a INT);\nSELECT 1;"))).isEqualTo(lf);
    assertThat(SchemaState.checksum(stream("CREATE TABLE t (b INT);\nSELECT 1;\n"))).isNotEqualTo(lf);
  }

  @Test
  void aReadOnlyOpenOfAnUpToDateFileReadsAndRefusesWrites() throws Exception {
    Path file = dir.resolve("g.db");
    SqlDatabases.sqlite(file, List.of()).close();
    execute(file, "INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, "
        + "last_update_time) VALUES (7, 'kept', 'file:/tmp', 'active', 0, 0)");
    Optional<SqlDatabase> opened = SqlDatabases.sqliteIfCurrent(file, List.of(), "reads only");
    assertThat(opened).isPresent();
    try (SqlDatabase db = opened.get()) {
      String name = db.read(h -> h.createQuery("SELECT name FROM experiments").mapTo(String.class).one());
      assertThat(name).isEqualTo("kept");
      assertThatThrownBy(() -> db.write(h -> h.execute("DELETE FROM experiments")))
          .isInstanceOf(CairnException.class).hasMessage("reads only");
    }
    assertThat(tables(file)).contains("experiments");
  }

  @Test
  void aReadOnlyOpenNeverMigratesAndNamesWhatToDo() {
    Path older = dir.resolve("h.db");
    SqlDatabases.sqlite(older, List.of()).close();
    assertThatThrownBy(() -> SqlDatabases.sqliteIfCurrent(older, List.of(PROBE), "x"))
        .isInstanceOf(CairnException.class)
        .satisfies(e -> assertThat(((CairnException) e).code()).isEqualTo(ErrorCode.INVALID_STATE))
        .hasMessageContaining("older Cairn").hasMessageContaining("9000").hasMessageContaining("cairn server");
    assertThat(SchemaState.of(dataSource(older), SqlDatabases.locations(List.of(PROBE))).state())
        .as("still not migrated").isEqualTo(State.BEHIND);

    Path newer = dir.resolve("i.db");
    SqlDatabases.sqlite(newer, List.of(PROBE)).close();
    assertThatThrownBy(() -> SqlDatabases.sqliteIfCurrent(newer, List.of(), "x"))
        .isInstanceOf(CairnException.class).hasMessageContaining("newer Cairn").hasMessageContaining("9000");

    Path missing = dir.resolve("none/j.db");
    assertThat(SqlDatabases.sqliteIfCurrent(missing, List.of(), "x")).isEmpty();
    assertThat(Files.exists(missing.getParent())).isFalse();
  }

  private static ByteArrayInputStream stream(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
  }

  private static DataSource dataSource(Path file) {
    SQLiteDataSource ds = new SQLiteDataSource();
    ds.setUrl("jdbc:sqlite:" + file);
    return ds;
  }

  private static void execute(Path file, String sql) throws SQLException {
    try (Connection c = dataSource(file).getConnection(); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static List<Migration> history(Path file) throws SQLException {
    List<Migration> rows = new ArrayList<>();
    try (Connection c = dataSource(file).getConnection(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT version, description, type, checksum FROM flyway_schema_history")) {
      while (r.next()) {
        Object checksum = r.getObject("checksum");
        rows.add(new Migration(r.getString(1), r.getString(2), r.getString(3),
            checksum == null ? null : ((Number) checksum).intValue()));
      }
    }
    return rows;
  }

  private static List<String> tables(Path file) throws SQLException {
    List<String> names = new ArrayList<>();
    try (Connection c = dataSource(file).getConnection(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table'")) {
      while (r.next()) {
        names.add(r.getString(1));
      }
    }
    return names;
  }

  /** A data source that counts the connections taken from it: Flyway takes several, the schema check one. */
  private static final class CountingDataSource implements DataSource {
    final AtomicInteger connections = new AtomicInteger();
    private final DataSource inner;

    CountingDataSource(DataSource inner) {
      this.inner = inner;
    }

    @Override
    public Connection getConnection() throws SQLException {
      connections.incrementAndGet();
      return inner.getConnection();
    }

    @Override
    public Connection getConnection(String user, String password) throws SQLException {
      connections.incrementAndGet();
      return inner.getConnection(user, password);
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
      return inner.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
      inner.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
      inner.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
      return inner.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
      return inner.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
      return inner.unwrap(type);
    }

    @Override
    public boolean isWrapperFor(Class<?> type) throws SQLException {
      return inner.isWrapperFor(type);
    }
  }
}
