package dev.cairn.serving.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.CairnException;
import dev.cairn.ml.bundle.Bundle;
import dev.cairn.ml.bundle.Bundles;
import dev.cairn.ml.train.Predictions;
import dev.cairn.serving.TestBundles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/** Valid rows predict as the bundle does; one corrupted cell anywhere is refused naming its row and column. */
class InputCheckPropertiesTest {
  static Path dir;
  static LoadedModel model;
  static Bundle bundle;

  @BeforeContainer
  static void load() throws Exception {
    dir = Files.createTempDirectory("cairn-input-check-");
    Path written = TestBundles.classifier(dir, "logistic_regression");
    model = ModelRuntime.defaults().load(written);
    bundle = Bundles.load(written);
  }

  @AfterContainer
  static void close() throws Exception {
    model.close();
    bundle.close();
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Property(tries = 100)
  void validRowsPredictAsTheBundleDoes(@ForAll @IntRange(min = 1, max = 200) int n, @ForAll long seed) {
    List<Map<String, Object>> rows = TestBundles.rows(n, seed);
    Predictions served = model.predict(rows);
    Predictions direct = bundle.predict(rows);
    assertThat(served.labels()).containsExactly(direct.labels());
    assertThat(served.probabilities()).isDeepEqualTo(direct.probabilities());
  }

  @Property(tries = 200)
  void oneBadCellIsNamedByItsRowAndColumn(@ForAll @IntRange(min = 1, max = 100) int n, @ForAll long seed,
      @ForAll @IntRange(min = 0, max = 99) int at, @ForAll @IntRange(min = 0, max = 5) int kind) {
    int row = at % n;
    List<Map<String, Object>> rows = new ArrayList<>(TestBundles.rows(n, seed));
    Map<String, Object> bad = new LinkedHashMap<>(rows.get(row));
    String column = switch (kind) {
      case 0 -> { bad.put("tenure", "x" + seed); yield "tenure"; }
      case 1 -> { bad.remove("monthly"); yield "monthly"; }
      case 2 -> { bad.put("plan", "gold-" + seed); yield "plan"; }
      case 3 -> { bad.put("age", null); yield "age"; }
      case 4 -> { bad.put("age", Double.NaN); yield "age"; }
      default -> { bad.put("plan", 1.5); yield "plan"; }
    };
    rows.set(row, bad);
    assertThatThrownBy(() -> model.predict(rows)).isInstanceOf(CairnException.class)
        .hasMessageStartingWith("row " + row + " ").hasMessageContaining("'" + column + "'");
  }
}
