package dev.cairn.server.mlflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.CairnException;
import org.junit.jupiter.api.Test;

class ArtifactLocationsTest {
  @Test
  void proxiedUrisMapToTheirPath() {
    assertThat(ArtifactLocations.storePath("mlflow-artifacts:/3/abc/artifacts", "file:/srv/a")).isEqualTo("3/abc/artifacts");
    assertThat(ArtifactLocations.storePath("mlflow-artifacts://host:5000/3/x", "s3://b/p")).isEqualTo("3/x");
  }

  @Test
  void fileUrisUnderTheStoreRootMapWhateverTheirSpelling() {
    assertThat(ArtifactLocations.storePath("file:///srv/a/1/r/artifacts", "file:/srv/a/")).isEqualTo("1/r/artifacts");
    assertThat(ArtifactLocations.storePath("file:/srv/a", "file:///srv/a")).isEmpty();
    assertThat(ArtifactLocations.storePath("s3://b/p/1/r", "s3://b/p")).isEqualTo("1/r");
  }

  @Test
  void urisOutsideTheStoreDoNotMap() {
    assertThat(ArtifactLocations.storePath("file:/srv/ab/1", "file:/srv/a")).isNull();
    assertThat(ArtifactLocations.storePath("s3://other/p", "file:/srv/a")).isNull();
    assertThat(ArtifactLocations.storePath(null, "file:/srv/a")).isNull();
  }

  @Test
  void traversalInsideAProxiedUriIsRejected() {
    assertThatThrownBy(() -> ArtifactLocations.storePath("mlflow-artifacts:/1/../../etc", "file:/srv/a"))
        .isInstanceOf(CairnException.class);
  }
}
