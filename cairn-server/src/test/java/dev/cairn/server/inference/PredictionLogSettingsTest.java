package dev.cairn.server.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.CairnException;
import dev.cairn.server.CairnServer;
import dev.cairn.serving.log.InstallationSalt;
import dev.cairn.serving.log.PersonalFields;
import dev.cairn.store.MetadataStores;
import dev.cairn.store.sql.SqlDatabase;
import dev.cairn.serving.log.PredictionLog;
import dev.cairn.serving.log.PredictionRecord;
import dev.cairn.serving.log.StoredPrediction;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The prediction log's server settings: their defaults, their bounds, and the salt made only when needed. */
class PredictionLogSettingsTest {
  @TempDir Path dir;

  @Test
  void personalFieldsAreHashedUnlessDropIsAsked() {
    assertThat(PredictionLogSettings.personalMode(null)).isEqualTo(PersonalFields.Mode.HASH);
    assertThat(PredictionLogSettings.personalMode("HASH")).isEqualTo(PersonalFields.Mode.HASH);
    assertThat(PredictionLogSettings.personalMode(" drop ")).isEqualTo(PersonalFields.Mode.DROP);
    assertThatThrownBy(() -> PredictionLogSettings.personalMode("mask")).isInstanceOf(CairnException.class)
        .hasMessage("CAIRN_PERSONAL_FIELDS 'mask' is not a mode; use hash or drop");
  }

  @Test
  void aRecordsPersonalFieldsAreHashedWithASaltMadeOnFirstUse() {
    List<StoredPrediction> written = new CopyOnWriteArrayList<>();
    try (SqlDatabase db = MetadataStores.openDatabase("sqlite:" + dir.resolve("cairn.db"), CairnServer.MIGRATIONS)) {
      hashWithTheSaltOf(db, written);
    }
  }

  private static void hashWithTheSaltOf(SqlDatabase db, List<StoredPrediction> written) {
    PredictionLog.Settings settings = PredictionLogSettings.configured(db);
    assertThat(InstallationSalt.exists(db)).as("no salt before anything is hashed").isFalse();
    try (PredictionLog log = new PredictionLog(written::addAll, settings)) {
      log.record(new PredictionRecord("d", "m", 1, 1_000, List.of(Map.of("email", "a@b.c", "age", 40)),
          List.of(Map.of("label", "yes")), 1.0, false, Set.of("email")));
      log.close(Duration.ofSeconds(30));
    }
    assertThat(written).singleElement().satisfies(p -> {
      assertThat(p.inputs().get(0).get("age")).isEqualTo(40);
      assertThat((String) p.inputs().get(0).get("email")).startsWith("sha256:").doesNotContain("a@b.c");
    });
    assertThat(InstallationSalt.exists(db)).isTrue();
    assertThat(InstallationSalt.load(db)).as("made once, then read").isEqualTo(InstallationSalt.load(db));
  }
}
