package dev.cairn.ml.gate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.cairn.core.CairnException;
import dev.cairn.ml.eval.Evaluation;
import dev.cairn.ml.eval.Metric;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A model gate in the manner of TFX's Evaluator: value thresholds on the candidate's metrics and change
 * thresholds against a baseline evaluation (the model that currently holds an alias). Built from check strings
 * ({@link #parse}), a config map ({@link #fromConfig}) or YAML ({@link #fromYaml}); syntax in docs/evaluation.md.
 */
public final class Gate {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private final List<GateCheck> checks;

  private Gate(List<GateCheck> checks) {
    if (checks.isEmpty()) {
      throw CairnException.invalid("gate has no checks; add at least one, e.g. 'accuracy >= 0.8'");
    }
    this.checks = List.copyOf(checks);
  }

  /** A gate of the given check expressions, e.g. {@code "accuracy >= 0.8"}, {@code "auc >= baseline - 1%"}. */
  public static Gate parse(List<String> expressions) {
    List<GateCheck> checks = new ArrayList<>();
    for (String e : expressions) {
      checks.add(GateCheck.parse(e));
    }
    return new Gate(checks);
  }

  /** Same as {@link #parse(List)}. */
  public static Gate parse(String... expressions) {
    return parse(List.of(expressions));
  }

  /**
   * A gate from a config map: {@code checks} is a list whose items are expression strings or maps
   * {@code {metric: NAME, at_least: T}} / {@code {metric: NAME, at_most: T}} where T is a number or a baseline
   * expression such as {@code "baseline - 0.01"}. A bare list is accepted too.
   */
  public static Gate fromConfig(Object config) {
    Object list = config instanceof Map<?, ?> map ? map.get("checks") : config;
    if (config instanceof Map<?, ?> map) {
      for (Object key : map.keySet()) {
        if (!"checks".equals(key)) {
          throw CairnException.invalid("gate config has unknown key '" + key + "'; the only key is 'checks'");
        }
      }
    }
    if (!(list instanceof List<?> items)) {
      throw CairnException.invalid("gate config needs 'checks' as a list of expressions such as 'accuracy >= 0.8'");
    }
    List<GateCheck> checks = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      Object item = items.get(i);
      String where = "gate config checks[" + i + "]";
      try {
        checks.add(GateCheck.parse(expressionOf(item, where)));
      } catch (CairnException e) {
        if (e.getMessage().startsWith(where)) {
          throw e;
        }
        throw new CairnException(e.code(), where + ": " + e.getMessage());
      }
    }
    return new Gate(checks);
  }

  private static String expressionOf(Object item, String where) {
    if (item instanceof String s) {
      return s;
    }
    if (item instanceof Map<?, ?> m) {
      Set<Object> keys = new LinkedHashSet<>(m.keySet());
      keys.removeAll(List.of("metric", "at_least", "at_most"));
      if (!keys.isEmpty()) {
        throw CairnException.invalid(where + ": unknown key '" + keys.iterator().next()
            + "'; use metric with at_least or at_most");
      }
      Object metric = m.get("metric");
      if (!(metric instanceof String)) {
        throw CairnException.invalid(where + ": 'metric' is missing or not a string");
      }
      if (m.containsKey("at_least") == m.containsKey("at_most")) {
        throw CairnException.invalid(where + ": give exactly one of at_least or at_most");
      }
      Object bound = m.containsKey("at_least") ? m.get("at_least") : m.get("at_most");
      if (!(bound instanceof Number) && !(bound instanceof String)) {
        throw CairnException.invalid(where + ": threshold '" + bound + "' must be a number or a baseline expression");
      }
      return metric + (m.containsKey("at_least") ? " >= " : " <= ") + bound;
    }
    throw CairnException.invalid(where + ": '" + item + "' must be an expression string or a map with metric");
  }

  /** A gate from YAML text; {@code source} (e.g. a file name) prefixes errors. */
  public static Gate fromYaml(String yaml, String source) {
    Object config;
    try {
      config = YAML.readValue(yaml, Object.class);
    } catch (JsonProcessingException e) {
      throw CairnException.invalid(source + " line " + e.getLocation().getLineNr() + ": " + e.getOriginalMessage());
    }
    try {
      return fromConfig(config);
    } catch (CairnException e) {
      throw new CairnException(e.code(), source + ": " + e.getMessage());
    }
  }

  public List<GateCheck> checks() {
    return checks;
  }

  /** Every metric name checks may use (metric keys and {@code slice_gap.} variants). */
  public static List<String> availableMetrics() {
    return GateExpressionParser.availableMetrics();
  }

  /**
   * Checks the candidate evaluation, against {@code baseline} for change thresholds; a null baseline skips them
   * with the note {@link GateDecision#NO_BASELINE}. A metric of another task than the candidate's is a
   * configuration error; a metric that is undefined on the candidate fails its check.
   */
  public GateDecision evaluate(Evaluation candidate, Evaluation baseline) {
    List<CheckResult> results = new ArrayList<>();
    Set<String> notes = new LinkedHashSet<>();
    for (GateCheck check : checks) {
      Metric metric = Metric.byKey(baseMetric(check.metric()));
      if (!metric.task().equals(candidate.task())) {
        throw CairnException.invalid("gate check '" + check.expression() + "' uses " + metric.task()
            + " metric '" + metric.key() + "' but the evaluation is a " + candidate.task() + "; available: "
            + String.join(", ", Metric.forTask(candidate.task()).stream().map(Metric::key).toList()));
      }
      Double value = valueOf(candidate, check.metric());
      if (check.threshold() instanceof Threshold.Change change) {
        if (baseline == null) {
          results.add(new CheckResult(check.expression(), check.metric(), value, null, null,
              CheckResult.Verdict.SKIPPED, "no baseline"));
          notes.add(GateDecision.NO_BASELINE);
          continue;
        }
        Double base = valueOf(baseline, check.metric());
        if (base == null) {
          results.add(new CheckResult(check.expression(), check.metric(), value, null, null,
              CheckResult.Verdict.SKIPPED, "baseline has no " + check.metric()));
          notes.add("baseline lacks " + check.metric() + ": its change threshold skipped");
          continue;
        }
        results.add(judge(check, value, change.apply(base), base));
      } else {
        results.add(judge(check, value, ((Threshold.Value) check.threshold()).value(), null));
      }
    }
    boolean passed = results.stream().noneMatch(r -> r.verdict() == CheckResult.Verdict.FAIL);
    return new GateDecision(passed, results, new ArrayList<>(notes));
  }

  private static CheckResult judge(GateCheck check, Double value, double threshold, Double base) {
    if (value == null) {
      return new CheckResult(check.expression(), check.metric(), null, threshold, base, CheckResult.Verdict.FAIL,
          check.metric() + " was not computed for the candidate");
    }
    boolean ok = check.comparison().holds(value, threshold);
    return new CheckResult(check.expression(), check.metric(), value, threshold, base,
        ok ? CheckResult.Verdict.PASS : CheckResult.Verdict.FAIL, null);
  }

  private static String baseMetric(String name) {
    return name.startsWith(GateExpressionParser.SLICE_GAP_PREFIX)
        ? name.substring(GateExpressionParser.SLICE_GAP_PREFIX.length()) : name;
  }

  private static Double valueOf(Evaluation e, String name) {
    if (name.startsWith(GateExpressionParser.SLICE_GAP_PREFIX)) {
      return e.slices().largestGaps().get(baseMetric(name));
    }
    return e.metric(name);
  }
}
