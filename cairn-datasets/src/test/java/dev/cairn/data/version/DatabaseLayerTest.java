package dev.cairn.data.version;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.Hashing;
import dev.cairn.store.DataFolderLock;
import dev.cairn.store.MetadataStore;
import dev.cairn.store.MetadataStores;
import dev.cairn.store.sql.SqlDatabase;
import dev.cairn.tracking.Experiment;
import dev.cairn.tracking.ViewType;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tracking and dataset tables behind one database layer: one URI reader, one migration run over both modules'
 * migrations, and histories written by the old single-location layout still valid.
 */
class DatabaseLayerTest {
  @TempDir Path dir;

  /** Every way of writing the same SQLite file, relative ones relative to the working directory. */
  private List<String> formsOf(Path file) {
    Path absolute = file.toAbsolutePath().normalize();
    Path relative = Path.of("").toAbsolutePath().relativize(absolute);
    assertThat(relative.isAbsolute()).isFalse();
    return List.of("sqlite:" + absolute, "sqlite://" + absolute, "jdbc:sqlite:" + absolute, "sqlite:" + relative,
        "sqlite:./" + relative, "sqlite://" + relative, "jdbc:sqlite:" + relative);
  }

  @Test
  void trackingAndDatasetsReadEveryUriFormAsTheSameFile() throws IOException {
    Path file = dir.resolve("data/cairn.db");
    List<String> forms = formsOf(file);
    for (int i = 0; i < forms.size(); i++) {
      String uri = forms.get(i);
      assertThat(MetadataStores.sqlitePath(uri).orElseThrow().toAbsolutePath().normalize()).as(uri)
          .isEqualTo(file.toAbsolutePath());
      assertThat(DataFolderLock.folderOf(uri)).as(uri).contains(file.getParent().toAbsolutePath());
      try (MetadataStore tracking = MetadataStores.open(uri, "file:/a")) {
        tracking.createExperiment("form-" + i, null, List.of());
      }
      try (DatasetVersionStore datasets = DatasetVersionStore.open(uri)) {
        datasets.record(DatasetVersionStoreTest.version("form-" + i, uri));
      }
    }

    try (SqlDatabase db = MetadataStores.openDatabase("sqlite:" + file, List.of(DatasetVersionStore.MIGRATIONS));
        DatasetVersionStore datasets = DatasetVersionStore.on(db)) {
      assertThat(datasets.datasets()).extracting(DatasetSummary::name)
          .containsExactlyInAnyOrderElementsOf(names(forms.size()));
    }
    try (MetadataStore tracking = MetadataStores.open("sqlite:" + file, "file:/a")) {
      List<String> names = tracking.searchExperiments(ViewType.ALL, null, List.of(), 1000, null).items().stream()
          .map(Experiment::name).toList();
      assertThat(names).containsAll(names(forms.size()));
    }
    try (Stream<Path> files = Files.list(file.getParent())) {
      assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".db")).toList())
          .containsExactly("cairn.db");
    }
  }

  private static List<String> names(int count) {
    return java.util.stream.IntStream.range(0, count).mapToObj(i -> "form-" + i).toList();
  }

  @Test
  void oneMigrationRunCreatesTrackingAndDatasetTablesWithOneHistory() throws Exception {
    Path file = dir.resolve("cairn.db");
    try (SqlDatabase db = MetadataStores.openDatabase("sqlite:" + file, List.of(DatasetVersionStore.MIGRATIONS));
        MetadataStore tracking = MetadataStores.open(db, "file:/a");
        DatasetVersionStore datasets = DatasetVersionStore.on(db)) {
      tracking.createExperiment("shared", null, List.of());
      datasets.record(DatasetVersionStoreTest.version("churn", "1"));
      assertThat(datasets.check().isUp()).isTrue();
    }
    assertThat(history(file)).containsExactly("1", "10", "11", "12", "13", "14", "15", "16", "20", "28", "29", "30", "31", "40", "50", "60", "70", "71", "72", "73", "74", "75", "79", "81", "83");
  }

  /** Copies a classpath resource folder's files to {@code target}. */
  private static void copyResource(String resource, Path target) throws IOException {
    try (InputStream in = DatabaseLayerTest.class.getClassLoader().getResourceAsStream(resource)) {
      assertThat(in).as(resource).isNotNull();
      Files.copy(in, target.resolve(resource.substring(resource.lastIndexOf('/') + 1)));
    }
  }

  @Test
  void aDatabaseMigratedByTheOldSingleFolderLayoutStillValidates() throws Exception {
    // Before the datasets module owned its migration, V10 sat beside the tracking ones in one location.
    Path oldLayout = Files.createDirectories(dir.resolve("old-layout"));
    copyResource("db/migration/V1__tracking.sql", oldLayout);
    copyResource("db/datasets/V10__dataset_versions.sql", oldLayout);
    copyResource("db/migration/V11__metrics_history_covering.sql", oldLayout);
    Path file = dir.resolve("old.db");
    Flyway.configure().dataSource("jdbc:sqlite:" + file, null, null).locations("filesystem:" + oldLayout).load()
        .migrate();
    List<Long> checksumsBefore = checksums(file);

    try (DatasetVersionStore datasets = DatasetVersionStore.open("sqlite:" + file)) {
      datasets.record(DatasetVersionStoreTest.version("churn", "1"));
    }
    try (MetadataStore tracking = MetadataStores.open("sqlite:" + file, "file:/a")) {
      assertThat(tracking.getExperiment("0").name()).isEqualTo("Default");
    }

    assertThat(history(file)).containsExactly("1", "10", "11", "12", "13", "14", "15", "16", "20", "28", "29", "30", "31", "40", "50", "60", "70", "71", "72", "73", "74", "75", "79", "81", "83");
    // the old history is kept as it was; the later tracking migrations follow it
    assertThat(checksums(file).subList(0, checksumsBefore.size())).isEqualTo(checksumsBefore);
  }

  @Test
  void datasetsJoiningATrackingOnlyDatabaseGetTheirMigrationOutOfOrderAndTrackingAloneStillOpensIt()
      throws Exception {
    Path file = dir.resolve("cairn.db");
    try (MetadataStore tracking = MetadataStores.open("sqlite:" + file, "file:/a")) {
      tracking.createExperiment("before", null, List.of());
    }
    assertThat(history(file)).containsExactly("1", "11", "12", "13", "14", "15", "16", "20", "28", "29", "30", "31", "40", "50", "60", "70", "71", "72", "73", "74", "75", "79", "81", "83");

    try (DatasetVersionStore datasets = DatasetVersionStore.open("sqlite:" + file)) {
      assertThat(datasets.record(DatasetVersionStoreTest.version("churn", "1")).isNew()).isTrue();
    }
    assertThat(history(file)).containsExactlyInAnyOrder("1", "10", "11", "12", "13", "14", "15", "16", "20", "28", "29", "30", "31", "40", "50", "60", "70", "71", "72", "73", "74", "75", "79", "81", "83");

    // a tracking-only process (no datasets module) must accept the datasets' applied migration
    try (MetadataStore tracking = MetadataStores.open("sqlite:" + file, "file:/a")) {
      assertThat(tracking.getExperimentByName("before").name()).isEqualTo("before");
    }
  }

  @Test
  void postgresCarriesTrackingAndDatasetsOnOneDatabase() throws Exception {
    try (EmbeddedPostgres postgres = EmbeddedPostgres.start()) {
      String uri = "postgresql://postgres:postgres@localhost:" + postgres.getPort() + "/postgres";
      try (SqlDatabase db = MetadataStores.openDatabase(uri, List.of(DatasetVersionStore.MIGRATIONS));
          MetadataStore tracking = MetadataStores.open(db, "file:/a");
          DatasetVersionStore datasets = DatasetVersionStore.on(db)) {
        tracking.createExperiment("pg", null, List.of());
        DatasetVersion v = datasets.record(DatasetVersionStoreTest.version("churn", "1")).version();
        assertThat(datasets.get(DatasetRef.parse("churn@1")).manifestSha256()).isEqualTo(v.manifestSha256());
      }
      // the same database through the datasets' own open, with the JDBC form of the URI
      try (DatasetVersionStore again = DatasetVersionStore.open("jdbc:postgresql://localhost:" + postgres.getPort()
          + "/postgres?user=postgres&password=postgres")) {
        assertThat(again.get(DatasetRef.parse("churn")).version()).isEqualTo(1);
      }
      try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT version FROM flyway_schema_history WHERE success ORDER BY installed_rank")) {
        List<String> versions = new ArrayList<>();
        while (rs.next()) {
          versions.add(rs.getString(1));
        }
        assertThat(versions).containsExactly("1", "10", "11", "12", "13", "14", "15", "16", "20", "28", "29", "30", "31", "40", "50", "60", "70", "71", "72", "73", "74", "75", "79", "81", "83");
      }
    }
  }

  @Test
  void aVersionRecordedThroughTheSharedWriterIsOneAtomicWrite() {
    try (SqlDatabase db = MetadataStores.openDatabase("sqlite:" + dir.resolve("c.db"),
        List.of(DatasetVersionStore.MIGRATIONS));
        DatasetVersionStore datasets = DatasetVersionStore.on(db)) {
      Map<String, String> tags = Map.of("k", "v");
      DatasetVersionStore.NewVersion v = new DatasetVersionStore.NewVersion("churn", "a", "m", 1, null, 1,
          Hashing.sha256Hex("x".getBytes()), "file:/x", tags, null, null);
      datasets.record(v);
      assertThat(datasets.get(DatasetRef.parse("churn@1")).tags()).isEqualTo(tags);
      // the borrowed store leaves the database open for the other stores on it
      datasets.close();
      assertThat(db.check().isUp()).isTrue();
    }
  }

  private static List<String> history(Path file) throws Exception {
    List<String> versions = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(
            "SELECT version FROM flyway_schema_history WHERE success = 1 ORDER BY installed_rank")) {
      while (rs.next()) {
        versions.add(rs.getString(1));
      }
    }
    return versions;
  }

  private static List<Long> checksums(Path file) throws Exception {
    List<Long> out = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT checksum FROM flyway_schema_history ORDER BY installed_rank")) {
      while (rs.next()) {
        out.add(rs.getLong(1));
      }
    }
    return out;
  }
}
