package dev.cairn.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IdsAndErrorsTest {
  @Test
  void runIdsAre32LowercaseHexAndDistinct() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      String id = Ids.newRunId();
      assertThat(Ids.isRunId(id)).as(id).isTrue();
      seen.add(id);
    }
    assertThat(seen).hasSize(1000);
    assertThat(Ids.isRunId("0123456789ABCDEF0123456789abcdef")).isFalse();
  }

  @Test
  void errorCodesMapToMlflowStatuses() {
    assertThat(ErrorCode.RESOURCE_DOES_NOT_EXIST.httpStatus()).isEqualTo(404);
    assertThat(ErrorCode.RESOURCE_ALREADY_EXISTS.httpStatus()).isEqualTo(400);
    assertThat(ErrorCode.INVALID_PARAMETER_VALUE.mlflowCode()).isEqualTo("INVALID_PARAMETER_VALUE");
    assertThat(CairnException.notFound("x").code()).isEqualTo(ErrorCode.RESOURCE_DOES_NOT_EXIST);
  }

  @Test
  void canonicalJsonSortsKeysSoEqualContentHashesEqual() {
    byte[] a = Json.canonicalBytes(Map.of("b", 1, "a", Map.of("y", 2, "x", 3)));
    byte[] b = Json.canonicalBytes(Map.of("a", Map.of("x", 3, "y", 2), "b", 1));
    assertThat(new String(a, java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("{\"a\":{\"x\":3,\"y\":2},\"b\":1}");
    assertThat(Hashing.sha256Hex(a)).isEqualTo(Hashing.sha256Hex(b));
  }
}
