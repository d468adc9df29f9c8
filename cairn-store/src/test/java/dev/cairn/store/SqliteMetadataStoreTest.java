package dev.cairn.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contract on a SQLite file, plus what only a file shows: reopening keeps data and migrations run once. */
class SqliteMetadataStoreTest extends MetadataStoreContract {
  @TempDir
  Path dir;

  @Override
  protected MetadataStore newStore() {
    return MetadataStores.open("sqlite:" + dir.resolve("nested/dirs/cairn.db"), ROOT);
  }

  @Test
  void reopeningKeepsDataAndCreatesParentDirectories() {
    String id = store.createExperiment("kept", null, List.of());
    store.close();
    store = null;
    assertThat(Files.exists(dir.resolve("nested/dirs/cairn.db"))).isTrue();
    try (MetadataStore again = newStore()) {
      assertThat(again.getExperiment(id).name()).isEqualTo("kept");
      assertThat(again.getExperiment("0").name()).isEqualTo("Default");
    }
  }

  @Test
  void unknownSchemeNamesKnownOnes() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> MetadataStores.open("mysql://x", ROOT))
        .hasMessageContaining("sqlite:").hasMessageContaining("postgresql:");
  }
}
