package dev.cairn.data.drift;

import dev.cairn.core.Json;
import java.util.List;

/** Drift of every compared column and the dataset verdict: drift when {@code share >= shareThreshold}. */
public record DriftReport(List<ColumnDrift> columns, int driftedColumns, double share, double shareThreshold,
    boolean datasetDrift) {
  public DriftReport {
    columns = List.copyOf(columns);
  }

  public static DriftReport of(List<ColumnDrift> columns, double shareThreshold) {
    int drifted = (int) columns.stream().filter(ColumnDrift::drifted).count();
    double share = columns.isEmpty() ? 0 : (double) drifted / columns.size();
    return new DriftReport(columns, drifted, share, shareThreshold, !columns.isEmpty() && share >= shareThreshold);
  }

  public ColumnDrift column(String name) {
    return columns.stream().filter(c -> c.column().equals(name)).findFirst().orElse(null);
  }

  public String toJson() {
    return Json.write(this);
  }
}
