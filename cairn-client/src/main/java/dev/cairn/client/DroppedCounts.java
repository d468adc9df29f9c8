package dev.cairn.client;

/**
 * What a run's logger gave up on because the tracking server could not be reached: metric points, params
 * and tags that were never stored. Items the server refused as invalid are not counted here; see
 * {@link ActiveRun#rejected()}.
 *
 * @param metrics metric points dropped
 * @param params params dropped
 * @param tags tags dropped
 */
public record DroppedCounts(long metrics, long params, long tags) {
  /** Nothing dropped. */
  public static final DroppedCounts NONE = new DroppedCounts(0, 0, 0);

  /** Metric points, params and tags together. */
  public long total() {
    return metrics + params + tags;
  }
}
