package dev.cairn.store.sql;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.store.Dialect;
import dev.cairn.store.registry.ModelRegistryStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * Opens SQL databases: connection pools, pragmas, the writer each database wants, and one Flyway run over the
 * migrations of every module whose tables live in the database.
 */
public final class SqlDatabases {
  /** The tracking tables' migrations (this module's); other modules bring their own locations. */
  public static final String TRACKING_MIGRATIONS = "classpath:db/migration";
  /**
   * This module's own locations, applied by every open whatever modules the caller names: a tracking-only process
   * would otherwise refuse a database the server migrated (a registry migration numbered above tracking's newest
   * reads to Flyway as one from a newer Cairn). The audit log is among them since every writer may append events.
   */
  /**
   * The pipeline tables (cairn-pipeline's PipelineStore) live here, not in that module: every opener of a database
   * must know every migration the server applies, or Flyway takes the newest for one "made by a newer Cairn".
   */
  public static final String PIPELINE_MIGRATIONS = "classpath:db/pipeline";
  /** The deployment tables (cairn-serving's DeploymentStore) live here for the same reason as the pipeline ones. */
  public static final String SERVING_MIGRATIONS = "classpath:db/serving";
  static final List<String> STORE_MIGRATIONS = List.of(TRACKING_MIGRATIONS,
      dev.cairn.store.loggedmodels.LoggedModelStore.MIGRATIONS, ModelRegistryStore.MIGRATIONS,
      dev.cairn.store.identity.IdentityStore.MIGRATIONS, dev.cairn.store.audit.AuditLog.MIGRATIONS,
      dev.cairn.store.webhooks.WebhookStore.MIGRATIONS, PIPELINE_MIGRATIONS, SERVING_MIGRATIONS);

  private SqlDatabases() {}

  /** The tracking store on an open database; the store owns it from now on (closing the store closes it). */
  public static SqlMetadataStore metadataStore(SqlDatabase db, String artifactRoot) {
    try {
      return new SqlMetadataStore(db.dialect(), db.readers(), db.writer(), artifactRoot, db);
    } catch (RuntimeException e) {
      db.close();
      throw e;
    }
  }

  /**
   * A SQLite file in WAL mode: one writing connection owned by the writer thread, a small pool of readers.
   * Creates the parent directories, then migrates with the tracking migrations and {@code moduleMigrations}.
   */
  public static SqlDatabase sqlite(Path file, List<String> moduleMigrations) {
    Path path = file.toAbsolutePath().normalize();
    try {
      if (path.getParent() != null) {
        Files.createDirectories(path.getParent());
      }
    } catch (IOException e) {
      throw new CairnException(ErrorCode.INTERNAL_ERROR, "cannot create the directory of SQLite file " + path, e);
    }
    String url = "jdbc:sqlite:" + path;
    Properties pragmas = readerPragmas();
    SQLiteConfig config = new SQLiteConfig(pragmas);
    SQLiteDataSource plain = new SQLiteDataSource(config);
    plain.setUrl(url);
    migrate(plain, moduleMigrations, "SQLite file " + path);

    List<AutoCloseable> opened = new ArrayList<>();
    try {
      HikariDataSource writes = track(opened, pool(url, writerPragmas(), "cairn-sqlite-write", 1));
      HikariDataSource reads = track(opened, pool(url, pragmas, "cairn-sqlite-read", 4));
      HikariDataSource checkpoints = track(opened, pool(url, pragmas, "cairn-sqlite-checkpoint", 1));
      Writer writer = track(opened, new SingleWriter(Jdbi.create(writes), path.getFileName().toString()));
      // every 100 ms: the log stays short, so the writer restarts it sooner; 1,000-point log-batches ran 8 to 11%
      // faster than with 500 ms in five alternated pairs (docs/benchmarks.md); idle, a checkpoint copies nothing
      WalCheckpointer checkpointer = track(opened,
          new WalCheckpointer(Jdbi.create(checkpoints), path.getFileName().toString(), WalCheckpointer.PERIOD_MILLIS));
      return new SqlDatabase(Dialect.SQLITE, Jdbi.create(reads), writer, () -> {
        checkpointer.close();
        checkpoints.close();
        reads.close();
        writes.close();
      });
    } catch (RuntimeException e) {
      // whatever opened before the failure (pools, the writer's thread) must not outlive it
      for (int i = opened.size() - 1; i >= 0; i--) {
        try {
          opened.get(i).close();
        } catch (Exception suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw e;
    }
  }

  /**
   * A SQLite file another process owns (a server holding its data folder), opened for reading only: no
   * migration, no writer thread, read-only connections; every write fails with {@code writesRefused}.
   */
  public static SqlDatabase sqliteReadOnly(Path file, String writesRefused) {
    Path path = file.toAbsolutePath().normalize();
    if (!Files.isRegularFile(path)) {
      throw CairnException.notFound("SQLite file " + path + " does not exist");
    }
    Properties pragmas = new Properties();
    pragmas.setProperty(SQLiteConfig.Pragma.BUSY_TIMEOUT.pragmaName, "30000");
    pragmas.setProperty(SQLiteConfig.Pragma.OPEN_MODE.pragmaName, Integer.toString(
        org.sqlite.SQLiteOpenMode.READONLY.flag));
    HikariConfig c = poolConfig("jdbc:sqlite:" + path, pragmas, "cairn-sqlite-read-only", 2);
    c.setReadOnly(true); // else the pool resets each connection to read-write, which SQLite refuses
    HikariDataSource reads;
    try {
      reads = new HikariDataSource(c);
    } catch (RuntimeException e) {
      throw new CairnException(ErrorCode.INTERNAL_ERROR, "cannot open SQLite file " + path + " for reading: "
          + e.getMessage(), e);
    }
    return new SqlDatabase(Dialect.SQLITE, Jdbi.create(reads), new RefusingWriter(writesRefused), reads);
  }

  /**
   * A SQLite file opened for a command that only reads, without migrating it: no pool, no writer thread, no
   * Flyway; each read opens a read-only connection (cheap on SQLite) and every write fails with
   * {@code writesRefused}. The schema must be exactly this build's (tracking and {@code moduleMigrations}): an
   * older or newer one is refused with what to do. Empty when the file does not exist or its schema cannot be
   * judged without Flyway (open it with {@link #sqlite} then, as a writing command would).
   */
  public static Optional<SqlDatabase> sqliteIfCurrent(Path file, List<String> moduleMigrations,
      String writesRefused) {
    Path path = file.toAbsolutePath().normalize();
    if (!Files.isRegularFile(path)) {
      return Optional.empty();
    }
    Properties pragmas = new Properties();
    pragmas.setProperty(SQLiteConfig.Pragma.BUSY_TIMEOUT.pragmaName, "30000");
    pragmas.setProperty(SQLiteConfig.Pragma.OPEN_MODE.pragmaName, Integer.toString(
        org.sqlite.SQLiteOpenMode.READONLY.flag));
    SQLiteDataSource reads = new SQLiteDataSource(new SQLiteConfig(pragmas));
    reads.setUrl("jdbc:sqlite:" + path);
    SchemaState schema = SchemaState.of(reads, locations(moduleMigrations));
    String where = "the database " + path;
    return switch (schema.state()) {
      case CURRENT -> Optional.of(new SqlDatabase(Dialect.SQLITE, Jdbi.create(reads),
          new RefusingWriter(writesRefused), () -> {}));
      case BEHIND -> throw new CairnException(ErrorCode.INVALID_STATE, where + " was last migrated by an older "
          + "Cairn (" + schema.detail() + "); this command only reads and does not migrate: run `cairn server` "
          + "or a writing command (e.g. `cairn data add`) once to migrate it");
      case AHEAD -> throw new CairnException(ErrorCode.INVALID_STATE, where + " was migrated by a newer Cairn ("
          + schema.detail() + "); use that version of Cairn");
      case DIFFERENT -> throw new CairnException(ErrorCode.INVALID_STATE, where + " does not match this Cairn's "
          + "migrations: " + schema.detail());
      case UNKNOWN -> Optional.empty();
    };
  }

  private static <T extends AutoCloseable> T track(List<AutoCloseable> opened, T resource) {
    opened.add(resource);
    return resource;
  }

  /** Pragmas of every SQLite connection: WAL, a busy timeout (never an instant SQLITE_BUSY), foreign keys. */
  static Properties readerPragmas() {
    Properties pragmas = new Properties();
    pragmas.setProperty(SQLiteConfig.Pragma.JOURNAL_MODE.pragmaName, "WAL");
    pragmas.setProperty(SQLiteConfig.Pragma.SYNCHRONOUS.pragmaName, "NORMAL");
    pragmas.setProperty(SQLiteConfig.Pragma.BUSY_TIMEOUT.pragmaName, "30000");
    pragmas.setProperty(SQLiteConfig.Pragma.FOREIGN_KEYS.pragmaName, "true");
    // pages read through a memory map instead of a read() call each: an ordered search touches thousands
    pragmas.setProperty(SQLiteConfig.Pragma.MMAP_SIZE.pragmaName, Long.toString(256L << 20));
    return pragmas;
  }

  /**
   * The writer's pragmas. Its transactions begin IMMEDIATE: a deferred one takes a read snapshot first and,
   * if another connection commits before its first write, fails with SQLITE_BUSY at once, which no busy
   * timeout retries; IMMEDIATE takes the write lock up front, waiting under the busy timeout.
   */
  static Properties writerPragmas() {
    Properties pragmas = readerPragmas();
    // the writer touches leaf pages all over metric_points (one per metric series): keep them in memory
    pragmas.setProperty(SQLiteConfig.Pragma.CACHE_SIZE.pragmaName, "-65536");
    // checkpoints run on WalCheckpointer's thread, not inside the writer's commits; the writer checkpoints
    // itself only as a safety net when the log passes ~80 MiB (the checkpointer fell behind)
    pragmas.setProperty(SQLiteConfig.Pragma.WAL_AUTOCHECKPOINT.pragmaName, "20000");
    pragmas.setProperty(SQLiteConfig.Pragma.TRANSACTION_MODE.pragmaName, "IMMEDIATE");
    // each write task runs in a savepoint, so SQLite keeps the first image of every page a task touches in a
    // sub-journal to undo the task; in memory that costs a copy, in a temp file (the default) a write() call per page
    pragmas.setProperty(SQLiteConfig.Pragma.TEMP_STORE.pragmaName, "MEMORY");
    // the driver otherwise matches every INSERT's text against a pattern and runs SELECT last_insert_rowid()
    // after it, for generated keys no store reads
    pragmas.setProperty(SQLiteConfig.Pragma.JDBC_GET_GENERATED_KEYS.pragmaName, "false");
    return pragmas;
  }

  /**
   * PostgreSQL through a pool; each write is its own transaction. {@code jdbcUrl} starts with jdbc:postgresql:.
   * Migrates with the tracking migrations and {@code moduleMigrations}.
   */
  public static SqlDatabase postgres(String jdbcUrl, List<String> moduleMigrations) {
    HikariDataSource pool = pool(jdbcUrl, new Properties(), "cairn-postgres", 16);
    try {
      migrate(pool, moduleMigrations, "PostgreSQL database " + jdbcUrl.replaceAll("(?i)(password=)[^&;]*", "$1***"));
      Jdbi jdbi = Jdbi.create(pool);
      return new SqlDatabase(Dialect.POSTGRESQL, jdbi, new PooledWriter(jdbi), pool);
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
  }

  /**
   * PostgreSQL for reading only: read-only pooled connections, no migration, every write fails with
   * {@code writesRefused}. {@code jdbcUrl} starts with jdbc:postgresql:.
   */
  public static SqlDatabase postgresReadOnly(String jdbcUrl, String writesRefused) {
    HikariConfig c = poolConfig(jdbcUrl, new Properties(), "cairn-postgres-read-only", 2);
    c.setReadOnly(true);
    HikariDataSource reads = new HikariDataSource(c);
    return new SqlDatabase(Dialect.POSTGRESQL, Jdbi.create(reads), new RefusingWriter(writesRefused), reads);
  }

  private static HikariDataSource pool(String url, Properties props, String name, int size) {
    return new HikariDataSource(poolConfig(url, props, name, size));
  }

  private static HikariConfig poolConfig(String url, Properties props, String name, int size) {
    HikariConfig c = new HikariConfig();
    c.setJdbcUrl(url);
    c.setDataSourceProperties(props);
    c.setPoolName(name);
    c.setMaximumPoolSize(size);
    c.setMinimumIdle(Math.min(size, 1));
    c.setConnectionTimeout(30_000);
    return c;
  }

  /**
   * One Flyway run over the tracking migrations and those of the other modules present, sharing one history
   * table. Version numbers are unique across modules, and each module owns its own tables, so: a module that
   * joins a database migrated without it gets its migrations applied out of order, and a process without a
   * module (a tracking-only client) accepts that module's applied migrations as "missing" instead of failing.
   * When the history already lists exactly this build's migrations (the usual restart), Flyway is not run at all:
   * one query replaces its classpath scan and validation (see {@link SchemaState}).
   */
  static void migrate(DataSource ds, List<String> moduleMigrations, String what) {
    List<String> locations = locations(moduleMigrations);
    if (SchemaState.of(ds, locations).state() == SchemaState.State.CURRENT) {
      return;
    }
    try {
      Flyway.configure()
          .dataSource(ds)
          .locations(locations.toArray(String[]::new))
          .outOfOrder(true)
          .ignoreMigrationPatterns("*:missing")
          .load()
          .migrate();
    } catch (RuntimeException e) {
      throw new CairnException(ErrorCode.INTERNAL_ERROR, "migrating " + what + " failed: " + e.getMessage(), e);
    }
  }

  /** This module's migration locations followed by the other modules' own, each once. */
  static List<String> locations(List<String> moduleMigrations) {
    List<String> locations = new ArrayList<>(STORE_MIGRATIONS);
    for (String location : moduleMigrations) {
      if (!locations.contains(location)) {
        locations.add(location);
      }
    }
    return locations;
  }
}
