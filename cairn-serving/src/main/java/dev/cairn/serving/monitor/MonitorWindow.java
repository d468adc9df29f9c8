package dev.cairn.serving.monitor;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.cairn.core.CairnException;
import dev.cairn.core.Json;
import dev.cairn.data.drift.ColumnDrift;
import dev.cairn.data.drift.DriftDetector;
import dev.cairn.data.drift.DriftMethod;
import dev.cairn.data.drift.DriftOptions;
import dev.cairn.data.drift.DriftReport;
import dev.cairn.data.stats.ColumnProfile;
import dev.cairn.data.stats.Profile;
import dev.cairn.data.stats.ProfileOptions;
import dev.cairn.data.stats.Profiler;
import dev.cairn.ml.bundle.BundleManifest;
import dev.cairn.ml.bundle.InputField;
import dev.cairn.ml.bundle.OutputSchema;
import dev.cairn.ml.frame.ColumnType;
import dev.cairn.serving.log.StoredPrediction;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The monitor figures of one deployment's model version over one time window: operations, data quality per input
 * feature, and drift of every input feature and of the prediction against the bundle's reference statistics (the
 * training table's profile). A pure function of the bundle's manifest and the logged predictions.
 *
 * @param deployment the deployment the predictions were served by
 * @param modelName the registered model
 * @param modelVersion its version
 * @param fromMs window start (inclusive, epoch milliseconds)
 * @param toMs window end (exclusive)
 * @param operations counts and latency
 * @param quality per input feature: missing values, unknown categories, out-of-range numbers
 * @param drift per input feature against the reference; null when the bundle has no reference statistics or the
 *     window is empty
 * @param predictionDrift the prediction's distribution against the training target's; null when not comparable
 * @param driftShare share of compared input features whose verdict is drifted (0 when none was compared)
 * @param accuracy live accuracy from feedback in this window (classification); null without labelled feedback
 * @param rmse live root mean squared error from feedback (regression); null without valued feedback
 * @param feedback prediction rows in the window with feedback; null when none
 * @param psi population stability index of every compared input feature against the reference (the drift library's
 *     PSI over reference-quantile bins, or over categories); empty (never null) without reference or rows
 * @param process per server replica, avg/max of its process figures sampled in the window; null when none
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MonitorWindow(
    String deployment,
    @JsonProperty("model_name") String modelName,
    @JsonProperty("model_version") int modelVersion,
    @JsonProperty("from_ms") long fromMs,
    @JsonProperty("to_ms") long toMs,
    Operations operations,
    List<FeatureQuality> quality,
    DriftReport drift,
    @JsonProperty("prediction_drift") ColumnDrift predictionDrift,
    @JsonProperty("drift_share") double driftShare,
    Double accuracy,
    Double rmse,
    Integer feedback,
    Map<String, Double> psi,
    List<ProcessSamples.Figures> process) {
  @JsonCreator
  public MonitorWindow {
    if (toMs < fromMs) {
      throw CairnException.invalid("monitor window 'to' " + toMs + " is before 'from' " + fromMs);
    }
    quality = List.copyOf(quality);
    psi = psi == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(psi));
    process = process == null || process.isEmpty() ? null : List.copyOf(process);
  }

  /** A window without PSI or process figures. */
  public MonitorWindow(String deployment, String modelName, int modelVersion, long fromMs, long toMs,
      Operations operations, List<FeatureQuality> quality, DriftReport drift, ColumnDrift predictionDrift,
      double driftShare, Double accuracy, Double rmse, Integer feedback) {
    this(deployment, modelName, modelVersion, fromMs, toMs, operations, quality, drift, predictionDrift, driftShare,
        accuracy, rmse, feedback, Map.of(), null);
  }

  /**
   * Request and row counts and exact latency percentiles over the window's requests.
   *
   * @param requests logged requests (each with one or more rows)
   * @param predictions scored rows
   * @param errors failed requests (refused input, server errors) counted by the serving replicas; null when the
   *     window was computed without serving counts
   * @param latencyP50Ms median request latency in milliseconds (nearest rank); null when the window is empty
   * @param errorRate {@code errors / (served + errors)}; null without errors counted or when nothing was served
   * @param served requests answered as the serving replicas counted them (every request, whatever the prediction
   *     log's sample rate); null when the window was computed without serving counts
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Operations(long requests, long predictions, Long errors,
      @JsonProperty("latency_p50_ms") Double latencyP50Ms,
      @JsonProperty("latency_p95_ms") Double latencyP95Ms,
      @JsonProperty("latency_p99_ms") Double latencyP99Ms,
      @JsonProperty("error_rate") Double errorRate,
      @JsonProperty("served_requests") Long served) {
    @JsonCreator
    public Operations {}

    /** Figures from the prediction log alone. */
    public Operations(long requests, long predictions, Long errors, Double latencyP50Ms, Double latencyP95Ms,
        Double latencyP99Ms) {
      this(requests, predictions, errors, latencyP50Ms, latencyP95Ms, latencyP99Ms, null, null);
    }

    /**
     * These figures with the serving counts: {@code served} answered and {@code errors} failed requests. The rate
     * divides by the served count, or by the logged requests when nothing was counted as served.
     */
    /**
     * The requests answered: the larger of the served count (the log may keep a sample) and the logged requests (the
     * counts are written a few seconds late).
     */
    public long answered() {
      return Math.max(served == null ? 0 : served, requests);
    }

    public Operations withCounts(long servedCount, long errorCount) {
      long base = servedCount > 0 ? servedCount : requests;
      Double rate = base + errorCount == 0 ? null : (double) errorCount / (base + errorCount);
      return new Operations(requests, predictions, errorCount, latencyP50Ms, latencyP95Ms, latencyP99Ms, rate,
          servedCount);
    }
  }

  /**
   * Data quality of one input feature over the window's rows.
   *
   * @param missing rows without a value (absent key or null)
   * @param missingShare {@code missing / rows}
   * @param unknownCategories categorical values not among the bundle's allowed values
   * @param outOfRange numbers below the reference minimum or above its maximum
   * @param typeErrors values of the wrong type (text in a numeric feature)
   */
  public record FeatureQuality(String feature, long rows, long missing,
      @JsonProperty("missing_share") double missingShare,
      @JsonProperty("unknown_categories") long unknownCategories,
      @JsonProperty("out_of_range") long outOfRange,
      @JsonProperty("type_errors") long typeErrors) {}

  /** The window computed from {@code manifest}'s schema and reference statistics. */
  public static MonitorWindow compute(BundleManifest manifest, String deployment, String modelName, int modelVersion,
      long fromMs, long toMs, List<StoredPrediction> predictions, DriftOptions options) {
    return compute(manifest.inputSchema(), manifest.outputSchema(), reference(manifest), deployment, modelName, modelVersion,
        fromMs, toMs, predictions, options);
  }

  /** The bundle's reference statistics as a profile; null when it has none. */
  static Profile reference(BundleManifest manifest) {
    return manifest.referenceStatistics() == null || manifest.referenceStatistics().isNull() ? null
        : Profile.fromJson(Json.write(manifest.referenceStatistics()));
  }

  /**
   * The window of {@code predictions} (the caller picks those of one deployment, version and time range; shadow rows
   * belong to their own version) against {@code reference} (may be null: then no drift and no range checks).
   */
  public static MonitorWindow compute(List<InputField> inputs, OutputSchema output, Profile reference,
      String deployment, String modelName, int modelVersion, long fromMs, long toMs,
      List<StoredPrediction> predictions, DriftOptions options) {
    double[] latencies = new double[predictions.size()];
    long rows = 0;
    int n = inputs.size();
    long[] missing = new long[n];
    long[] unknown = new long[n];
    long[] outOfRange = new long[n];
    long[] typeErrors = new long[n];
    double[] min = new double[n];
    double[] max = new double[n];
    List<Set<String>> allowed = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      InputField f = inputs.get(i);
      allowed.add(f.allowedValues() == null ? null : new HashSet<>(f.allowedValues()));
      ColumnProfile ref = reference == null ? null : reference.column(f.name()).orElse(null);
      min[i] = ref == null || ref.min() == null ? Double.NEGATIVE_INFINITY : ref.min();
      max[i] = ref == null || ref.max() == null ? Double.POSITIVE_INFINITY : ref.max();
    }
    List<String> columns = new ArrayList<>(inputs.stream().map(InputField::name).toList());
    String target = output.name();
    boolean predictionColumn = reference != null && reference.column(target).isPresent() && !columns.contains(target);
    if (predictionColumn) {
      columns.add(target);
    }
    ProfileOptions profileOptions = ProfileOptions.DEFAULT;
    Profiler profiler = reference == null ? null : new Profiler(profileOptions);
    Object[] cells = new Object[columns.size()];
    int p = 0;
    for (StoredPrediction sp : predictions) {
      if (sp.startsRequest()) { // a call of N rows is N records: its latency counts once
        latencies[p++] = sp.latencyMs();
      }
      List<Map<String, Object>> in = sp.inputs();
      for (int r = 0; r < in.size(); r++) {
        Map<String, Object> values = in.get(r);
        rows++;
        for (int i = 0; i < n; i++) {
          InputField f = inputs.get(i);
          Object v = values.get(f.name());
          cells[i] = v;
          if (v == null) {
            missing[i]++;
          } else if (f.type() == ColumnType.CATEGORICAL) {
            Set<String> ok = allowed.get(i);
            if (ok != null && !ok.contains(v.toString())) {
              unknown[i]++;
            }
          } else if (v instanceof Number num) {
            double d = num.doubleValue();
            if (d < min[i] || d > max[i]) {
              outOfRange[i]++;
            }
          } else {
            typeErrors[i]++;
          }
        }
        if (profiler != null) {
          if (predictionColumn) {
            Map<String, Object> out = r < sp.outputs().size() ? sp.outputs().get(r) : Map.of();
            cells[n] = out.containsKey("label") ? out.get("label") : out.get("value");
          }
          profiler.accept(columns, cells);
        }
      }
    }
    List<FeatureQuality> quality = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      quality.add(new FeatureQuality(inputs.get(i).name(), rows, missing[i], rows == 0 ? 0 : (double) missing[i] / rows,
          unknown[i], outOfRange[i], typeErrors[i]));
    }
    DriftReport drift = null;
    ColumnDrift predictionDrift = null;
    Map<String, Double> psi = Map.of();
    if (profiler != null && rows > 0) {
      Profile current = profiler.finish();
      DriftReport all = DriftDetector.compare(reference, current, options);
      Set<String> features = new HashSet<>(inputs.stream().map(InputField::name).toList());
      drift = DriftReport.of(all.columns().stream().filter(c -> features.contains(c.column())).toList(),
          options.datasetDriftShare());
      predictionDrift = predictionColumn ? all.column(target) : null;
      psi = psi(reference, current, inputs, options);
    }
    return new MonitorWindow(deployment, modelName, modelVersion, fromMs, toMs,
        operations(p, rows, Arrays.copyOf(latencies, p)), quality, drift, predictionDrift,
        drift == null ? 0 : drift.share(), null, null, null, psi, null);
  }

  /**
   * The PSI of every input feature the reference can compare: the drift library run once more with PSI forced on
   * each feature (whatever test decides the feature's drift verdict), so rules can read {@code psi(FEATURE)}.
   */
  static Map<String, Double> psi(Profile reference, Profile current, List<InputField> inputs, DriftOptions options) {
    DriftOptions forced = options;
    for (InputField f : inputs) {
      forced = forced.withMethod(f.name(), DriftMethod.PSI);
    }
    Set<String> features = new HashSet<>(inputs.stream().map(InputField::name).toList());
    Map<String, Double> out = new TreeMap<>();
    for (ColumnDrift c : DriftDetector.compare(reference, current, forced).columns()) {
      if (features.contains(c.column()) && c.method() == DriftMethod.PSI && Double.isFinite(c.statistic())) {
        out.put(c.column(), c.statistic());
      }
    }
    return out;
  }

  static Operations operations(long requests, long rows, double[] latencies) {
    if (latencies.length == 0) {
      return new Operations(requests, rows, null, null, null, null);
    }
    double[] sorted = latencies.clone();
    Arrays.sort(sorted);
    return new Operations(requests, rows, null, nearestRank(sorted, 0.50), nearestRank(sorted, 0.95),
        nearestRank(sorted, 0.99));
  }

  /** The nearest-rank percentile: the smallest value with at least {@code q} of the values at or below it. */
  static double nearestRank(double[] sorted, double q) {
    int rank = (int) Math.ceil(q * sorted.length);
    return sorted[Math.max(0, rank - 1)];
  }

  /** This window with live accuracy or RMSE from {@code feedback} rows with feedback. */
  public MonitorWindow withAccuracy(Double accuracy, Double rmse, int feedback) {
    return new MonitorWindow(deployment, modelName, modelVersion, fromMs, toMs, operations, quality, drift,
        predictionDrift, driftShare, accuracy, rmse, feedback, psi, process);
  }

  /** This window with {@code ops} as its operations figures. */
  public MonitorWindow withOperations(Operations ops) {
    return new MonitorWindow(deployment, modelName, modelVersion, fromMs, toMs, ops, quality, drift,
        predictionDrift, driftShare, accuracy, rmse, feedback, psi, process);
  }

  /** This window with the process figures of the replicas sampled in it. */
  public MonitorWindow withProcess(List<ProcessSamples.Figures> figures) {
    return new MonitorWindow(deployment, modelName, modelVersion, fromMs, toMs, operations, quality, drift,
        predictionDrift, driftShare, accuracy, rmse, feedback, psi, figures);
  }
}
