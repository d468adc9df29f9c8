package dev.cairn.store.search;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.cairn.store.Dialect;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The search SQL on a real embedded PostgreSQL migrated by Flyway. */
class PostgresSearchSqlTest extends SearchSqlContract {
  private static EmbeddedPostgres postgres;
  private static HikariDataSource pool;
  private static Jdbi jdbi;

  @BeforeAll
  static void start() throws IOException {
    postgres = EmbeddedPostgres.start();
    Flyway.configure().dataSource(postgres.getPostgresDatabase()).locations("classpath:db/migration").load()
        .migrate();
    HikariConfig config = new HikariConfig();
    config.setDataSource(postgres.getPostgresDatabase());
    config.setMaximumPoolSize(2);
    pool = new HikariDataSource(config);
    jdbi = Jdbi.create(pool);
  }

  @AfterAll
  static void stop() throws IOException {
    pool.close();
    postgres.close();
  }

  @Override
  protected Jdbi jdbi() {
    return jdbi;
  }

  @Override
  protected Dialect dialect() {
    return Dialect.POSTGRESQL;
  }
}
