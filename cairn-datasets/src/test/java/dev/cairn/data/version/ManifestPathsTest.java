package dev.cairn.data.version;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.CairnException;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** get and validate both place manifest files through one check, so neither can write outside its folder. */
class ManifestPathsTest {
  static final String SHA = "a".repeat(64);

  @Test
  void entriesLandUnderTheTargetFolder() {
    Path root = Path.of("/tmp/target").toAbsolutePath();
    assertThat(DatasetVersioning.inside(root, new ManifestEntry("sub/train.csv", 1, SHA)))
        .isEqualTo(root.resolve("sub/train.csv"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"../evil.csv", "a/../../evil.csv", "/etc/passwd", "a\\..\\..\\x", "."})
  void entriesThatWouldLeaveTheFolderCannotExist(String path) {
    assertThatThrownBy(() -> new ManifestEntry(path, 1, SHA)).isInstanceOf(CairnException.class);
  }
}
