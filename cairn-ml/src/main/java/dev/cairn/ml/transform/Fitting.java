package dev.cairn.ml.transform;

import dev.cairn.core.CairnException;
import dev.cairn.ml.frame.Column;
import dev.cairn.ml.frame.NumericColumn;
import dev.cairn.ml.frame.StringColumn;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** Fits one column's transform chain: each step learns from the training values as the previous steps left them. */
final class Fitting {
  private Fitting() {}

  static FittedColumn fit(ColumnSpec spec, Column column) {
    List<FittedTransform> fitted = new ArrayList<>(spec.steps().size());
    double[] numbers = column instanceof NumericColumn n ? n.values() : null;
    String[] strings = column instanceof StringColumn s ? s.values() : null;
    String name = spec.column();
    boolean expanded = false;
    for (TransformSpec step : spec.steps()) {
      if (expanded) {
        throw CairnException.invalid("column '" + name + "': '" + op(step)
            + "' follows one_hot or bucketise, which must be the last step");
      }
      if (step instanceof TransformSpec.Impute impute) {
        FittedTransform.Impute f = numbers != null ? imputeNumbers(name, impute, numbers) : imputeStrings(name, impute, strings);
        fitted.add(f);
        if (numbers != null) {
          numbers = fill(numbers, f.number());
        } else {
          strings = fill(strings, f.category());
        }
      } else if (step instanceof TransformSpec.Standardise) {
        requireNumeric(name, numbers, "standardise");
        FittedTransform.Standardise f = standardise(name, numbers);
        fitted.add(f);
        double[] scaled = new double[numbers.length];
        for (int i = 0; i < scaled.length; i++) {
          scaled[i] = (numbers[i] - f.mean()) / f.scale();
        }
        numbers = scaled;
      } else if (step instanceof TransformSpec.OneHot oneHot) {
        if (strings == null) {
          throw CairnException.invalid("column '" + name + "' is numeric; one_hot applies to categorical columns"
              + " (use bucketise for numbers)");
        }
        TreeSet<String> categories = new TreeSet<>();
        for (String s : strings) {
          if (s != null) {
            categories.add(s);
          }
        }
        fitted.add(new FittedTransform.OneHot(new ArrayList<>(categories), oneHot.unknown()));
        expanded = true;
      } else if (step instanceof TransformSpec.Bucketise bucketise) {
        requireNumeric(name, numbers, "bucketise");
        List<Double> edges = bucketise.edges() != null ? bucketise.edges() : quantileEdges(name, numbers, bucketise.quantiles());
        fitted.add(new FittedTransform.Bucketise(edges));
        expanded = true;
      }
    }
    return new FittedColumn(name, column.type(), fitted);
  }

  private static String op(TransformSpec step) {
    return step.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
  }

  private static void requireNumeric(String name, double[] numbers, String op) {
    if (numbers == null) {
      throw CairnException.invalid("column '" + name + "' is categorical; " + op + " applies to numeric columns");
    }
  }

  private static FittedTransform.Impute imputeNumbers(String name, TransformSpec.Impute spec, double[] values) {
    if (spec.strategy() == ImputeStrategy.CONSTANT) {
      if (!(spec.value() instanceof Number n)) {
        throw CairnException.invalid("column '" + name + "' is numeric; impute 'value' must be a number, got '"
            + spec.value() + "'");
      }
      return new FittedTransform.Impute(spec.strategy(), n.doubleValue(), null);
    }
    double[] present = Arrays.stream(values).filter(v -> !Double.isNaN(v)).toArray();
    if (present.length == 0) {
      throw CairnException.invalid("column '" + name + "' has no values in the training frame to compute its "
          + spec.strategy().id() + " from");
    }
    double fill = switch (spec.strategy()) {
      case MEAN -> Stats.mean(present);
      case MEDIAN -> Stats.quantile(sorted(present), 0.5);
      case MOST_FREQUENT -> Stats.mostFrequent(present);
      case CONSTANT -> throw new IllegalStateException();
    };
    return new FittedTransform.Impute(spec.strategy(), fill, null);
  }

  private static FittedTransform.Impute imputeStrings(String name, TransformSpec.Impute spec, String[] values) {
    switch (spec.strategy()) {
      case CONSTANT -> {
        if (!(spec.value() instanceof String s)) {
          throw CairnException.invalid("column '" + name + "' is categorical; impute 'value' must be a string, got "
              + spec.value());
        }
        return new FittedTransform.Impute(spec.strategy(), null, s);
      }
      case MOST_FREQUENT -> {
        Map<String, Integer> counts = new HashMap<>();
        for (String s : values) {
          if (s != null) {
            counts.merge(s, 1, Integer::sum);
          }
        }
        String best = null;
        int bestCount = 0;
        for (Map.Entry<String, Integer> e : counts.entrySet()) {
          // ties go to the smallest category so the fit does not depend on hash order
          if (e.getValue() > bestCount || (e.getValue() == bestCount && e.getKey().compareTo(best) < 0)) {
            best = e.getKey();
            bestCount = e.getValue();
          }
        }
        if (best == null) {
          throw CairnException.invalid("column '" + name + "' has no values in the training frame to find its most"
              + " frequent value");
        }
        return new FittedTransform.Impute(spec.strategy(), null, best);
      }
      default -> throw CairnException.invalid("column '" + name + "' is categorical; impute strategy '"
          + spec.strategy().id() + "' needs numbers (use most_frequent or constant)");
    }
  }

  private static FittedTransform.Standardise standardise(String name, double[] values) {
    double[] present = Arrays.stream(values).filter(v -> !Double.isNaN(v)).toArray();
    if (present.length == 0) {
      throw CairnException.invalid("column '" + name + "' has no values in the training frame to standardise with");
    }
    double mean = Stats.mean(present);
    double sum = 0;
    for (double v : present) {
      sum += (v - mean) * (v - mean);
    }
    double std = Math.sqrt(sum / present.length);
    return new FittedTransform.Standardise(mean, std > 0 ? std : 1.0);
  }

  private static List<Double> quantileEdges(String name, double[] values, int quantiles) {
    double[] present = Arrays.stream(values).filter(v -> !Double.isNaN(v)).toArray();
    if (present.length == 0) {
      throw CairnException.invalid("column '" + name + "' has no values in the training frame to compute quantiles");
    }
    double[] sorted = sorted(present);
    TreeSet<Double> edges = new TreeSet<>();
    for (int i = 1; i < quantiles; i++) {
      edges.add(Stats.quantile(sorted, (double) i / quantiles));
    }
    return new ArrayList<>(edges);
  }

  private static double[] sorted(double[] values) {
    double[] copy = values.clone();
    Arrays.sort(copy);
    return copy;
  }

  private static double[] fill(double[] values, double fill) {
    double[] out = values.clone();
    for (int i = 0; i < out.length; i++) {
      if (Double.isNaN(out[i])) {
        out[i] = fill;
      }
    }
    return out;
  }

  private static String[] fill(String[] values, String fill) {
    String[] out = values.clone();
    for (int i = 0; i < out.length; i++) {
      if (out[i] == null) {
        out[i] = fill;
      }
    }
    return out;
  }
}
