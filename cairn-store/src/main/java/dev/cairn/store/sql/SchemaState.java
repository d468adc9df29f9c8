package dev.cairn.store.sql;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.math.BigInteger;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import javax.sql.DataSource;

/**
 * How a database's schema compares with the migrations this build carries, read with one query on Flyway's
 * history table instead of a Flyway run (Flyway loads ~300 classes, scans the classpath and validates: most of
 * opening an up-to-date database). The migrations are listed from the classpath locations Flyway reads, with the
 * checksums Flyway records; whatever this class does not fully understand is {@link State#UNKNOWN}, and the caller
 * runs Flyway, which then decides as it always did.
 */
record SchemaState(State state, String detail) {
  /** The answers; only {@link #CURRENT} lets an open skip Flyway. */
  enum State {
    /** Every migration of the build is applied with the same checksum; nothing newer is. */
    CURRENT,
    /** Some of the build's migrations are not applied yet (an older Cairn made the database). */
    BEHIND,
    /** A migration newer than the build's newest is applied (a newer Cairn made the database). */
    AHEAD,
    /** An applied migration differs from the build's (checksum, description, type) or failed. */
    DIFFERENT,
    /** No history table, or a migration or history row this class does not read: ask Flyway. */
    UNKNOWN
  }

  /** One versioned migration as Flyway records it in {@code flyway_schema_history}. */
  record Migration(String version, String description, String type, Integer checksum) {}

  static final String HISTORY_TABLE = "flyway_schema_history";

  /** Compares the database behind {@code ds} with the migrations under {@code locations} ("classpath:..."). */
  static SchemaState of(DataSource ds, List<String> locations) {
    Optional<List<Migration>> known = onClasspath(locations, SchemaState.class.getClassLoader());
    if (known.isEmpty()) {
      return new SchemaState(State.UNKNOWN, "the build's migrations could not be listed");
    }
    List<Migration> applied;
    try (Connection c = ds.getConnection(); Statement s = c.createStatement();
        ResultSet rows = s.executeQuery(
            "SELECT version, description, type, checksum, success FROM " + HISTORY_TABLE)) {
      applied = new ArrayList<>();
      while (rows.next()) {
        if (!rows.getBoolean("success")) {
          return new SchemaState(State.DIFFERENT, "migration " + rows.getString("version") + " failed earlier");
        }
        // getObject, not getInt: sqlite-jdbc reads NULL as 0 there (Java migrations record no checksum)
        Object checksum = rows.getObject("checksum");
        applied.add(new Migration(rows.getString("version"), rows.getString("description"), rows.getString("type"),
            checksum == null ? null : ((Number) checksum).intValue()));
      }
    } catch (SQLException e) {
      return new SchemaState(State.UNKNOWN, "no readable migration history: " + e.getMessage());
    }
    try {
      return compare(known.get(), applied);
    } catch (RuntimeException e) { // a version Flyway would not have written
      return new SchemaState(State.UNKNOWN, "unreadable migration history: " + e.getMessage());
    }
  }

  /**
   * The state of {@code applied} history rows against the {@code known} migrations. Applied versions the build
   * does not carry but older than its newest are another module's (Flyway ignores them too, "*:missing").
   */
  static SchemaState compare(List<Migration> known, List<Migration> applied) {
    Map<List<BigInteger>, Migration> byVersion = new HashMap<>();
    for (Migration m : applied) {
      if (m.version() == null || !(m.type().equals("SQL") || m.type().equals("JDBC"))) {
        return new SchemaState(State.UNKNOWN, "history row of type " + m.type() + " (version " + m.version() + ")");
      }
      if (byVersion.put(versionKey(m.version()), m) != null) {
        return new SchemaState(State.UNKNOWN, "version " + m.version() + " is recorded twice");
      }
    }
    if (known.isEmpty()) {
      return new SchemaState(State.UNKNOWN, "the build carries no migrations");
    }
    List<BigInteger> newest = known.stream().map(m -> versionKey(m.version())).max(SchemaState::compareVersions)
        .orElseThrow();
    TreeSet<String> ahead = new TreeSet<>();
    for (Migration m : applied) {
      if (compareVersions(versionKey(m.version()), newest) > 0) {
        ahead.add(m.version());
      }
    }
    if (!ahead.isEmpty()) {
      return new SchemaState(State.AHEAD, "it has migration(s) " + String.join(", ", ahead)
          + " that this Cairn does not know");
    }
    List<String> missing = new ArrayList<>();
    for (Migration m : known) {
      Migration a = byVersion.get(versionKey(m.version()));
      if (a == null) {
        missing.add(m.version());
      } else if (!Objects.equals(a.checksum(), m.checksum()) || !a.type().equals(m.type())
          || !Objects.equals(a.description(), m.description())) {
        return new SchemaState(State.DIFFERENT, "migration " + m.version() + " was applied as " + a + ", this Cairn's"
            + " is " + m);
      }
    }
    if (!missing.isEmpty()) {
      return new SchemaState(State.BEHIND, "it lacks migration(s) " + String.join(", ", missing));
    }
    return new SchemaState(State.CURRENT, "up to date");
  }

  /**
   * The versioned migrations under {@code locations}, as Flyway would resolve them with its default naming
   * ({@code V<version>__<description>.sql} resources, {@link org.flywaydb.core.api.migration.JavaMigration}
   * classes); empty when a location is not a plain classpath one or holds a file this class cannot read.
   */
  static Optional<List<Migration>> onClasspath(List<String> locations, ClassLoader loader) {
    List<Migration> found = new ArrayList<>();
    try {
      for (String location : locations) {
        if (!location.startsWith("classpath:")) {
          return Optional.empty();
        }
        String folder = location.substring("classpath:".length()).replaceAll("^/+|/+$", "");
        List<String> names = resourceNames(folder, loader);
        if (names.isEmpty()) {
          return Optional.empty(); // e.g. a jar without directory entries: judge nothing from it
        }
        for (String name : names) {
          migration(folder, name, loader).ifPresent(found::add);
        }
      }
    } catch (IOException | URISyntaxException | ReflectiveOperationException | RuntimeException | LinkageError e) {
      return Optional.empty();
    }
    return Optional.of(found);
  }

  /**
   * The migration a file under {@code folder} holds, empty for a class that is not a migration (Flyway skips
   * those too); an {@link IOException} for a file that may be one this class does not read (repeatable, undo,
   * callbacks).
   */
  private static Optional<Migration> migration(String folder, String name, ClassLoader loader)
      throws IOException, ReflectiveOperationException {
    String file = name.substring(name.lastIndexOf('/') + 1);
    if (name.endsWith(".class")) {
      String className = (folder + "/" + name.substring(0, name.length() - ".class".length())).replace('/', '.');
      Class<?> type = Class.forName(className, false, loader);
      if (!org.flywaydb.core.api.migration.JavaMigration.class.isAssignableFrom(type)
          || java.lang.reflect.Modifier.isAbstract(type.getModifiers()) || type.isMemberClass()) {
        return Optional.empty();
      }
      var java = (org.flywaydb.core.api.migration.JavaMigration) type.getDeclaredConstructor().newInstance();
      if (java.getVersion() == null) {
        throw new IOException("repeatable Java migration " + className);
      }
      return Optional.of(new Migration(java.getVersion().getVersion(), java.getDescription(), "JDBC",
          java.getChecksum()));
    }
    int separator = file.indexOf("__");
    if (!file.startsWith("V") || !file.endsWith(".sql") || separator < 2) {
      throw new IOException("not a versioned SQL migration: " + name);
    }
    String version = file.substring(1, separator).replace('_', '.');
    String description = file.substring(separator + 2, file.length() - ".sql".length()).replace('_', ' ');
    try (InputStream in = loader.getResourceAsStream(folder + "/" + name)) {
      if (in == null) {
        throw new IOException("cannot read " + name);
      }
      return Optional.of(new Migration(version, description, "SQL", checksum(in)));
    }
  }

  /**
   * Flyway's checksum of a SQL migration: CRC-32 of the UTF-8 bytes of each line without its line ending (so line
   * endings do not count), a leading byte order mark dropped. A difference here costs only the skip: Flyway runs.
   */
  static int checksum(InputStream in) throws IOException {
    CRC32 crc = new CRC32();
    BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    String line;
    boolean first = true;
    while ((line = reader.readLine()) != null) {
      if (first && line.startsWith("\uFEFF")) {
        line = line.substring(1);
      }
      first = false;
      crc.update(line.getBytes(StandardCharsets.UTF_8));
    }
    return (int) crc.getValue();
  }

  /** Paths under {@code folder}, relative to it, in every classpath entry that has it (directories and jars). */
  private static List<String> resourceNames(String folder, ClassLoader loader)
      throws IOException, URISyntaxException {
    List<String> names = new ArrayList<>();
    for (URL url : Collections.list(loader.getResources(folder))) {
      switch (url.getProtocol()) {
        case "file" -> {
          Path dir = Path.of(url.toURI());
          try (Stream<Path> files = Files.walk(dir)) {
            files.filter(Files::isRegularFile).forEach(f -> names.add(dir.relativize(f).toString().replace('\\', '/')));
          }
        }
        case "jar" -> {
          JarURLConnection connection = (JarURLConnection) url.openConnection();
          connection.setUseCaches(false);
          try (JarFile jar = connection.getJarFile()) {
            String prefix = folder + "/";
            for (Enumeration<JarEntry> entries = jar.entries(); entries.hasMoreElements(); ) {
              JarEntry entry = entries.nextElement();
              if (!entry.isDirectory() && entry.getName().startsWith(prefix)) {
                names.add(entry.getName().substring(prefix.length()));
              }
            }
          }
        }
        default -> throw new IOException("cannot list " + url);
      }
    }
    return names;
  }

  /** A version's numeric parts without trailing zeros, so 1.0 and 1 are one version, as Flyway compares them. */
  private static List<BigInteger> versionKey(String version) {
    List<BigInteger> parts = new ArrayList<>();
    for (String part : version.split("\\.")) {
      parts.add(new BigInteger(part));
    }
    while (parts.size() > 1 && parts.get(parts.size() - 1).signum() == 0) {
      parts.remove(parts.size() - 1);
    }
    return parts;
  }

  private static int compareVersions(List<BigInteger> a, List<BigInteger> b) {
    for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
      int c = (i < a.size() ? a.get(i) : BigInteger.ZERO).compareTo(i < b.size() ? b.get(i) : BigInteger.ZERO);
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }
}
