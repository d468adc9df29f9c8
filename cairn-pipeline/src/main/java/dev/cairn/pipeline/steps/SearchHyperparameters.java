package dev.cairn.pipeline.steps;

import dev.cairn.core.CairnException;
import dev.cairn.core.Json;
import dev.cairn.ml.bundle.ModelBundle;
import dev.cairn.ml.eval.ClassificationPredictions;
import dev.cairn.ml.eval.Metric;
import dev.cairn.ml.eval.RegressionPredictions;
import dev.cairn.ml.frame.Frame;
import dev.cairn.ml.frame.NumericColumn;
import dev.cairn.ml.split.SplitIndices;
import dev.cairn.ml.split.SplitSpec;
import dev.cairn.ml.split.Splitter;
import dev.cairn.ml.train.Algorithm;
import dev.cairn.ml.train.ModelTrainer;
import dev.cairn.ml.train.Predictions;
import dev.cairn.ml.train.Task;
import dev.cairn.ml.train.TrainedModel;
import dev.cairn.ml.transform.FittedFeatures;
import dev.cairn.pipeline.ParamType;
import dev.cairn.pipeline.PipelineExecutor;
import dev.cairn.pipeline.Step;
import dev.cairn.pipeline.StepContext;
import dev.cairn.pipeline.StepSpec;
import dev.cairn.tracking.Param;
import dev.cairn.tracking.RunInfo;
import dev.cairn.tracking.RunStatus;
import dev.cairn.tracking.Tag;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.SplittableRandom;

/**
 * Built-in step {@code search}: hyperparameter search. Parameter {@code grid} lists values per hyperparameter
 * ({@code "n_trees=10,50; max_depth=4,8"}); {@code mode} {@code grid} tries every combination, {@code random} draws
 * {@code trials} of them (seeded). Each trial trains on part of input {@code train} and is scored by {@code metric}
 * on the rest ({@code validation_fraction}, stratified for classification), and is recorded as a child run of the
 * step's run (its parameters and score), so MLflow clients list the trials under it. The best trial's parameters
 * are then trained on every training row into output {@code model} (a bundle, as the train step makes), and every
 * trial with its score is output {@code trials} (JSON). The test rows are never seen here.
 */
public final class SearchHyperparameters implements Step {
  /** The most trials one search runs. */
  static final int MAX_TRIALS = 1000;

  @Override
  public StepSpec spec() {
    return StepSpec.builder()
        .input("train", "table")
        .input("features", "transformer")
        .output("model", "bundle")
        .output("trials", "search")
        .param("label", ParamType.STRING, null)
        .param("task", ParamType.STRING, "classification")
        .param("algorithm", ParamType.STRING, "random_forest")
        .param("grid", ParamType.STRING, null)
        .param("mode", ParamType.STRING, "grid")
        .param("trials", ParamType.INTEGER, 10L)
        .param("metric", ParamType.STRING, "")
        .param("validation_fraction", ParamType.NUMBER, 0.2)
        .param("seed", ParamType.INTEGER, 42L)
        .version("1")
        .build();
  }

  @Override
  public void run(StepContext context) throws Exception {
    Path csv = Tables.csv(context, "train");
    String label = context.stringParam("label");
    Task task = Task.parse(context.stringParam("task"));
    Algorithm algorithm = Algorithm.parse(context.stringParam("algorithm"));
    Frame all = Tables.withLabel(csv, label, task);
    FittedFeatures features = Json.MAPPER.readValue(Files.readString(context.inputFile("features")),
        FittedFeatures.class);
    Metric metric = metric(context.stringParam("metric"), task);
    List<Map<String, Object>> candidates = candidates(grid(context.stringParam("grid"), algorithm, task),
        context.stringParam("mode"), (int) context.integerParam("trials"), context.integerParam("seed"));

    SplitIndices parts = Splitter.split(all, new SplitSpec(context.numberParam("validation_fraction"), 0,
        context.integerParam("seed"), task == Task.CLASSIFICATION ? label : null));
    Frame fit = parts.train(all);
    Frame held = parts.test(all);
    RunInfo step = context.tracking().getRun(context.stepRunId()).info();
    List<Map<String, Object>> trials = new ArrayList<>();
    Map<String, Object> best = null;
    double bestScore = Double.NaN;
    for (int i = 0; i < candidates.size(); i++) {
      Map<String, Object> params = candidates.get(i);
      TrainedModel model = ModelTrainer.of(task, algorithm.id(), params).train(features.apply(fit), fit.column(label));
      OptionalDouble score = metric.compute(joined(model.predict(features.apply(held)), held, label, task));
      double value = score.orElse(Double.NaN);
      record(context, step, i, params, metric, value);
      Map<String, Object> trial = new LinkedHashMap<>();
      trial.put("trial", i);
      trial.put("params", params);
      trial.put(metric.key(), Double.isNaN(value) ? null : value);
      trials.add(trial);
      context.log("trial " + i + " " + params + ": " + metric.key() + " " + value);
      if (!Double.isNaN(value) && (best == null
          || (metric.higherIsBetter() ? value > bestScore : value < bestScore))) {
        best = params;
        bestScore = value;
      }
    }
    if (best == null) {
      throw CairnException.invalid("no trial gave a " + metric.key() + " on the validation rows");
    }
    context.log("best " + best + ": " + metric.key() + " " + bestScore);
    ModelBundle bundle = TrainModel.bundle(context, csv, all, features, label, task, algorithm, best, List.of());
    Path dir = bundle.write(context.workDir().resolve("bundle"));
    Archives.zip(dir, context.outputFile("model"));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("metric", metric.key());
    out.put("best", best);
    out.put("best_score", bestScore);
    out.put("trials", trials);
    context.writeOutput("trials", Json.write(out));
    context.tracking().logBatch(context.stepRunId(),
        List.of(new dev.cairn.tracking.Metric("best_" + metric.key(), bestScore, System.currentTimeMillis(), 0)),
        best.entrySet().stream().map(e -> new Param("best." + e.getKey(), String.valueOf(e.getValue()))).toList(),
        List.of());
  }

  /** One trial as a child run of the step's run: its parameters and its score. */
  private static void record(StepContext context, RunInfo step, int i, Map<String, Object> params, Metric metric,
      double value) {
    long now = System.currentTimeMillis();
    RunInfo trial = context.tracking().createRun(step.experimentId(), step.userId(), now, "trial-" + i,
        List.of(new Tag(PipelineExecutor.TAG_PARENT, context.stepRunId()), new Tag("cairn.search.trial", "" + i)));
    context.tracking().logBatch(trial.runId(),
        Double.isNaN(value) ? List.of() : List.of(new dev.cairn.tracking.Metric(metric.key(), value, now, 0)),
        params.entrySet().stream().map(e -> new Param(e.getKey(), String.valueOf(e.getValue()))).toList(), List.of());
    context.tracking().updateRun(trial.runId(), RunStatus.FINISHED, System.currentTimeMillis(), null);
  }

  private static dev.cairn.ml.eval.Predictions joined(Predictions p, Frame held, String label, Task task) {
    return task == Task.CLASSIFICATION
        ? new ClassificationPredictions(p.classes(), EvaluateModel.labels(held.column(label)), p.labels(),
            p.probabilities())
        : new RegressionPredictions(((NumericColumn) held.column(label)).values(), p.values());
  }

  static Metric metric(String name, Task task) {
    Metric m = Metric.byKey(name.isEmpty() ? (task == Task.CLASSIFICATION ? "roc_auc" : "rmse") : name);
    if (!m.task().equals(task.id())) {
      throw CairnException.invalid("metric '" + m.key() + "' is for " + m.task() + "; this search is " + task.id());
    }
    return m;
  }

  /** {@code "a=1,2; b=x"} as value lists per hyperparameter, each value typed as the hyperparameter is. */
  static Map<String, List<Object>> grid(String text, Algorithm algorithm, Task task) {
    Map<String, List<Object>> grid = new LinkedHashMap<>();
    for (String part : text.split(";")) {
      if (part.isBlank()) {
        continue;
      }
      int eq = part.indexOf('=');
      if (eq < 0) {
        throw CairnException.invalid("grid entry '" + part.strip() + "' needs NAME=VALUE,VALUE...");
      }
      String name = part.substring(0, eq).strip();
      ParamType type = TrainModel.HYPERPARAMETERS.get(name);
      if (type == null) {
        throw CairnException.invalid("grid names '" + name + "', which is no hyperparameter; known: "
            + String.join(", ", TrainModel.HYPERPARAMETERS.keySet()));
      }
      List<Object> values = new ArrayList<>();
      for (String v : part.substring(eq + 1).split(",")) {
        Object value = type.parse(v.strip());
        if (value == null) {
          throw CairnException.invalid("grid value '" + v.strip() + "' of '" + name + "' is not " + type.label());
        }
        values.add(value);
      }
      grid.put(name, values);
    }
    if (grid.isEmpty()) {
      throw CairnException.invalid("step parameter 'grid' is empty; write e.g. 'n_trees=10,50; max_depth=4,8'");
    }
    Map<String, Object> probe = new LinkedHashMap<>();
    grid.forEach((k, v) -> probe.put(k, v.get(0)));
    TrainModel.chosen(probe, algorithm, task); // a hyperparameter the algorithm does not take is refused here
    return grid;
  }

  /** Every combination (grid), or {@code trials} of them drawn without repeats (random). */
  static List<Map<String, Object>> candidates(Map<String, List<Object>> grid, String mode, int trials, long seed) {
    List<Map<String, Object>> all = new ArrayList<>();
    all.add(new LinkedHashMap<>());
    for (Map.Entry<String, List<Object>> e : grid.entrySet()) {
      List<Map<String, Object>> next = new ArrayList<>();
      for (Map<String, Object> partial : all) {
        for (Object v : e.getValue()) {
          Map<String, Object> m = new LinkedHashMap<>(partial);
          m.put(e.getKey(), v);
          next.add(m);
          if (next.size() > 100_000) {
            throw CairnException.invalid("the grid has more than 100000 combinations; narrow it");
          }
        }
      }
      all = next;
    }
    switch (mode) {
      case "grid" -> {
        if (all.size() > MAX_TRIALS) {
          throw CairnException.invalid("the grid has " + all.size() + " combinations; the limit is " + MAX_TRIALS
              + " (use mode random with trials)");
        }
        return all;
      }
      case "random" -> {
        if (trials < 1 || trials > MAX_TRIALS) {
          throw CairnException.invalid("trials is " + trials + "; it must be 1 to " + MAX_TRIALS);
        }
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = all.size() - 1; i > 0; i--) { // Fisher-Yates: the first n of a seeded shuffle
          int j = random.nextInt(i + 1);
          Map<String, Object> t = all.get(i);
          all.set(i, all.get(j));
          all.set(j, t);
        }
        return List.copyOf(all.subList(0, Math.min(trials, all.size())));
      }
      default -> throw CairnException.invalid("mode '" + mode + "' is unknown; use grid or random");
    }
  }
}
