package dev.cairn.data.stats;

import java.util.Arrays;

/** Open-addressing set of 64-bit hashes (0 is held out of band), for exact distinct and uniqueness counts. */
public final class LongHashSet {
  private long[] slots = new long[64];
  private int size;
  private boolean hasZero;

  /** Adds h; true when it was not yet in the set. */
  public boolean add(long h) {
    if (h == 0) {
      boolean added = !hasZero;
      hasZero = true;
      return added;
    }
    if ((size + 1) * 2 > slots.length) {
      grow();
    }
    int mask = slots.length - 1;
    int i = (int) (h ^ (h >>> 32)) & mask;
    while (slots[i] != 0) {
      if (slots[i] == h) {
        return false;
      }
      i = (i + 1) & mask;
    }
    slots[i] = h;
    size++;
    return true;
  }

  public int size() {
    return size + (hasZero ? 1 : 0);
  }

  /** The members in ascending order. */
  public long[] toSortedArray() {
    long[] out = new long[size()];
    int j = 0;
    if (hasZero) {
      out[j++] = 0;
    }
    for (long h : slots) {
      if (h != 0) {
        out[j++] = h;
      }
    }
    Arrays.sort(out);
    return out;
  }

  private void grow() {
    long[] old = slots;
    slots = new long[old.length * 2];
    size = 0;
    for (long h : old) {
      if (h != 0) {
        add(h);
      }
    }
  }
}
