package dev.cairn.data.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class CellsProperties {
  private static double parse(String s) {
    return Cells.parseNumber(s.toCharArray(), 0, s.length());
  }

  @Property(tries = 2000)
  void parseNumberAgreesWithDoubleParseDoubleOnDoubles(@ForAll double v) {
    String s = Double.toString(v);
    if (Double.isFinite(v)) {
      assertThat(parse(s)).isEqualTo(Double.parseDouble(s));
    }
  }

  @Property(tries = 2000)
  void parseNumberAgreesOnShortDecimals(@ForAll @LongRange(min = -99_999_999_999L, max = 99_999_999_999L) long m,
      @ForAll @LongRange(min = 0, max = 9) long scale) {
    String s = java.math.BigDecimal.valueOf(m, (int) scale).toPlainString();
    assertThat(parse(s)).isEqualTo(Double.parseDouble(s));
  }

  @Test
  void nonNumbersAreNaN() {
    for (String s : new String[] {"", "-", ".", "1e", "abc", "1.2.3", "Infinity", "0x10", " 1", "1d", "e5"}) {
      assertThat(parse(s)).as(s).isNaN();
    }
    assertThat(parse("1e3")).isEqualTo(1000.0);
    assertThat(parse("+.5")).isEqualTo(0.5);
  }

  @Property(tries = 500)
  void timestampsMatchJavaTime(@ForAll @LongRange(min = -2_000_000_000_000L, max = 4_000_000_000_000L) long millis) {
    String iso = Instant.ofEpochMilli(millis).toString();
    assertThat(Cells.parseTimestampMillis(iso.toCharArray(), 0, iso.length())).isEqualTo(millis);
    String date = LocalDate.ofInstant(Instant.ofEpochMilli(millis), ZoneOffset.UTC).toString();
    assertThat(Cells.parseTimestampMillis(date.toCharArray(), 0, date.length()))
        .isEqualTo(LocalDate.parse(date).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli());
  }

  @Test
  void timestampOffsetsAndInvalidDates() {
    String s = "2024-03-01T12:00:00+02:00";
    assertThat(Cells.parseTimestampMillis(s.toCharArray(), 0, s.length()))
        .isEqualTo(Instant.parse("2024-03-01T10:00:00Z").toEpochMilli());
    for (String bad : new String[] {"2024-02-30", "2024-13-01", "2024-01-01T25:00", "2024-01-01X", "20240101"}) {
      assertThat(Cells.parseTimestampMillis(bad.toCharArray(), 0, bad.length())).as(bad).isEqualTo(Cells.NOT_A_TIMESTAMP);
    }
  }
}
