package dev.cairn.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SizesTest {
  @Test
  void bytesBelowAKibibyteStayWholeAndLargerOnesGetOneDecimalOfTheirUnit() {
    assertThat(Sizes.readable(0)).isEqualTo("0 B");
    assertThat(Sizes.readable(1023)).isEqualTo("1023 B");
    assertThat(Sizes.readable(1024)).isEqualTo("1.0 KiB");
    assertThat(Sizes.readable(10_445)).isEqualTo("10.2 KiB");
    assertThat(Sizes.readable(3L << 30)).isEqualTo("3.0 GiB");
    assertThat(Sizes.readable(5L << 50)).isEqualTo("5.0 PiB");
    assertThat(Sizes.readable(Long.MAX_VALUE)).isEqualTo("8192.0 PiB");
  }
}
