package dev.cairn.store.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.audit.AuditVerification;
import dev.cairn.store.MetadataStores;
import dev.cairn.store.PostgresDatabases;
import dev.cairn.store.sql.SqlDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The audit contract on a real PostgreSQL: concurrent pooled transactions serialise on the chain head's row. */
class PostgresAuditLogTest extends AuditLogContract {
  private static PostgresDatabases postgres;
  private String database;

  @BeforeAll
  static void startServer() {
    postgres = PostgresDatabases.start("audit", List.of());
  }

  @AfterAll
  static void stopServer() {
    if (postgres != null) {
      postgres.close();
    }
  }

  @Override
  protected String newDatabaseUri() {
    database = postgres.fresh();
    return postgres.uri(database);
  }

  @Test
  void verifyRunsOnAReadOnlyOpenThatRefusesWrites() {
    AuditScope.enter(new AuditScope("ada", null, null, "POST /x"));
    store.createExperiment("ro", null, List.of());
    AuditScope.clear();
    try (SqlDatabase readOnly = MetadataStores.openDatabaseReadOnly(postgres.uri(database), "only reading")) {
      assertThat(new AuditLog(readOnly).verify()).isEqualTo(AuditVerification.passed(1));
      assertThatThrownBy(() -> readOnly.write(h -> h.execute("DELETE FROM audit_events")))
          .hasMessageContaining("only reading");
    }
    assertThat(log.size()).isEqualTo(1);
  }

  @Override
  protected Connection direct() throws SQLException {
    return postgres.connect(database);
  }
}
