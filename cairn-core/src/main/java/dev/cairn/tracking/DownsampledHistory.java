package dev.cairn.tracking;

import java.util.List;

/** A metric history reduced for a chart: how many points the series has, and the few kept, in x order. */
public record DownsampledHistory(long totalPoints, List<ChartPoint> points) {
  public DownsampledHistory {
    points = List.copyOf(points);
  }
}
