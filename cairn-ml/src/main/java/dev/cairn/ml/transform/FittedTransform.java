package dev.cairn.ml.transform;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.cairn.core.CairnException;
import java.util.List;

/**
 * One transform step with the parameters it learnt from the training frame. These records are what a model bundle
 * stores (as JSON, with the same {@code op} names as {@link TransformSpec}) and what serving applies.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "op")
@JsonSubTypes({
    @JsonSubTypes.Type(value = FittedTransform.Impute.class, name = "impute"),
    @JsonSubTypes.Type(value = FittedTransform.Standardise.class, name = "standardise"),
    @JsonSubTypes.Type(value = FittedTransform.OneHot.class, name = "one_hot"),
    @JsonSubTypes.Type(value = FittedTransform.Bucketise.class, name = "bucketise")})
public sealed interface FittedTransform {

  /**
   * A fitted imputation: exactly one of {@code number} (numeric columns) or {@code category} is set.
   *
   * @param strategy the strategy that chose the fill value (kept for readers of the bundle)
   */
  record Impute(ImputeStrategy strategy, Double number, String category) implements FittedTransform {
    public Impute {
      if (strategy == null || (number == null) == (category == null)) {
        throw CairnException.invalid("fitted impute needs a strategy and exactly one of 'number' or 'category'");
      }
    }
  }

  /** A fitted standardisation: {@code (x - mean) / scale}. */
  record Standardise(double mean, double scale) implements FittedTransform {
    public Standardise {
      if (!Double.isFinite(mean) || !Double.isFinite(scale) || scale <= 0) {
        throw CairnException.invalid("fitted standardise needs a finite mean and a positive scale, got mean "
            + mean + " and scale " + scale);
      }
    }
  }

  /** A fitted one-hot encoding over the training categories, sorted. */
  record OneHot(List<String> categories, UnknownCategory unknown) implements FittedTransform {
    public OneHot {
      categories = List.copyOf(categories);
      unknown = unknown == null ? UnknownCategory.ZEROS : unknown;
    }
  }

  /** Fitted bucket edges: {@code edges.size() + 1} buckets. */
  record Bucketise(List<Double> edges) implements FittedTransform {
    public Bucketise {
      edges = List.copyOf(edges);
    }
  }
}
