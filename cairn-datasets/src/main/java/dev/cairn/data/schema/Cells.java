package dev.cairn.data.schema;

import java.util.List;

/**
 * Allocation-free parsing of cell text (a char slice) into typed values: the one place that decides what
 * counts as a number, boolean, timestamp or missing value, shared by profiling and validation.
 */
public final class Cells {
  /** Missing-value spellings used unless configured otherwise (pandas' common ones). */
  public static final List<String> DEFAULT_NULL_TOKENS = List.of("", "NA", "N/A", "null", "NULL", "NaN", "nan", "None");

  /** Returned by {@link #parseTimestampMillis} when the text is not an ISO-8601 date or date-time. */
  public static final long NOT_A_TIMESTAMP = Long.MIN_VALUE;

  private static final double[] POW10 = new double[23];

  static {
    double p = 1;
    for (int i = 0; i < POW10.length; i++) {
      POW10[i] = p;
      p *= 10;
    }
  }

  private Cells() {}

  /** True when the slice equals one of {@code tokens}. */
  public static boolean isNullToken(char[][] tokensChars, char[] b, int off, int len) {
    for (char[] t : tokensChars) {
      if (t.length == len) {
        boolean same = true;
        for (int i = 0; i < len; i++) {
          if (t[i] != b[off + i]) {
            same = false;
            break;
          }
        }
        if (same) {
          return true;
        }
      }
    }
    return false;
  }

  public static char[][] tokens(List<String> tokens) {
    char[][] out = new char[tokens.size()][];
    for (int i = 0; i < out.length; i++) {
      out[i] = tokens.get(i).toCharArray();
    }
    return out;
  }

  /**
   * The decimal number in the slice, or NaN when it is not one. Accepts {@code [+-]digits[.digits][e[+-]digits]}
   * only (no hex, no Infinity, no surrounding spaces). Numbers of up to 15 digits without exponent are
   * converted exactly without allocation (Clinger's fast path: an integer below 2^53 divided by an exact power
   * of ten rounds correctly); others fall back to {@link Double#parseDouble}.
   */
  public static double parseNumber(char[] b, int off, int len) {
    if (len == 0) {
      return Double.NaN;
    }
    int i = off;
    int end = off + len;
    boolean negative = false;
    char c = b[i];
    if (c == '-' || c == '+') {
      negative = c == '-';
      i++;
    }
    long mantissa = 0;
    int intStart = i;
    // integer digits; past 18 digits the long would overflow, but then the slow path reparses anyway
    while (i < end) {
      int d = b[i] - '0';
      if ((d | (9 - d)) < 0) {
        break;
      }
      mantissa = mantissa * 10 + d;
      i++;
    }
    int intDigits = i - intStart;
    int fraction = 0;
    if (i < end && b[i] == '.') {
      i++;
      int fracStart = i;
      while (i < end) {
        int d = b[i] - '0';
        if ((d | (9 - d)) < 0) {
          break;
        }
        mantissa = mantissa * 10 + d;
        i++;
      }
      fraction = i - fracStart;
    }
    if (intDigits + fraction == 0) {
      return Double.NaN;
    }
    if (i == end) {
      if (intDigits + fraction <= 15) {
        double v = fraction == 0 ? (double) mantissa : mantissa / POW10[fraction];
        return negative ? -v : v;
      }
      return Double.parseDouble(new String(b, off, len));
    }
    if (b[i] != 'e' && b[i] != 'E') {
      return Double.NaN;
    }
    int j = i + 1;
    if (j < end && (b[j] == '+' || b[j] == '-')) {
      j++;
    }
    if (j >= end) {
      return Double.NaN;
    }
    for (; j < end; j++) {
      if (b[j] < '0' || b[j] > '9') {
        return Double.NaN;
      }
    }
    return Double.parseDouble(new String(b, off, len));
  }

  /** True when the slice is a number written without a fraction or exponent (call after {@link #parseNumber}). */
  public static boolean isIntegerSyntax(char[] b, int off, int len) {
    for (int i = off; i < off + len; i++) {
      char c = b[i];
      if (c == '.' || c == 'e' || c == 'E') {
        return false;
      }
    }
    return true;
  }

  /** 1 for true, 0 for false (case-insensitive), -1 otherwise. */
  public static int parseBoolean(char[] b, int off, int len) {
    if (len == 4 && equalsIgnoreCase(b, off, "true")) {
      return 1;
    }
    if (len == 5 && equalsIgnoreCase(b, off, "false")) {
      return 0;
    }
    return -1;
  }

  private static boolean equalsIgnoreCase(char[] b, int off, String word) {
    for (int i = 0; i < word.length(); i++) {
      if (Character.toLowerCase(b[off + i]) != word.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Epoch milliseconds of an ISO-8601 date {@code yyyy-MM-dd} or date-time
   * {@code yyyy-MM-dd[T| ]HH:mm[:ss[.fraction]][Z|+HH:MM|-HH:MM]} (no zone means UTC), or
   * {@link #NOT_A_TIMESTAMP}.
   */
  public static long parseTimestampMillis(char[] b, int off, int len) {
    if (len < 10 || b[off + 4] != '-' || b[off + 7] != '-') {
      return NOT_A_TIMESTAMP;
    }
    int year = digits(b, off, 4);
    int month = digits(b, off + 5, 2);
    int day = digits(b, off + 8, 2);
    if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
      return NOT_A_TIMESTAMP;
    }
    long millis = daysFromCivil(year, month, day) * 86_400_000L;
    if (len == 10) {
      return millis;
    }
    int i = off + 10;
    int end = off + len;
    if ((b[i] != 'T' && b[i] != ' ') || len < 16 || b[i + 3] != ':') {
      return NOT_A_TIMESTAMP;
    }
    int hour = digits(b, i + 1, 2);
    int minute = digits(b, i + 4, 2);
    if (hour < 0 || hour > 23 || minute < 0 || minute > 59) {
      return NOT_A_TIMESTAMP;
    }
    millis += hour * 3_600_000L + minute * 60_000L;
    i += 6;
    if (i < end && b[i] == ':') {
      if (i + 3 > end) {
        return NOT_A_TIMESTAMP;
      }
      int second = digits(b, i + 1, 2);
      if (second < 0 || second > 60) {
        return NOT_A_TIMESTAMP;
      }
      millis += second * 1000L;
      i += 3;
      if (i < end && (b[i] == '.' || b[i] == ',')) {
        i++;
        int start = i;
        long frac = 0;
        while (i < end && b[i] >= '0' && b[i] <= '9') {
          if (i - start < 3) {
            frac = frac * 10 + (b[i] - '0');
          }
          i++;
        }
        if (i == start) {
          return NOT_A_TIMESTAMP;
        }
        for (int k = i - start; k < 3; k++) {
          frac *= 10;
        }
        millis += frac;
      }
    }
    if (i == end) {
      return millis;
    }
    if (b[i] == 'Z' && i + 1 == end) {
      return millis;
    }
    if ((b[i] == '+' || b[i] == '-') && end - i == 6 && b[i + 3] == ':') {
      int oh = digits(b, i + 1, 2);
      int om = digits(b, i + 4, 2);
      if (oh < 0 || oh > 18 || om < 0 || om > 59) {
        return NOT_A_TIMESTAMP;
      }
      long offset = (oh * 60L + om) * 60_000L;
      return b[i] == '+' ? millis - offset : millis + offset;
    }
    return NOT_A_TIMESTAMP;
  }

  private static int digits(char[] b, int off, int n) {
    int v = 0;
    for (int i = 0; i < n; i++) {
      char c = b[off + i];
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  private static int daysInMonth(int year, int month) {
    return switch (month) {
      case 2 -> (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
      case 4, 6, 9, 11 -> 30;
      default -> 31;
    };
  }

  /** Days since 1970-01-01 (Howard Hinnant's algorithm). */
  private static long daysFromCivil(int y, int m, int d) {
    y -= m <= 2 ? 1 : 0;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
  }

  /** 64-bit FNV-1a-then-mix hash of a slice, for distinct counting without building a String. */
  public static long hash(char[] b, int off, int len) {
    long h = 0xcbf29ce484222325L;
    for (int i = off; i < off + len; i++) {
      h ^= b[i];
      h *= 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    return h;
  }
}
