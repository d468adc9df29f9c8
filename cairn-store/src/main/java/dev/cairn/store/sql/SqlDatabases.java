package dev.cairn.store.sql;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.store.Dialect;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/** Opens SQL metadata stores: connection pools, pragmas, migrations, and the writer each database wants. */
public final class SqlDatabases {
  private static final String MIGRATIONS = "classpath:db/migration";

  private SqlDatabases() {}

  /**
   * A SQLite file in WAL mode: one writing connection owned by the writer thread, a small pool of readers.
   * Creates the parent directories.
   */
  public static SqlMetadataStore sqlite(Path file, String artifactRoot) {
    Path path = file.toAbsolutePath().normalize();
    try {
      if (path.getParent() != null) {
        Files.createDirectories(path.getParent());
      }
    } catch (IOException e) {
      throw new CairnException(ErrorCode.INTERNAL_ERROR, "cannot create the directory of SQLite file " + path, e);
    }
    String url = "jdbc:sqlite:" + path;
    Properties pragmas = new Properties();
    pragmas.setProperty(SQLiteConfig.Pragma.JOURNAL_MODE.pragmaName, "WAL");
    pragmas.setProperty(SQLiteConfig.Pragma.SYNCHRONOUS.pragmaName, "NORMAL");
    pragmas.setProperty(SQLiteConfig.Pragma.BUSY_TIMEOUT.pragmaName, "30000");
    pragmas.setProperty(SQLiteConfig.Pragma.FOREIGN_KEYS.pragmaName, "true");

    SQLiteConfig config = new SQLiteConfig(pragmas);
    SQLiteDataSource plain = new SQLiteDataSource(config);
    plain.setUrl(url);
    migrate(plain);

    // the writer touches index pages all over metrics_history (one per metric key): keep them in memory
    Properties writerPragmas = new Properties();
    writerPragmas.putAll(pragmas);
    writerPragmas.setProperty(SQLiteConfig.Pragma.CACHE_SIZE.pragmaName, "-65536");
    // checkpoints run on WalCheckpointer's thread, not inside the writer's commits; the writer checkpoints
    // itself only as a safety net when the log passes ~80 MiB (the checkpointer fell behind)
    writerPragmas.setProperty(SQLiteConfig.Pragma.WAL_AUTOCHECKPOINT.pragmaName, "20000");
    HikariDataSource writes = pool(url, writerPragmas, "cairn-sqlite-write", 1);
    HikariDataSource reads = pool(url, pragmas, "cairn-sqlite-read", 4);
    HikariDataSource checkpoints = pool(url, pragmas, "cairn-sqlite-checkpoint", 1);
    Writer writer = new SingleWriter(Jdbi.create(writes), path.getFileName().toString());
    WalCheckpointer checkpointer = new WalCheckpointer(Jdbi.create(checkpoints), path.getFileName().toString(), 500);
    return new SqlMetadataStore(Dialect.SQLITE, Jdbi.create(reads), writer, artifactRoot, () -> {
      checkpointer.close();
      checkpoints.close();
      reads.close();
      writes.close();
    });
  }

  /** PostgreSQL through a pool; each write is its own transaction. {@code jdbcUrl} starts with jdbc:postgresql:. */
  public static SqlMetadataStore postgres(String jdbcUrl, String artifactRoot) {
    HikariDataSource pool = pool(jdbcUrl, new Properties(), "cairn-postgres", 16);
    try {
      migrate(pool);
      Jdbi jdbi = Jdbi.create(pool);
      return new SqlMetadataStore(Dialect.POSTGRESQL, jdbi, new PooledWriter(jdbi), artifactRoot, pool);
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
  }

  private static HikariDataSource pool(String url, Properties props, String name, int size) {
    HikariConfig c = new HikariConfig();
    c.setJdbcUrl(url);
    c.setDataSourceProperties(props);
    c.setPoolName(name);
    c.setMaximumPoolSize(size);
    c.setMinimumIdle(Math.min(size, 1));
    c.setConnectionTimeout(30_000);
    return new HikariDataSource(c);
  }

  private static void migrate(DataSource ds) {
    Flyway.configure().dataSource(ds).locations(MIGRATIONS).load().migrate();
  }
}
