package dev.cairn.store.registry;

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

/** The registry contract on a real PostgreSQL (pooled writers, row locks): a fresh database per test. */
class PostgresModelRegistryStoreTest extends PromotionStoreContract {
  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static EmbeddedPostgres postgres;
  private SqlDatabase db;

  @BeforeAll
  static void startServer() throws IOException {
    postgres = EmbeddedPostgres.start();
    execute("CREATE DATABASE registry_template");
    MetadataStores.openDatabase(url("registry_template"), List.of(ModelRegistryStore.MIGRATIONS)).close();
  }

  private static String url(String db) {
    return "postgresql://localhost:" + postgres.getPort() + "/" + db + "?user=postgres";
  }

  private static void execute(String sql) {
    try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  @AfterAll
  static void stopServer() throws IOException {
    if (postgres != null) {
      postgres.close();
    }
  }

  @Override
  protected ModelRegistryStore newStore() {
    String name = "registry_" + DATABASES.incrementAndGet();
    execute("CREATE DATABASE " + name + " TEMPLATE registry_template");
    db = MetadataStores.openDatabase(url(name), List.of(ModelRegistryStore.MIGRATIONS));
    return ModelRegistryStore.on(db);
  }

  @Override
  protected ModelVersionManifests manifests() {
    return new ModelVersionManifests(db);
  }

  @Override
  protected PromotionStore promotionStore() {
    return PromotionStore.on(db);
  }

  @Override
  protected void closeStore() {
    store.close();
    db.close();
  }
}
