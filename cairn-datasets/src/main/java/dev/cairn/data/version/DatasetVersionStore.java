package dev.cairn.data.version;

import dev.cairn.core.CairnException;
import dev.cairn.core.Component;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Health;
import dev.cairn.store.MetadataStores;
import dev.cairn.store.sql.SqlDatabase;
import dev.cairn.tracking.Page;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * The metadata of dataset versions, in the same database as the tracking store and behind the same database
 * layer ({@link SqlDatabase}: one reader pool, one writer, one migration run that includes this module's
 * {@link #MIGRATIONS}). New version numbers are taken inside one write that first writes the dataset's name
 * row (a row lock on PostgreSQL; SQLite has one writer), and the unique constraint on (name, version) backs
 * that up: a writer that still loses a race (another process on PostgreSQL) retries.
 */
public final class DatasetVersionStore implements Component, AutoCloseable {
  /** Where Flyway finds this module's migrations (V10__dataset_versions); the database layer runs them. */
  public static final String MIGRATIONS = "classpath:db/datasets";
  /** Page size when the caller gives none, and the most one page may hold. */
  public static final int DEFAULT_PAGE_SIZE = 100;
  public static final int MAX_PAGE_SIZE = 1000;
  static final int MAX_ATTEMPTS = 8;
  static final int MAX_MESSAGE_LENGTH = 10_000;
  static final int MAX_TAG_KEY_LENGTH = 250;
  static final int MAX_TAG_VALUE_LENGTH = 5000;

  private final SqlDatabase db;
  private final boolean ownsDatabase;

  private DatasetVersionStore(SqlDatabase db, boolean ownsDatabase) {
    this.db = db;
    this.ownsDatabase = ownsDatabase;
  }

  /**
   * Opens the database a backend store URI names (any form {@link MetadataStores#openDatabase} reads), migrated
   * with the tracking and dataset migrations; closing the store closes the database.
   */
  public static DatasetVersionStore open(String backendStoreUri) {
    return new DatasetVersionStore(MetadataStores.openDatabase(backendStoreUri, List.of(MIGRATIONS)), true);
  }

  /**
   * The store on a database already open (and migrated with {@link #MIGRATIONS}), e.g. the server's, sharing
   * its pool and writer; closing the store leaves the database open.
   */
  public static DatasetVersionStore on(SqlDatabase database) {
    return new DatasetVersionStore(database, false);
  }

  /** The store on a database opened for it alone (e.g. read-only beside a server); closing the store closes it. */
  public static DatasetVersionStore onOwned(SqlDatabase database) {
    return new DatasetVersionStore(database, true);
  }

  /** A version to record; the store assigns the id, the version number, the parent and the time. */
  public record NewVersion(String name, String author, String message, long totalSize, Long rowCount,
      int fileCount, String manifestSha256, String storageUri, Map<String, String> tags, String schemaJson,
      String profileJson) {
    public NewVersion {
      DatasetRef.requireValidName(name);
      tags = tags == null ? Map.of() : Map.copyOf(tags);
      if (message != null && message.length() > MAX_MESSAGE_LENGTH) {
        throw CairnException.invalid("dataset message has " + message.length() + " characters; the limit is "
            + MAX_MESSAGE_LENGTH);
      }
      if (author != null && author.length() > 256) {
        throw CairnException.invalid("dataset author has " + author.length() + " characters; the limit is 256");
      }
      for (Map.Entry<String, String> tag : tags.entrySet()) {
        if (tag.getKey().isEmpty() || tag.getKey().length() > MAX_TAG_KEY_LENGTH) {
          throw CairnException.invalid("dataset tag key '" + tag.getKey() + "' has " + tag.getKey().length()
              + " characters; keys have 1 to " + MAX_TAG_KEY_LENGTH);
        }
        if (tag.getValue().length() > MAX_TAG_VALUE_LENGTH) {
          throw CairnException.invalid("dataset tag '" + tag.getKey() + "' has a value of " + tag.getValue().length()
              + " characters; the limit is " + MAX_TAG_VALUE_LENGTH);
        }
      }
    }
  }

  /** The outcome of {@link #record}: the version, and whether this call created it. */
  public record Recorded(DatasetVersion version, boolean isNew) {}

  /**
   * Records a new version of {@code v.name()}, numbered one above the newest; if the newest version already has
   * this manifest hash, returns it instead (an identical re-add makes no new version).
   */
  public Recorded record(NewVersion v) {
    CairnException last = null;
    for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      try {
        return db.write(h -> recordOnce(h, v));
      } catch (RuntimeException e) {
        if (!isConflict(e)) {
          throw e instanceof CairnException ce ? ce : new CairnException(ErrorCode.INTERNAL_ERROR,
              "recording dataset '" + v.name() + "' failed: " + rootMessage(e), e);
        }
        last = new CairnException(ErrorCode.CONFLICT, "dataset '" + v.name() + "' is being written by another"
            + " writer; gave up after " + MAX_ATTEMPTS + " attempts", e);
        sleepBriefly(attempt);
      }
    }
    throw last;
  }

  private Recorded recordOnce(Handle h, NewVersion v) {
    long now = System.currentTimeMillis();
    // Writing first takes the lock that orders concurrent writers of this name.
    h.createUpdate("INSERT INTO dataset_names (name, creation_time, last_update_time) VALUES (:name, :now, :now)"
            + " ON CONFLICT (name) DO NOTHING")
        .bind("name", v.name()).bind("now", now).execute();
    h.createUpdate("UPDATE dataset_names SET last_update_time = :now WHERE name = :name")
        .bind("name", v.name()).bind("now", now).execute();
    Optional<DatasetVersion> latest = latest(h, v.name());
    if (latest.isPresent() && latest.get().manifestSha256().equals(v.manifestSha256())) {
      dev.cairn.store.audit.AuditScope.describe(
          dev.cairn.audit.AuditEvent.target("dataset", v.name() + "@" + latest.get().version()), null, null);
      return new Recorded(latest.get(), false);
    }
    int number = latest.map(d -> d.version() + 1).orElse(1);
    String id = UUID.randomUUID().toString().replace("-", "");
    h.createUpdate("INSERT INTO dataset_versions (version_id, name, version, parent_version, author, message,"
            + " created_time, total_size, row_count, file_count, manifest_sha256, storage_uri, schema_json,"
            + " profile_json) VALUES (:id, :name, :version, :parent, :author, :message, :created, :totalSize,"
            + " :rowCount, :fileCount, :sha, :storageUri, :schema, :profile)")
        .bind("id", id).bind("name", v.name()).bind("version", number)
        .bind("parent", latest.map(DatasetVersion::version).orElse(null))
        .bind("author", v.author()).bind("message", v.message()).bind("created", now)
        .bind("totalSize", v.totalSize()).bind("rowCount", v.rowCount()).bind("fileCount", v.fileCount())
        .bind("sha", v.manifestSha256()).bind("storageUri", v.storageUri())
        .bind("schema", v.schemaJson()).bind("profile", v.profileJson())
        .execute();
    var batch = h.prepareBatch("INSERT INTO dataset_version_tags (version_id, key, value) VALUES (:id, :key, :value)");
    for (Map.Entry<String, String> tag : v.tags().entrySet()) {
      batch.bind("id", id).bind("key", tag.getKey()).bind("value", tag.getValue()).add();
    }
    if (!v.tags().isEmpty()) {
      batch.execute();
    }
    dev.cairn.store.audit.AuditScope.describe(dev.cairn.audit.AuditEvent.target("dataset", v.name() + "@" + number),
        null, dev.cairn.store.audit.AuditScope.summary("manifest_sha256", v.manifestSha256(), "files", v.fileCount(),
            "bytes", v.totalSize(), "parent_version", latest.map(DatasetVersion::version).orElse(null)));
    return new Recorded(new DatasetVersion(id, v.name(), number, latest.map(DatasetVersion::version).orElse(null),
        v.author(), v.message(), now, v.totalSize(), v.rowCount(), v.fileCount(), v.manifestSha256(),
        v.storageUri(), v.tags(), v.schemaJson(), v.profileJson()), true);
  }

  /** The version a reference names; {@code RESOURCE_DOES_NOT_EXIST} names what is missing. */
  public DatasetVersion get(DatasetRef ref) {
    return db.read(h -> {
      Optional<DatasetVersion> found = ref.isLatest() ? latest(h, ref.name()) : byNumber(h, ref.name(), ref.version());
      if (found.isPresent()) {
        return found.get();
      }
      Optional<Integer> newest = latest(h, ref.name()).map(DatasetVersion::version);
      if (newest.isEmpty()) {
        throw CairnException.notFound("dataset '" + ref.name() + "' does not exist");
      }
      throw CairnException.notFound("dataset '" + ref.name() + "' has no version " + ref.version()
          + "; its versions are 1.." + newest.get());
    });
  }

  /** Versions of one dataset, newest first. {@code pageToken} is the one the previous page returned. */
  public Page<DatasetVersion> versions(String name, int maxResults, String pageToken) {
    DatasetRef.requireValidName(name);
    int size = maxResults <= 0 ? DEFAULT_PAGE_SIZE : maxResults;
    if (size > MAX_PAGE_SIZE) {
      throw CairnException.invalid("max_results is " + size + "; the limit is " + MAX_PAGE_SIZE);
    }
    int below = parseToken(pageToken);
    return db.read(h -> {
      boolean exists = h.createQuery("SELECT COUNT(*) FROM dataset_names WHERE name = :name")
          .bind("name", name).mapTo(Integer.class).one() > 0;
      if (!exists) {
        throw CairnException.notFound("dataset '" + name + "' does not exist");
      }
      List<DatasetVersion> rows = h.createQuery("SELECT * FROM dataset_versions WHERE name = :name AND version < :below"
              + " ORDER BY version DESC LIMIT :limit")
          .bind("name", name).bind("below", below).bind("limit", size + 1)
          .map(this::mapVersion).list();
      return page(h, rows, size);
    });
  }

  private Page<DatasetVersion> page(Handle h, List<DatasetVersion> rows, int size) {
    String next = null;
    if (rows.size() > size) {
      rows = rows.subList(0, size);
      next = Integer.toString(rows.get(size - 1).version());
    }
    return new Page<>(withTags(h, rows), next);
  }

  private static int parseToken(String token) {
    if (token == null || token.isEmpty()) {
      return Integer.MAX_VALUE;
    }
    try {
      int v = Integer.parseInt(token);
      if (v >= 1) {
        return v;
      }
    } catch (NumberFormatException ignored) {
      // fall through
    }
    throw CairnException.invalid("page_token '" + token + "' is not one this server issued");
  }

  /** Every dataset with its newest version, by name. */
  public List<DatasetSummary> datasets() {
    return db.read(h -> h.createQuery("SELECT n.name, n.creation_time, n.last_update_time, v.version,"
            + " v.manifest_sha256, v.total_size, v.file_count FROM dataset_names n JOIN dataset_versions v"
            + " ON v.name = n.name AND v.version = (SELECT MAX(version) FROM dataset_versions WHERE name = n.name)"
            + " ORDER BY n.name")
        .map((rs, ctx) -> new DatasetSummary(rs.getString("name"), rs.getInt("version"),
            rs.getLong("creation_time"), rs.getLong("last_update_time"), rs.getString("manifest_sha256"),
            rs.getLong("total_size"), rs.getInt("file_count")))
        .list());
  }

  /** The content hash (manifest SHA-256) of every version of every dataset, each once, sorted. */
  public List<String> manifestHashes() {
    return db.read(h -> h.createQuery(
            "SELECT DISTINCT manifest_sha256 FROM dataset_versions ORDER BY manifest_sha256")
        .mapTo(String.class).list());
  }

  /** Versions of any dataset whose content hash is {@code manifestSha256}, oldest first. */
  public List<DatasetVersion> findByContent(String manifestSha256) {
    return db.read(h -> withTags(h, h.createQuery(
            "SELECT * FROM dataset_versions WHERE manifest_sha256 = :sha ORDER BY created_time, name, version")
        .bind("sha", manifestSha256).map(this::mapVersion).list()));
  }

  private Optional<DatasetVersion> latest(Handle h, String name) {
    return h.createQuery("SELECT * FROM dataset_versions WHERE name = :name ORDER BY version DESC LIMIT 1")
        .bind("name", name).map(this::mapVersion).findFirst().map(v -> withTags(h, List.of(v)).get(0));
  }

  private Optional<DatasetVersion> byNumber(Handle h, String name, int version) {
    return h.createQuery("SELECT * FROM dataset_versions WHERE name = :name AND version = :version")
        .bind("name", name).bind("version", version).map(this::mapVersion).findFirst()
        .map(v -> withTags(h, List.of(v)).get(0));
  }

  private List<DatasetVersion> withTags(Handle h, List<DatasetVersion> versions) {
    if (versions.isEmpty()) {
      return versions;
    }
    Map<String, Map<String, String>> tags = new HashMap<>();
    h.createQuery("SELECT version_id, key, value FROM dataset_version_tags WHERE version_id IN (<ids>)")
        .bindList("ids", versions.stream().map(DatasetVersion::id).toList())
        .map((rs, ctx) -> {
          tags.computeIfAbsent(rs.getString(1), k -> new HashMap<>()).put(rs.getString(2), rs.getString(3));
          return null;
        })
        .list();
    List<DatasetVersion> out = new ArrayList<>(versions.size());
    for (DatasetVersion v : versions) {
      out.add(new DatasetVersion(v.id(), v.name(), v.version(), v.parentVersion(), v.author(), v.message(),
          v.createdTime(), v.totalSize(), v.rowCount(), v.fileCount(), v.manifestSha256(), v.storageUri(),
          tags.getOrDefault(v.id(), Map.of()), v.schemaJson(), v.profileJson()));
    }
    return out;
  }

  private DatasetVersion mapVersion(ResultSet rs, StatementContext ctx) throws SQLException {
    int parent = rs.getInt("parent_version");
    Integer parentVersion = rs.wasNull() ? null : parent;
    long rows = rs.getLong("row_count");
    Long rowCount = rs.wasNull() ? null : rows;
    return new DatasetVersion(rs.getString("version_id").trim(), rs.getString("name"), rs.getInt("version"),
        parentVersion, rs.getString("author"), rs.getString("message"), rs.getLong("created_time"),
        rs.getLong("total_size"), rowCount, rs.getInt("file_count"), rs.getString("manifest_sha256").trim(),
        rs.getString("storage_uri"), Map.of(), rs.getString("schema_json"), rs.getString("profile_json"));
  }

  static boolean isConflict(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql) {
        String state = sql.getSQLState();
        String message = String.valueOf(sql.getMessage()).toLowerCase(Locale.ROOT);
        if ("23505".equals(state) || "40001".equals(state) || "40P01".equals(state)
            || message.contains("unique constraint") || message.contains("sqlite_busy")
            || message.contains("database is locked")) {
          return true;
        }
      }
    }
    return false;
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage();
  }

  private static void sleepBriefly(int attempt) {
    try {
      Thread.sleep(Math.min(200, 5L << attempt) + (long) (Math.random() * 10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CairnException(ErrorCode.INTERNAL_ERROR, "interrupted while retrying a dataset write");
    }
  }

  @Override
  public Health check() {
    Health database = db.check();
    return database.isUp() ? Health.up("dataset-versions") : Health.down("dataset-versions", database.detail());
  }

  @Override
  public void close() {
    if (ownsDatabase) {
      db.close();
    }
  }
}
