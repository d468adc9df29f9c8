package dev.cairn.ml.split;

import dev.cairn.ml.frame.Column;
import dev.cairn.ml.frame.Frame;
import dev.cairn.ml.frame.NumericColumn;
import dev.cairn.ml.frame.StringColumn;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Seeded, deterministic row splits. Rows are grouped by stratum (the stratify column's value; one group when not
 * stratified), strata are visited in sorted order, each is shuffled with one seeded generator, and each stratum
 * gives {@code round(n * fraction)} rows to test and validation: every class keeps its share within one row.
 */
public final class Splitter {
  private static final String MISSING = "\u0000missing";

  private Splitter() {}

  public static SplitIndices split(Frame frame, SplitSpec spec) {
    TreeMap<String, List<Integer>> strata = strata(frame, spec.stratifyBy());
    SplittableRandom random = new SplittableRandom(spec.seed());
    IntList train = new IntList();
    IntList validation = new IntList();
    IntList test = new IntList();
    for (List<Integer> rows : strata.values()) {
      int[] shuffled = rows.stream().mapToInt(Integer::intValue).toArray();
      for (int i = shuffled.length - 1; i > 0; i--) {
        int j = random.nextInt(i + 1);
        int t = shuffled[i];
        shuffled[i] = shuffled[j];
        shuffled[j] = t;
      }
      int n = shuffled.length;
      int nTest = (int) Math.round(n * spec.testFraction());
      int nValidation = Math.min(n - nTest, (int) Math.round(n * spec.validationFraction()));
      for (int i = 0; i < n; i++) {
        (i < nTest ? test : i < nTest + nValidation ? validation : train).add(shuffled[i]);
      }
    }
    return new SplitIndices(train.sorted(), validation.sorted(), test.sorted());
  }

  private static TreeMap<String, List<Integer>> strata(Frame frame, String column) {
    TreeMap<String, List<Integer>> strata = new TreeMap<>();
    int n = frame.rowCount();
    if (column == null) {
      List<Integer> all = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        all.add(i);
      }
      strata.put("", all);
      return strata;
    }
    Column c = frame.column(column);
    for (int i = 0; i < n; i++) {
      String key;
      if (c instanceof StringColumn s) {
        key = s.values()[i] == null ? MISSING : s.values()[i];
      } else {
        double v = ((NumericColumn) c).values()[i];
        key = Double.isNaN(v) ? MISSING : Double.toString(v);
      }
      strata.computeIfAbsent(key, k -> new ArrayList<>()).add(i);
    }
    return strata;
  }

  private static final class IntList {
    private int[] values = new int[16];
    private int size;

    void add(int v) {
      if (size == values.length) {
        values = Arrays.copyOf(values, size * 2);
      }
      values[size++] = v;
    }

    int[] sorted() {
      int[] out = Arrays.copyOf(values, size);
      Arrays.sort(out);
      return out;
    }
  }
}
