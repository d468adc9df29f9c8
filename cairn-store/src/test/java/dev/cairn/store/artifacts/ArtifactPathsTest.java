package dev.cairn.store.artifacts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.store.ArtifactPaths;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class ArtifactPathsTest {

  @Property(tries = 2000)
  void normalizedPathsNeverEscapeRoot(@ForAll("hostilePaths") String path) {
    String normalized;
    try {
      normalized = ArtifactPaths.normalize(path);
    } catch (CairnException e) {
      assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE);
      return;
    }
    assertThat(normalized).doesNotStartWith("/").doesNotContain("\\").doesNotContain("\u0000");
    assertThat(Arrays.asList(normalized.split("/", -1))).doesNotContain("..", ".");
    assertThat(normalized.toLowerCase()).doesNotContain("%2e", "%2f", "%5c");
    assertThat(normalized).doesNotMatch("^[A-Za-z]:.*");
    assertThat(normalized).isEqualTo(ArtifactPaths.normalize(normalized)).as("idempotent");
  }

  @Provide
  Arbitrary<String> hostilePaths() {
    List<String> pieces = List.of("..", ".", "a", "b", "%2e", "%2E", "%2f", "%5c", "/", "//", "\\", "\u0000",
        "C:", "...", ".a", "a.", "~", " ", "%", "2e", ":");
    return Arbitraries.of(pieces).list().ofMaxSize(12).map(list -> String.join("", list));
  }

  @Example
  void normalizeDropsEmptySegments() {
    assertThat(ArtifactPaths.normalize("a//b/")).isEqualTo("a/b");
    assertThat(ArtifactPaths.normalize("")).isEmpty();
    assertThat(ArtifactPaths.normalize("...")).isEqualTo("...");
  }

  @Example
  void pathsAtTheLengthLimitAreAcceptedAndOneMoreIsNot() {
    assertThat(ArtifactPaths.normalize("x".repeat(ArtifactPaths.MAX_LENGTH))).hasSize(ArtifactPaths.MAX_LENGTH);
    try {
      ArtifactPaths.normalize("x".repeat(ArtifactPaths.MAX_LENGTH + 1));
      throw new AssertionError("expected rejection");
    } catch (CairnException e) {
      assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE);
      assertThat(e.getMessage()).contains(String.valueOf(ArtifactPaths.MAX_LENGTH));
    }
  }
}
