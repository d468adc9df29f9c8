package dev.cairn.store.identity;

import dev.cairn.store.MetadataStores;
import dev.cairn.store.PostgresDatabases;
import dev.cairn.store.sql.SqlDatabase;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The identity contract on a real PostgreSQL: one embedded server for the class, a fresh database per test. */
class PostgresIdentityStoreTest extends IdentityStoreContract {
  private static PostgresDatabases postgres;

  @BeforeAll
  static void startServer() {
    postgres = PostgresDatabases.start("identity", List.of(IdentityStore.MIGRATIONS));
  }

  @AfterAll
  static void stopServer() {
    if (postgres != null) {
      postgres.close();
    }
  }

  @Override
  protected SqlDatabase newDatabase() {
    return MetadataStores.openDatabase(postgres.uri(postgres.fresh()), List.of(IdentityStore.MIGRATIONS));
  }
}
