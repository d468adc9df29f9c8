package dev.cairn.ml.train;

import static dev.cairn.ml.train.ParamSpec.choice;
import static dev.cairn.ml.train.ParamSpec.integer;
import static dev.cairn.ml.train.ParamSpec.number;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.cairn.core.CairnException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The training algorithms Cairn offers over Tribuo, and the parameters each declares per task. */
public enum Algorithm {
  /** Multinomial logistic regression by SGD (AdaGrad; Pegasos when {@code l2 > 0}). Classification only. */
  LOGISTIC_REGRESSION,
  /** A linear model by SGD with a chosen loss (hinge or log; squared, absolute or huber for regression). */
  LINEAR_SGD,
  /** One CART decision tree. */
  CART,
  /** Bagged CART trees with random feature subsets; votes (classification) or averages (regression). */
  RANDOM_FOREST,
  /** Gradient-boosted trees by XGBoost (native library). */
  XGBOOST;

  private static final long MAX_SEED = Long.MAX_VALUE;

  @JsonValue
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static Algorithm parse(String text) {
    for (Algorithm a : values()) {
      if (a.id().equalsIgnoreCase(text)) {
        return a;
      }
    }
    throw CairnException.invalid("algorithm '" + text + "' is unknown; known algorithms are "
        + Arrays.stream(values()).map(Algorithm::id).toList());
  }

  public boolean supports(Task task) {
    return this != LOGISTIC_REGRESSION || task == Task.CLASSIFICATION;
  }

  /** The parameters this algorithm accepts for {@code task}, each with its default. */
  public List<ParamSpec> parameters(Task task) {
    if (!supports(task)) {
      throw CairnException.invalid("algorithm '" + id() + "' does not do " + task.id() + "; use linear_sgd, cart,"
          + " random_forest or xgboost");
    }
    boolean classification = task == Task.CLASSIFICATION;
    List<ParamSpec> params = new ArrayList<>();
    params.add(integer("seed", 42, 0, MAX_SEED, "random seed; the same seed and data give the same model"));
    switch (this) {
      case LOGISTIC_REGRESSION, LINEAR_SGD -> {
        params.add(integer("epochs", 5, 1, 10_000, "passes over the training data"));
        params.add(number("learning_rate", classification ? 1.0 : 0.1, 1e-9, 1e3, "initial step size"));
        params.add(number("l2", 0.0, 0.0, 1e3, "L2 penalty; above 0 trains with Pegasos instead of AdaGrad"));
        params.add(integer("minibatch_size", 1, 1, 1_000_000, "examples per gradient step"));
        if (this == LINEAR_SGD) {
          params.add(classification
              ? choice("objective", "hinge", List.of("hinge", "log"), "loss: hinge (linear SVM) or log (logistic)")
              : choice("objective", "squared", List.of("squared", "absolute", "huber"), "regression loss"));
        }
      }
      case CART, RANDOM_FOREST -> {
        if (this == RANDOM_FOREST) {
          params.add(integer("n_trees", 10, 1, 10_000, "trees in the forest"));
        }
        params.add(integer("max_depth", 10, 1, 1_000, "deepest split level"));
        params.add(number("min_child_weight", 5.0, 0.0, 1e9, "least example weight in a leaf"));
        params.add(number("min_impurity_decrease", 0.0, 0.0, 1e9, "least impurity decrease a split must make"));
        // a forest needs random feature subsets; Tribuo refuses a forest whose trees see every feature
        params.add(this == RANDOM_FOREST
            ? number("fraction_features", 0.5, 0.01, 0.99, "share of features tried at each split")
            : number("fraction_features", 1.0, 0.01, 1.0, "share of features tried at each split"));
        params.add(classification
            ? choice("impurity", "gini", List.of("gini", "entropy"), "split criterion")
            : choice("impurity", "mse", List.of("mse", "mae"), "split criterion"));
      }
      case XGBOOST -> {
        params.add(integer("n_trees", 50, 1, 10_000, "boosting rounds"));
        params.add(number("learning_rate", 0.3, 1e-6, 1.0, "shrinkage (eta)"));
        params.add(integer("max_depth", 6, 1, 100, "deepest split level"));
        params.add(number("min_child_weight", 1.0, 0.0, 1e9, "least hessian weight in a leaf"));
        params.add(number("subsample", 1.0, 0.01, 1.0, "share of rows sampled per tree"));
        params.add(number("colsample", 1.0, 0.01, 1.0, "share of features sampled per tree"));
        params.add(number("l2", 1.0, 0.0, 1e6, "L2 penalty on leaf weights (lambda)"));
        params.add(number("l1", 0.0, 0.0, 1e6, "L1 penalty on leaf weights (alpha)"));
        params.add(number("gamma", 0.0, 0.0, 1e6, "least loss reduction a split must make"));
        params.add(integer("n_threads", 1, 1, 256, "native threads; 1 keeps training bit-for-bit repeatable"));
      }
      default -> throw new IllegalStateException(id());
    }
    return List.copyOf(params);
  }
}
