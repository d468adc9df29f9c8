package dev.cairn.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class HashingTest {
  @Test
  void sha256OfKnownVectorsMatchesFips180() {
    assertThat(Hashing.sha256Hex("abc".getBytes(StandardCharsets.US_ASCII)))
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assertThat(Hashing.sha256Hex(new byte[0]))
        .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  }

  @Property
  void streamAndArrayHashesAgree(@ForAll byte[] content) throws Exception {
    String fromStream = Hashing.sha256Hex(new ByteArrayInputStream(content));
    assertThat(fromStream).isEqualTo(Hashing.sha256Hex(content));
    assertThat(Hashing.isSha256Hex(fromStream)).isTrue();
  }

  @Test
  void isSha256HexRejectsUppercaseAndWrongLength() {
    assertThat(Hashing.isSha256Hex("A".repeat(64))).isFalse();
    assertThat(Hashing.isSha256Hex("a".repeat(63))).isFalse();
    assertThat(Hashing.isSha256Hex(null)).isFalse();
  }
}
