package dev.cairn.data.table;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** The reusable {@link Row} behind both readers: values copied side by side into one char array. */
final class RowBuffer implements Row {
  private final Path file;
  private List<String> columns;
  private long line;
  private int size;
  private char[] chars = new char[1024];
  private int used;
  private int[] starts = new int[16];
  private int[] lengths = new int[16];
  private boolean[] nulls = new boolean[16];
  private String[] cache = new String[16];

  RowBuffer(Path file, List<String> columns) {
    this.file = file;
    this.columns = columns;
  }

  void columns(List<String> newColumns) {
    this.columns = newColumns;
  }

  void reset(long newLine) {
    line = newLine;
    size = 0;
    used = 0;
  }

  /** Resets to {@code width} null values, for JSON rows that fill values by key. */
  void resetNulls(long newLine, int width) {
    reset(newLine);
    ensureSlots(width);
    for (int i = 0; i < width; i++) {
      nulls[i] = true;
      lengths[i] = 0;
      starts[i] = 0;
      cache[i] = null;
    }
    size = width;
  }

  void add(char[] source, int offset, int length) {
    ensureSlots(size + 1);
    set(size++, source, offset, length);
  }

  void set(int index, char[] source, int offset, int length) {
    ensureSlots(index + 1);
    if (index >= size) {
      for (int i = size; i < index; i++) {
        nulls[i] = true;
        lengths[i] = 0;
        cache[i] = null;
      }
      size = index + 1;
    }
    if (used + length > chars.length) {
      chars = Arrays.copyOf(chars, Math.max(chars.length * 2, used + length));
    }
    System.arraycopy(source, offset, chars, used, length);
    starts[index] = used;
    lengths[index] = length;
    nulls[index] = false;
    cache[index] = null;
    used += length;
  }

  void setNull(int index) {
    ensureSlots(index + 1);
    if (index >= size) {
      size = index + 1;
    }
    nulls[index] = true;
    lengths[index] = 0;
    cache[index] = null;
  }

  private void ensureSlots(int n) {
    if (n > starts.length) {
      int cap = Math.max(n, starts.length * 2);
      starts = Arrays.copyOf(starts, cap);
      lengths = Arrays.copyOf(lengths, cap);
      nulls = Arrays.copyOf(nulls, cap);
      cache = Arrays.copyOf(cache, cap);
    }
  }

  void clearCache() {
    Arrays.fill(cache, 0, size, null);
  }

  @Override
  public Path file() {
    return file;
  }

  @Override
  public long line() {
    return line;
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public List<String> columns() {
    return columns;
  }

  @Override
  public boolean isNull(int i) {
    return nulls[check(i)];
  }

  @Override
  public String get(int i) {
    check(i);
    if (nulls[i]) {
      return null;
    }
    String s = cache[i];
    if (s == null) {
      s = new String(chars, starts[i], lengths[i]);
      cache[i] = s;
    }
    return s;
  }

  @Override
  public char[] chars() {
    return chars;
  }

  @Override
  public int start(int i) {
    return starts[check(i)];
  }

  @Override
  public int length(int i) {
    return lengths[check(i)];
  }

  private int check(int i) {
    if (i < 0 || i >= size) {
      throw new IndexOutOfBoundsException("value " + i + " of a row with " + size + " values");
    }
    return i;
  }
}
