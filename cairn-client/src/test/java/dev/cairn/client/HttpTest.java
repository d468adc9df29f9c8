package dev.cairn.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.ErrorCode;
import org.junit.jupiter.api.Test;

class HttpTest {
  @Test
  void everyErrorCodeMapsBackFromItsMlflowCodeAndStatus() {
    for (ErrorCode code : ErrorCode.values()) {
      assertThat(Http.codeOf(code.mlflowCode(), code.httpStatus())).as(code.name()).isEqualTo(code);
    }
  }

  @Test
  void unknownCodesFallBackToTheHttpStatus() {
    assertThat(Http.codeOf(null, 404)).isEqualTo(ErrorCode.RESOURCE_DOES_NOT_EXIST);
    assertThat(Http.codeOf("FEATURE_DISABLED", 503)).isEqualTo(ErrorCode.TEMPORARILY_UNAVAILABLE);
    assertThat(Http.codeOf(null, 500)).isEqualTo(ErrorCode.INTERNAL_ERROR);
    // a proxy in front of a stopped or restarting server: an outage the logger waits out, not a server error
    assertThat(Http.codeOf(null, 502)).isEqualTo(ErrorCode.TEMPORARILY_UNAVAILABLE);
    assertThat(Http.codeOf("INTERNAL_ERROR", 504)).isEqualTo(ErrorCode.TEMPORARILY_UNAVAILABLE);
    // a stopping server (or an older one) that labels its 503 INTERNAL_ERROR is still waited out (the CI flake)
    assertThat(Http.codeOf("INTERNAL_ERROR", 503)).isEqualTo(ErrorCode.TEMPORARILY_UNAVAILABLE);
    assertThat(Http.codeOf("INTERNAL_ERROR", 429)).isEqualTo(ErrorCode.TOO_MANY_REQUESTS);
  }

  @Test
  void remoteUrlsLoseTheirCredentials() {
    assertThat(SourceTags.withoutCredentials("https://bob:tok@github.com/a/b.git")).isEqualTo("https://github.com/a/b.git");
    assertThat(SourceTags.withoutCredentials("git@github.com:a/b.git")).isEqualTo("git@github.com:a/b.git");
  }

  @Test
  void artifactRootFollowsTheProxySchemeAndFallsBackToTheServerLayout() {
    var info = new dev.cairn.tracking.RunInfo("abc", null, "7", null, dev.cairn.tracking.RunStatus.RUNNING, 0, null,
        "mlflow-artifacts:/7/abc/artifacts", dev.cairn.tracking.LifecycleStage.ACTIVE);
    assertThat(ArtifactTransfer.root(info)).isEqualTo("7/abc/artifacts");
    var s3 = new dev.cairn.tracking.RunInfo("abc", null, "7", null, dev.cairn.tracking.RunStatus.RUNNING, 0, null,
        "s3://bucket/x/7/abc/artifacts", dev.cairn.tracking.LifecycleStage.ACTIVE);
    assertThat(ArtifactTransfer.root(s3)).isEqualTo("7/abc/artifacts");
  }
}
