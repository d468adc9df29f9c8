package dev.cairn.ml.eval;

import dev.cairn.core.CairnException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Metrics per slice of the declared slice columns, and the best-to-worst gap per column and metric. */
public record SliceReport(int minimumSize, List<SliceMetrics> slices, List<SliceGap> gaps) {
  public SliceReport {
    if (minimumSize < 0) {
      throw CairnException.invalid("minimum slice size " + minimumSize + " is negative");
    }
    slices = List.copyOf(slices);
    gaps = List.copyOf(gaps);
  }

  /** An empty report (no slice columns declared). */
  public static SliceReport none() {
    return new SliceReport(0, List.of(), List.of());
  }

  /**
   * Computes every metric of the task per value of each slice column (values in sorted order). Slices with fewer
   * than {@code minimumSize} rows are listed but left out of the gaps.
   */
  public static SliceReport compute(Predictions predictions, List<SliceColumn> columns, int minimumSize) {
    List<SliceMetrics> slices = new ArrayList<>();
    List<SliceGap> gaps = new ArrayList<>();
    for (SliceColumn column : columns) {
      if (column.values().length != predictions.size()) {
        throw CairnException.invalid("slice column '" + column.name() + "' has " + column.values().length
            + " values but there are " + predictions.size() + " rows; it needs one value per row");
      }
      Map<String, List<Integer>> rowsByValue = new TreeMap<>();
      for (int i = 0; i < column.values().length; i++) {
        String v = column.values()[i] == null ? SliceColumn.MISSING : column.values()[i];
        rowsByValue.computeIfAbsent(v, k -> new ArrayList<>()).add(i);
      }
      List<SliceMetrics> ofColumn = new ArrayList<>();
      for (var e : rowsByValue.entrySet()) {
        int[] rows = e.getValue().stream().mapToInt(Integer::intValue).toArray();
        Map<String, Double> metrics = Metric.computeAll(predictions.subset(rows));
        ofColumn.add(new SliceMetrics(column.name(), e.getKey(), rows.length, rows.length >= minimumSize, metrics));
      }
      slices.addAll(ofColumn);
      gaps.addAll(gapsOf(column.name(), ofColumn, predictions.task()));
    }
    return new SliceReport(minimumSize, slices, gaps);
  }

  private static List<SliceGap> gapsOf(String column, List<SliceMetrics> slices, String task) {
    List<SliceGap> gaps = new ArrayList<>();
    for (Metric metric : Metric.forTask(task)) {
      Map<String, Double> values = new LinkedHashMap<>();
      for (SliceMetrics s : slices) {
        Double v = s.metrics().get(metric.key());
        if (s.inGap() && v != null) {
          values.put(s.value(), v);
        }
      }
      if (values.size() < 2) {
        continue; // a gap needs two slices to compare
      }
      String best = null;
      String worst = null;
      for (var e : values.entrySet()) {
        if (best == null || better(metric, e.getValue(), values.get(best))) {
          best = e.getKey();
        }
        if (worst == null || better(metric, values.get(worst), e.getValue())) {
          worst = e.getKey();
        }
      }
      double b = values.get(best);
      double w = values.get(worst);
      gaps.add(new SliceGap(column, metric.key(), best, b, worst, w, Math.abs(b - w)));
    }
    return gaps;
  }

  private static boolean better(Metric metric, double a, double b) {
    return metric.higherIsBetter() ? a > b : a < b;
  }

  /** The gap of {@code metric} across the slices of {@code column}, if at least two slices had it. */
  public java.util.Optional<SliceGap> gap(String column, String metric) {
    return gaps.stream().filter(g -> g.column().equals(column) && g.metric().equals(metric)).findFirst();
  }

  /** The slice of {@code column} with value {@code value}, if any row had it. */
  public java.util.Optional<SliceMetrics> slice(String column, String value) {
    return slices.stream().filter(s -> s.column().equals(column) && s.value().equals(value)).findFirst();
  }

  /** Largest gap per metric over all slice columns; what a gate checks as {@code slice_gap.<metric>}. */
  public Map<String, Double> largestGaps() {
    Map<String, Double> out = new HashMap<>();
    for (SliceGap g : gaps) {
      out.merge(g.metric(), g.gap(), Math::max);
    }
    return out;
  }
}
