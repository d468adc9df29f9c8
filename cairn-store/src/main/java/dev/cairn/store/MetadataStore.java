package dev.cairn.store;

import dev.cairn.core.CairnException;
import dev.cairn.core.Component;
import dev.cairn.tracking.DatasetInput;
import dev.cairn.tracking.Experiment;
import dev.cairn.tracking.Metric;
import dev.cairn.tracking.DownsampledHistory;
import dev.cairn.tracking.Downsampler;
import dev.cairn.tracking.MetricAxis;
import dev.cairn.tracking.MetricPoint;
import dev.cairn.tracking.Page;
import dev.cairn.tracking.Param;
import dev.cairn.tracking.Run;
import dev.cairn.tracking.RunInfo;
import dev.cairn.tracking.RunStatus;
import dev.cairn.tracking.Tag;
import dev.cairn.tracking.TrackingValidation;
import dev.cairn.tracking.ViewType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Durable tracking metadata: experiments, runs, params, metric series, tags and dataset inputs.
 *
 * <p>Contract, shared by every backend (the contract suite {@code MetadataStoreContract} checks it):
 * <ul>
 *   <li>A missing experiment or run raises {@link CairnException} with {@code RESOURCE_DOES_NOT_EXIST}; a
 *       duplicate experiment name raises {@code RESOURCE_ALREADY_EXISTS}; a bad argument (including a
 *       malformed filter, which names the position of the error) raises {@code INVALID_PARAMETER_VALUE}.
 *   <li>Every method is atomic: it either applies whole or leaves no trace. {@link #logBatch} in particular
 *       writes all its metrics, params and tags in one transaction.
 *   <li>Params are immutable: logging the same value again is a no-op, a different value is
 *       {@code INVALID_PARAMETER_VALUE}. Tags are last-write-wins. Metrics append, except that a point equal in
 *       every field (key, value, timestamp, step) to one the run holds is ignored, so a retried call stores nothing
 *       twice (MLflow's primary key does the same); the run's latest value of a
 *       key is the point with the greatest (step, timestamp, value), NaN ordered above all numbers.
 *   <li>Writes to a deleted run or experiment are {@code INVALID_STATE}.
 *   <li>Paged methods return at most {@code maxResults} items and an opaque page token for the rest.
 * </ul>
 * Backends are picked by URI scheme with {@link MetadataStores#open}.
 */
public interface MetadataStore extends Component, AutoCloseable {

  /** The id of the experiment every store creates on first open, named "Default". */
  String DEFAULT_EXPERIMENT_ID = "0";

  // ---- experiments

  /** Creates an experiment; its artifact location defaults to {@code <artifactRoot>/<id>} when null. */
  String createExperiment(String name, String artifactLocation, List<Tag> tags);

  Experiment getExperiment(String experimentId);

  Experiment getExperimentByName(String name);

  /** Filter grammar: {@code attributes.name}, {@code tags.<key>} with = != LIKE ILIKE, AND/OR/parentheses. */
  Page<Experiment> searchExperiments(
      ViewType viewType, String filter, List<String> orderBy, int maxResults, String pageToken);

  void renameExperiment(String experimentId, String newName);

  /** Soft-deletes the experiment and its runs. */
  void deleteExperiment(String experimentId);

  void restoreExperiment(String experimentId);

  void setExperimentTag(String experimentId, Tag tag);

  void deleteExperimentTag(String experimentId, String key);

  // ---- runs

  RunInfo createRun(String experimentId, String userId, long startTime, String runName, List<Tag> tags);

  Run getRun(String runId);

  /** Changes status, end time and/or name; null arguments leave the field as it is. */
  RunInfo updateRun(String runId, RunStatus status, Long endTime, String runName);

  void deleteRun(String runId);

  void restoreRun(String runId);

  /** Writes all or nothing, in one transaction. */
  void logBatch(String runId, List<Metric> metrics, List<Param> params, List<Tag> tags);

  void deleteTag(String runId, String key);

  void logInputs(String runId, List<DatasetInput> inputs);

  /**
   * One page of the points of one metric, ordered by (step, timestamp, value); {@code maxResults} of 0 or less
   * means MLflow's page size of 25,000. The page is held in memory: to send a long series, use
   * {@link #visitMetricHistory}.
   */
  default Page<Metric> getMetricHistory(String runId, String key, int maxResults, String pageToken) {
    List<Metric> points = new ArrayList<>();
    int pageSize = maxResults <= 0 ? TrackingValidation.MAX_RESULTS_GET_METRIC_HISTORY : maxResults;
    String next = visitMetricHistory(runId, key, pageSize, pageToken, points::add);
    return new Page<>(points, next);
  }

  /**
   * Hands the points of one metric to {@code visitor} in (step, timestamp, value) order, starting where
   * {@code pageToken} says (null: the first point), at most {@code maxResults} of them (0: all), and returns the
   * token of the next page, or null when none is left. Memory stays bounded whatever the series' length: points
   * are read in chunks and not kept. A missing run is {@code RESOURCE_DOES_NOT_EXIST}, raised before the first
   * point is visited; a bad token is {@code INVALID_PARAMETER_VALUE}.
   */
  String visitMetricHistory(String runId, String key, int maxResults, String pageToken, Consumer<Metric> visitor);

  /**
   * One metric reduced to at most {@code maxPoints} chart points (2 or more) against {@code axis}, in x order, as
   * {@link Downsampler} reduces it (first, last, least and greatest value per bucket of the axis range), with the
   * series' total; null when the run has no such metric, {@code RESOURCE_DOES_NOT_EXIST} for a missing run. Memory
   * stays bounded. This default reads the series twice (its range, then its points); a store should use its indexes.
   */
  default DownsampledHistory downsampleMetricHistory(String runId, String key, MetricAxis axis, int maxPoints) {
    long[] range = {Long.MAX_VALUE, Long.MIN_VALUE};
    visitMetricHistory(runId, key, 0, null, m -> {
      range[0] = Math.min(range[0], axis.of(m));
      range[1] = Math.max(range[1], axis.of(m));
    });
    if (range[0] > range[1]) {
      return null;
    }
    Downsampler downsampler = new Downsampler(maxPoints, new MetricAxis.Range(range[0], range[1]));
    visitMetricHistory(runId, key, 0, null, m -> downsampler.add(axis.of(m), m.value()));
    return new DownsampledHistory(downsampler.total(), downsampler.points());
  }

  /**
   * Points of one metric for several runs with steps in [startStep, endStep] (null: unbounded), sampled
   * evenly to at most {@code maxResults} per run, always keeping each run's first and last step.
   */
  List<MetricPoint> getMetricHistoryBulkInterval(
      List<String> runIds, String key, Long startStep, Long endStep, int maxResults);

  /**
   * Runs of the given experiments matching the filter (MLflow's grammar plus OR and parentheses), ordered
   * by {@code orderBy} (e.g. {@code "metrics.acc DESC"}) then start_time DESC, run_id as MLflow breaks ties.
   */
  Page<Run> searchRuns(
      List<String> experimentIds,
      String filter,
      ViewType viewType,
      int maxResults,
      List<String> orderBy,
      String pageToken);

  /** Most experiments {@link #countRuns} takes in one call. */
  int MAX_COUNTED_EXPERIMENTS = 1_000;

  /**
   * How many runs of each experiment are in {@code viewType}'s lifecycle stage (null: active), in one grouped
   * query served by an index: the experiments page shows it without reading any run. Experiments without such runs,
   * and ids no experiment has, map to 0; at most {@value #MAX_COUNTED_EXPERIMENTS} ids.
   */
  Map<String, Long> countRuns(List<String> experimentIds, ViewType viewType);

  @Override
  void close();
}
