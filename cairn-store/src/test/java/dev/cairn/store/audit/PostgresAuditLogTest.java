package dev.cairn.store.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.audit.AuditVerification;
import dev.cairn.store.MetadataStores;
import dev.cairn.store.sql.SqlDatabase;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The audit contract on a real PostgreSQL: concurrent pooled transactions serialise on the chain head's row. */
class PostgresAuditLogTest extends AuditLogContract {
  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static EmbeddedPostgres postgres;
  private String database;

  @BeforeAll
  static void startServer() throws IOException {
    postgres = EmbeddedPostgres.start();
    execute("CREATE DATABASE audit_template");
    MetadataStores.openDatabase(uri("audit_template"), List.of()).close();
  }

  @AfterAll
  static void stopServer() throws IOException {
    if (postgres != null) {
      postgres.close();
    }
  }

  private static String uri(String db) {
    return "postgresql://localhost:" + postgres.getPort() + "/" + db + "?user=postgres";
  }

  private static void execute(String sql) {
    try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  protected String newDatabaseUri() {
    database = "audit_" + DATABASES.incrementAndGet();
    execute("CREATE DATABASE " + database + " TEMPLATE audit_template");
    return uri(database);
  }

  @Test
  void verifyRunsOnAReadOnlyOpenThatRefusesWrites() {
    AuditScope.enter(new AuditScope("ada", null, null, "POST /x"));
    store.createExperiment("ro", null, List.of());
    AuditScope.clear();
    try (SqlDatabase readOnly = MetadataStores.openDatabaseReadOnly(uri(database), "only reading")) {
      assertThat(new AuditLog(readOnly).verify()).isEqualTo(AuditVerification.passed(1));
      assertThatThrownBy(() -> readOnly.write(h -> h.execute("DELETE FROM audit_events")))
          .hasMessageContaining("only reading");
    }
    assertThat(log.size()).isEqualTo(1);
  }

  @Override
  protected Connection direct() throws SQLException {
    return postgres.getDatabase("postgres", database).getConnection();
  }
}
