package dev.cairn.ml.train;

import dev.cairn.core.CairnException;
import dev.cairn.ml.frame.Column;
import dev.cairn.ml.frame.NumericColumn;
import dev.cairn.ml.frame.StringColumn;
import dev.cairn.ml.transform.FeatureMatrix;
import java.util.Map;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.regression.RegressionFactory;
import org.tribuo.regression.Regressor;

/**
 * Trains a model with a validated {@link TrainerSpec}. Each call builds a fresh Tribuo trainer, so training is a
 * pure function of features, targets and spec: the same inputs and seed give a model with identical bytes.
 *
 * <pre>{@code
 * ModelTrainer trainer = ModelTrainer.of(Task.CLASSIFICATION, "random_forest", Map.of("n_trees", 20, "seed", 7));
 * TrainedModel model = trainer.train(features, train.column("churned"));
 * }</pre>
 */
public final class ModelTrainer {
  private final TrainerSpec spec;

  public ModelTrainer(TrainerSpec spec) {
    this.spec = spec;
  }

  /** A trainer for {@code algorithm} with {@code params} checked against its declared parameters. */
  public static ModelTrainer of(Task task, String algorithm, Map<String, ?> params) {
    return new ModelTrainer(TrainerSpec.of(task, algorithm, params));
  }

  public TrainerSpec spec() {
    return spec;
  }

  /** Trains on {@code features} against the {@code target} column: categorical for classification, numeric for regression. */
  public TrainedModel train(FeatureMatrix features, Column target) {
    if (target.size() != features.rowCount()) {
      throw CairnException.invalid("target column '" + target.name() + "' has " + target.size() + " rows but the"
          + " features have " + features.rowCount());
    }
    if (spec.task() == Task.CLASSIFICATION) {
      if (!(target instanceof StringColumn s)) {
        throw CairnException.invalid("classification target '" + target.name() + "' is numeric; read it as categorical"
            + " or choose task regression");
      }
      return trainClassifier(features, s.values(), target.name());
    }
    if (!(target instanceof NumericColumn n)) {
      throw CairnException.invalid("regression target '" + target.name() + "' is categorical; it must be numeric");
    }
    return trainRegressor(features, n.values(), target.name());
  }

  /** Trains a classifier on class labels, one per row. */
  public TrainedModel trainClassifier(FeatureMatrix features, String[] labels, String targetName) {
    requireTask(Task.CLASSIFICATION);
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] == null) {
        throw CairnException.invalid("target '" + targetName + "' is missing in row " + i + "; drop or fill such rows");
      }
    }
    Label[] outputs = new Label[labels.length];
    for (int i = 0; i < labels.length; i++) {
      outputs[i] = new Label(labels[i]);
    }
    MutableDataset<Label> data = TribuoData.dataset(features, new LabelFactory(), i -> outputs[i]);
    if (data.getOutputs().size() < 2) {
      throw CairnException.invalid("target '" + targetName + "' has only the class " + data.getOutputs()
          + " in the training rows; classification needs at least two");
    }
    Model<Label> model = TribuoTrainers.classification(spec).train(data);
    return new TrainedModel(Task.CLASSIFICATION, features.names(), DeterministicModels.withFixedProvenance(model));
  }

  /** Trains a regressor on numeric targets, one per row; {@code targetName} names the output dimension. */
  public TrainedModel trainRegressor(FeatureMatrix features, double[] targets, String targetName) {
    requireTask(Task.REGRESSION);
    for (int i = 0; i < targets.length; i++) {
      if (!Double.isFinite(targets[i])) {
        throw CairnException.invalid("target '" + targetName + "' is " + targets[i] + " in row " + i
            + "; drop or fill such rows");
      }
    }
    MutableDataset<Regressor> data = TribuoData.dataset(features, new RegressionFactory(),
        i -> new Regressor(targetName, targets[i]));
    Model<Regressor> model = TribuoTrainers.regression(spec).train(data);
    return new TrainedModel(Task.REGRESSION, features.names(), DeterministicModels.withFixedProvenance(model));
  }

  private void requireTask(Task task) {
    if (spec.task() != task) {
      throw CairnException.invalid("this trainer is for " + spec.task().id() + ", not " + task.id());
    }
  }
}
