package dev.cairn.pipeline.steps;

import dev.cairn.data.version.DatasetVersioning;
import dev.cairn.pipeline.StepRegistry;
import java.nio.file.Path;

/**
 * The built-in steps a {@code pipeline.yaml} names with {@code uses:}, bound to the stores they read and write.
 * {@code baseDir} is the pipeline file's folder: relative paths in step parameters (raw data, suites) are read
 * from there, so a pipeline runs the same from any working directory.
 */
public final class BuiltinSteps {
  private BuiltinSteps() {}

  /** The stores and folder the built-in steps need. */
  public record Services(DatasetVersioning datasets, RegisterModel.Services registry, Path baseDir) {}

  public static StepRegistry registry(Services services) {
    StepRegistry registry = new StepRegistry();
    RegisterModel.Services r = services.registry();
    registry.register("dataset", () -> new LoadDataset(services.datasets(), services.baseDir()));
    registry.register("validate", () -> new ValidateTable(services.baseDir()));
    registry.register("split", SplitTable::new);
    registry.register("transform", () -> new FitTransforms(services.baseDir()));
    registry.register("train", TrainModel::new);
    registry.register("evaluate", EvaluateModel::new);
    registry.register("search", SearchHyperparameters::new);
    registry.register("gate", () -> new GateStep(new Baselines(r.registry(), r.artifacts(), r.loggedModels())));
    registry.register("register", () -> new RegisterModel(r));
    return registry;
  }
}
