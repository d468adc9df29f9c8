package dev.cairn.cli.data;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.stream.Collectors;

/** Human formats for terminal output. */
final class Format {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

  private Format() {}

  static String bytes(long n) {
    return dev.cairn.core.Sizes.readable(n);
  }

  static String time(long epochMs) {
    return TIME.format(Instant.ofEpochMilli(epochMs));
  }

  static String tags(Map<String, String> tags) {
    return tags.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
  }

  static String plural(long n, String word) {
    return n + " " + word + (n == 1 ? "" : "s");
  }

  /** A quantile as a percentile label: 0.9 -> "90", 0.995 -> "99.5". */
  static String percent(double q) {
    return new java.math.BigDecimal(Double.toString(q * 100)).round(new java.math.MathContext(6))
        .stripTrailingZeros().toPlainString();
  }

  /** A statistic with four significant digits, without exponent for everyday magnitudes. */
  static String number(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return new java.math.BigDecimal(v).round(new java.math.MathContext(4)).stripTrailingZeros().toPlainString();
  }
}
