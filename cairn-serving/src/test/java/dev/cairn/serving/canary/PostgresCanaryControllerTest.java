package dev.cairn.serving.canary;

import dev.cairn.store.MetadataStores;
import dev.cairn.store.PostgresDatabases;
import dev.cairn.store.sql.SqlDatabase;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/** The canary controller on a real PostgreSQL, where two servers' checks really run at once: a database per test. */
class PostgresCanaryControllerTest extends CanaryControllerContract {
  private static PostgresDatabases postgres;

  @BeforeAll
  static void startServer() {
    postgres = PostgresDatabases.start("canaries", List.of());
  }

  @AfterAll
  static void stopServer() {
    if (postgres != null) {
      postgres.close();
    }
  }

  private String uri;
  private final List<SqlDatabase> servers = new ArrayList<>();

  @Override
  protected SqlDatabase newDatabase() {
    uri = postgres.uri(postgres.fresh());
    return MetadataStores.openDatabase(uri, List.of());
  }

  @Override
  protected SqlDatabase restartedDatabase(SqlDatabase current) {
    SqlDatabase second = MetadataStores.openDatabase(uri, List.of());
    servers.add(current); // the first server keeps running beside the second
    return second;
  }

  @AfterEach
  void closeOtherServers() {
    servers.forEach(SqlDatabase::close);
    servers.clear();
  }
}
