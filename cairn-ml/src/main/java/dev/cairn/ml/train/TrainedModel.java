package dev.cairn.ml.train;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.cairn.core.CairnException;
import dev.cairn.ml.transform.FeatureMatrix;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.tribuo.Example;
import org.tribuo.Model;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.common.tree.TreeModel;
import org.tribuo.protos.core.ModelProto;
import org.tribuo.regression.Regressor;

/**
 * A trained Tribuo model with the feature names it was trained on: predicts on a {@link FeatureMatrix} and
 * serialises to repeatable bytes (Tribuo's protobuf format with a provenance free of timestamps and JVM details).
 */
public final class TrainedModel {
  private final Task task;
  private final List<String> featureNames;
  private final List<String> classes;
  private final Model<?> model;

  TrainedModel(Task task, List<String> featureNames, Model<?> model) {
    this.task = task;
    this.featureNames = List.copyOf(featureNames);
    this.model = model;
    if (task == Task.CLASSIFICATION) {
      TreeSet<String> labels = new TreeSet<>();
      for (Object o : model.getOutputIDInfo().getDomain()) {
        labels.add(((Label) o).getLabel());
      }
      this.classes = List.copyOf(labels);
    } else {
      this.classes = List.of();
    }
  }

  /** Reads a model written by {@link #toBytes()}; {@code featureNames} are those it was trained on. */
  public static TrainedModel fromBytes(byte[] bytes, List<String> featureNames) {
    Model<?> model;
    try {
      model = Model.deserialize(ModelProto.parseFrom(bytes));
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      throw CairnException.invalid("model file is not a Tribuo protobuf model: " + e.getMessage());
    }
    Task task;
    if (model.validate(Label.class)) {
      task = Task.CLASSIFICATION;
    } else if (model.validate(Regressor.class)) {
      task = Task.REGRESSION;
    } else {
      throw CairnException.invalid("model file holds a " + model.getClass().getSimpleName()
          + " for outputs Cairn does not serve; expected classification or regression");
    }
    return new TrainedModel(task, featureNames, model);
  }

  public Task task() {
    return task;
  }

  public List<String> featureNames() {
    return featureNames;
  }

  /** Class labels, sorted; empty for regression. */
  public List<String> classes() {
    return classes;
  }

  /**
   * Whether classification predictions carry probabilities. A CART tree's scores are its leaf's class frequencies:
   * Tribuo does not call them probabilities, but they sum to 1 and rank rows, which ROC AUC and log loss need.
   */
  public boolean hasProbabilities() {
    return task == Task.CLASSIFICATION && (model.generatesProbabilities() || model instanceof TreeModel);
  }

  /** The Tribuo model, for callers that need Tribuo's own API (explanations, ONNX export). */
  public Model<?> tribuoModel() {
    return model;
  }

  /** Tribuo's protobuf bytes of this model; equal models from equal data, configuration and seed give equal bytes. */
  public byte[] toBytes() {
    return model.serialize().toByteArray();
  }

  /** Predicts every row of {@code features}, whose names must be the training feature names in the same order. */
  @SuppressWarnings("unchecked")
  public Predictions predict(FeatureMatrix features) {
    if (!features.names().equals(featureNames)) {
      throw CairnException.invalid("features " + describeDifference(features.names()) + "; the model was trained on "
          + featureNames.size() + " features");
    }
    String[] names = featureNames.toArray(String[]::new);
    int n = features.rowCount();
    if (task == Task.CLASSIFICATION) {
      Model<Label> m = (Model<Label>) model;
      List<Example<Label>> examples = TribuoData.examples(features, names, i -> LabelFactory.UNKNOWN_LABEL);
      List<Prediction<Label>> predictions = m.predict(examples);
      String[] labels = new String[n];
      double[][] probabilities = hasProbabilities() ? new double[n][classes.size()] : null;
      for (int i = 0; i < n; i++) {
        Prediction<Label> p = predictions.get(i);
        labels[i] = p.getOutput().getLabel();
        if (probabilities != null) {
          Map<String, Label> scores = p.getOutputScores();
          for (int c = 0; c < classes.size(); c++) {
            Label score = scores.get(classes.get(c));
            probabilities[i][c] = score == null ? 0.0 : score.getScore();
          }
        }
      }
      return new Predictions(task, classes, labels, probabilities, null, features.unknownCategories());
    }
    Model<Regressor> m = (Model<Regressor>) model;
    List<Example<Regressor>> examples = TribuoData.examples(features, names, i -> RegressionOutputs.UNKNOWN);
    List<Prediction<Regressor>> predictions = m.predict(examples);
    double[] values = new double[n];
    for (int i = 0; i < n; i++) {
      values[i] = predictions.get(i).getOutput().getValues()[0];
    }
    return new Predictions(task, List.of(), null, null, values, features.unknownCategories());
  }

  private String describeDifference(List<String> given) {
    for (int i = 0; i < Math.min(given.size(), featureNames.size()); i++) {
      if (!given.get(i).equals(featureNames.get(i))) {
        return "differ at position " + i + ": got '" + given.get(i) + "', expected '" + featureNames.get(i) + "'";
      }
    }
    return "count " + given.size() + " instead of " + featureNames.size();
  }

  /** Holder so the regression factory is created only when needed. */
  private static final class RegressionOutputs {
    static final Regressor UNKNOWN = new org.tribuo.regression.RegressionFactory().getUnknownOutput();
  }
}
