package dev.cairn.pipeline.steps;

import dev.cairn.core.CairnException;
import dev.cairn.core.Json;
import dev.cairn.data.stats.Profile;
import dev.cairn.data.stats.Profiler;
import dev.cairn.ml.bundle.ModelBundle;
import dev.cairn.ml.frame.Frame;
import dev.cairn.ml.train.Algorithm;
import dev.cairn.ml.train.ModelTrainer;
import dev.cairn.ml.train.ParamSpec;
import dev.cairn.ml.train.Task;
import dev.cairn.ml.train.TrainedModel;
import dev.cairn.ml.transform.FittedFeatures;
import dev.cairn.pipeline.CairnVersion;
import dev.cairn.pipeline.ParamType;
import dev.cairn.pipeline.Step;
import dev.cairn.pipeline.StepContext;
import dev.cairn.pipeline.StepSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Built-in step {@code train}: trains a Tribuo model on input {@code train} through the fitted transforms (input
 * {@code features}) and outputs the model bundle ({@code model}, an archive of the bundle folder): input schema,
 * fitted transforms, model, the training table's profile as reference statistics for drift, and provenance.
 *
 * <p>Parameters: {@code label}, {@code task} ({@code classification} or {@code regression}), {@code algorithm}
 * ({@code logistic_regression}, {@code linear_sgd}, {@code cart}, {@code random_forest}, {@code xgboost}), and every
 * algorithm's hyperparameters as parameters of their own, so a run overrides one with {@code -P train.l2=0.1}. A
 * hyperparameter left at its "unset" value (-1 for numbers, empty for text) takes the algorithm's default; one set
 * for an algorithm that does not take it is an error naming the ones it does. {@code personal} names input columns
 * that identify a person, comma-separated ({@code personal: email}): the bundle's input schema flags them and the
 * server's prediction log hashes or drops them.
 *
 * <p>The bundle's id is the SHA-256 of its content, and the provenance holds only what decides the model (the
 * training table's and transforms' hashes, the trainer and its parameters, the Cairn version and the Java
 * specification version), never a run id or a time: training again from the same inputs and seed gives the same
 * bundle, byte for byte.
 */
public final class TrainModel implements Step {
  /** Every hyperparameter any algorithm declares, with its parameter type; "unset" until given. */
  static final Map<String, ParamType> HYPERPARAMETERS = hyperparameters();

  @Override
  public StepSpec spec() {
    StepSpec.Builder b = StepSpec.builder()
        .input("train", "table")
        .input("features", "transformer")
        .output("model", "bundle")
        .param("label", ParamType.STRING, null)
        .param("task", ParamType.STRING, "classification")
        .param("algorithm", ParamType.STRING, "logistic_regression")
        .param("personal", ParamType.STRING, "");
    HYPERPARAMETERS.forEach((name, type) -> b.param(name, type, unset(type)));
    return b.version("1").build();
  }

  @Override
  public void run(StepContext context) throws Exception {
    Path csv = Tables.csv(context, "train");
    String label = context.stringParam("label");
    Task task = Task.parse(context.stringParam("task"));
    Frame train = Tables.withLabel(csv, label, task);
    FittedFeatures features = Json.MAPPER.readValue(Files.readString(context.inputFile("features")),
        FittedFeatures.class);
    Algorithm algorithm = Algorithm.parse(context.stringParam("algorithm"));
    ModelBundle bundle = bundle(context, csv, train, features, label, task, algorithm,
        chosen(context.params(), algorithm, task), personal(context.stringParam("personal")));
    Path dir = bundle.write(context.workDir().resolve("bundle"));
    Archives.zip(dir, context.outputFile("model"));
    context.log("bundle " + bundle.id());
  }

  /** Trains on every row of {@code train} and bundles the model with the transforms, profile and provenance. */
  static ModelBundle bundle(StepContext context, Path csv, Frame train, FittedFeatures features, String label,
      Task task, Algorithm algorithm, Map<String, Object> hyper, java.util.List<String> personal)
      throws java.io.IOException {
    ModelTrainer trainer = ModelTrainer.of(task, algorithm.id(), hyper);
    // the reference statistics are profiled beside the training (which keeps one core busy), not after it
    java.util.concurrent.CompletableFuture<Profile> profiling =
        java.util.concurrent.CompletableFuture.supplyAsync(() -> Profiler.profile(csv));
    long start = System.nanoTime();
    TrainedModel model = trainer.train(features.apply(train), train.column(label));
    context.log("trained " + algorithm.id() + " on " + train.rowCount() + " rows in "
        + (System.nanoTime() - start) / 1_000_000 + " ms; parameters " + trainer.spec());
    Profile profile;
    try {
      profile = profiling.join();
    } catch (java.util.concurrent.CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
    Map<String, Object> provenance = new TreeMap<>();
    provenance.put("train_table_sha256", context.input("train").sha256());
    provenance.put("transforms_sha256", context.input("features").sha256());
    provenance.put("cairn_version", CairnVersion.current());
    provenance.put("java_specification", System.getProperty("java.specification.version"));
    provenance.put("tribuo_version", org.tribuo.Tribuo.VERSION);
    return ModelBundle.builder(features, model, label).trainer(trainer.spec())
        .referenceStatistics(Json.MAPPER.readTree(profile.toJson())).provenance(provenance).personal(personal).build();
  }

  /** The column names in parameter {@code personal}: comma-separated, blanks ignored. */
  static java.util.List<String> personal(String text) {
    return text == null ? java.util.List.of() : java.util.Arrays.stream(text.split(",")).map(String::strip)
        .filter(s -> !s.isEmpty()).distinct().toList();
  }

  /** The hyperparameters set (not "unset"); each must be one {@code algorithm} declares for {@code task}. */
  static Map<String, Object> chosen(Map<String, Object> params, Algorithm algorithm, Task task) {
    TreeSet<String> accepted = new TreeSet<>();
    for (ParamSpec p : algorithm.parameters(task)) {
      accepted.add(p.name());
    }
    Map<String, Object> chosen = new LinkedHashMap<>();
    HYPERPARAMETERS.forEach((name, type) -> {
      Object value = params.get(name);
      if (value == null || value.equals(unset(type))) {
        return;
      }
      if (!accepted.contains(name)) {
        throw CairnException.invalid("parameter '" + name + "' does not apply to " + algorithm.id() + " ("
            + task.id() + "); it takes " + String.join(", ", accepted));
      }
      chosen.put(name, value);
    });
    return chosen;
  }

  static Object unset(ParamType type) {
    return switch (type) {
      case INTEGER -> -1L;
      case NUMBER -> -1.0;
      case STRING -> "";
      case BOOLEAN -> false;
    };
  }

  private static Map<String, ParamType> hyperparameters() {
    Map<String, ParamType> all = new TreeMap<>();
    for (Algorithm a : Algorithm.values()) {
      for (Task t : Task.values()) {
        if (!a.supports(t)) {
          continue;
        }
        for (ParamSpec p : a.parameters(t)) {
          all.put(p.name(), switch (p.kind()) {
            case INTEGER -> ParamType.INTEGER;
            case NUMBER -> ParamType.NUMBER;
            default -> ParamType.STRING;
          });
        }
      }
    }
    return all;
  }
}
