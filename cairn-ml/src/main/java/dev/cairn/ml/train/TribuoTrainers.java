package dev.cairn.ml.train;

import org.tribuo.Trainer;
import org.tribuo.classification.Label;
import org.tribuo.classification.dtree.CARTClassificationTrainer;
import org.tribuo.classification.dtree.impurity.Entropy;
import org.tribuo.classification.dtree.impurity.GiniIndex;
import org.tribuo.classification.dtree.impurity.LabelImpurity;
import org.tribuo.classification.ensemble.VotingCombiner;
import org.tribuo.classification.sgd.LabelObjective;
import org.tribuo.classification.sgd.objectives.Hinge;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.classification.xgboost.XGBoostClassificationTrainer;
import org.tribuo.common.tree.RandomForestTrainer;
import org.tribuo.math.StochasticGradientOptimiser;
import org.tribuo.math.optimisers.AdaGrad;
import org.tribuo.math.optimisers.Pegasos;
import org.tribuo.regression.Regressor;
import org.tribuo.regression.ensemble.AveragingCombiner;
import org.tribuo.regression.rtree.CARTRegressionTrainer;
import org.tribuo.regression.rtree.impurity.MeanAbsoluteError;
import org.tribuo.regression.rtree.impurity.MeanSquaredError;
import org.tribuo.regression.rtree.impurity.RegressorImpurity;
import org.tribuo.regression.sgd.RegressionObjective;
import org.tribuo.regression.sgd.objectives.AbsoluteLoss;
import org.tribuo.regression.sgd.objectives.Huber;
import org.tribuo.regression.sgd.objectives.SquaredLoss;
import org.tribuo.regression.xgboost.XGBoostRegressionTrainer;

/** Maps a {@link TrainerSpec} to a fresh Tribuo trainer (fresh so its invocation count, part of provenance, is 0). */
final class TribuoTrainers {
  /** Tribuo logs loss every this many examples; large so training stays quiet. */
  private static final int LOGGING_INTERVAL = Integer.MAX_VALUE;

  private TribuoTrainers() {}

  static Trainer<Label> classification(TrainerSpec s) {
    long seed = s.integer("seed");
    return switch (s.algorithm()) {
      case LOGISTIC_REGRESSION, LINEAR_SGD -> new org.tribuo.classification.sgd.linear.LinearSGDTrainer(
          s.algorithm() == Algorithm.LOGISTIC_REGRESSION ? new LogMulticlass() : labelObjective(s.choice("objective")),
          optimiser(s), (int) s.integer("epochs"), LOGGING_INTERVAL, (int) s.integer("minibatch_size"), seed);
      case CART -> classificationTree(s, seed);
      case RANDOM_FOREST -> new RandomForestTrainer<>(classificationTree(s, seed), new VotingCombiner(),
          (int) s.integer("n_trees"), seed);
      case XGBOOST -> {
        XGBoostSupport.require();
        yield new XGBoostClassificationTrainer((int) s.integer("n_trees"), s.number("learning_rate"),
            s.number("gamma"), (int) s.integer("max_depth"), s.number("min_child_weight"), s.number("subsample"),
            s.number("colsample"), s.number("l2"), s.number("l1"), (int) s.integer("n_threads"), true, seed);
      }
    };
  }

  static Trainer<Regressor> regression(TrainerSpec s) {
    long seed = s.integer("seed");
    return switch (s.algorithm()) {
      case LINEAR_SGD -> new org.tribuo.regression.sgd.linear.LinearSGDTrainer(regressionObjective(s.choice("objective")),
          optimiser(s), (int) s.integer("epochs"), LOGGING_INTERVAL, (int) s.integer("minibatch_size"), seed);
      case CART -> regressionTree(s, seed);
      case RANDOM_FOREST -> new RandomForestTrainer<>(regressionTree(s, seed), new AveragingCombiner(),
          (int) s.integer("n_trees"), seed);
      case XGBOOST -> {
        XGBoostSupport.require();
        yield new XGBoostRegressionTrainer(XGBoostRegressionTrainer.RegressionType.LINEAR, (int) s.integer("n_trees"),
            s.number("learning_rate"), s.number("gamma"), (int) s.integer("max_depth"), s.number("min_child_weight"),
            s.number("subsample"), s.number("colsample"), s.number("l2"), s.number("l1"), (int) s.integer("n_threads"),
            true, seed);
      }
      case LOGISTIC_REGRESSION -> throw new IllegalStateException("logistic_regression is classification only");
    };
  }

  private static StochasticGradientOptimiser optimiser(TrainerSpec s) {
    double l2 = s.number("l2");
    return l2 > 0 ? new Pegasos(s.number("learning_rate"), l2) : new AdaGrad(s.number("learning_rate"), 0.1);
  }

  private static LabelObjective labelObjective(String name) {
    return name.equals("log") ? new LogMulticlass() : new Hinge();
  }

  private static RegressionObjective regressionObjective(String name) {
    return switch (name) {
      case "absolute" -> new AbsoluteLoss();
      case "huber" -> new Huber();
      default -> new SquaredLoss();
    };
  }

  private static CARTClassificationTrainer classificationTree(TrainerSpec s, long seed) {
    LabelImpurity impurity = s.choice("impurity").equals("entropy") ? new Entropy() : new GiniIndex();
    return new CARTClassificationTrainer((int) s.integer("max_depth"), (float) s.number("min_child_weight"),
        (float) s.number("min_impurity_decrease"), (float) s.number("fraction_features"), false, impurity, seed);
  }

  private static CARTRegressionTrainer regressionTree(TrainerSpec s, long seed) {
    RegressorImpurity impurity = s.choice("impurity").equals("mae") ? new MeanAbsoluteError() : new MeanSquaredError();
    return new CARTRegressionTrainer((int) s.integer("max_depth"), (float) s.number("min_child_weight"),
        (float) s.number("min_impurity_decrease"), (float) s.number("fraction_features"), false, impurity, seed);
  }
}
