package dev.cairn.ml.transform;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.cairn.core.CairnException;
import java.util.List;

/**
 * One step of a column's transform chain, before fitting. Written in JSON/YAML as an object with an {@code op}:
 * {@code {op: impute, strategy: median}}, {@code {op: standardise}}, {@code {op: one_hot, unknown: zeros}},
 * {@code {op: bucketise, edges: [18, 30, 65]}} or {@code {op: bucketise, quantiles: 4}}.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "op")
@JsonSubTypes({
    @JsonSubTypes.Type(value = TransformSpec.Impute.class, name = "impute"),
    @JsonSubTypes.Type(value = TransformSpec.Standardise.class, name = "standardise"),
    @JsonSubTypes.Type(value = TransformSpec.OneHot.class, name = "one_hot"),
    @JsonSubTypes.Type(value = TransformSpec.Bucketise.class, name = "bucketise")})
public sealed interface TransformSpec {

  /**
   * Fills missing values.
   *
   * @param strategy how the fill value is computed from the training frame
   * @param value the fill value for {@link ImputeStrategy#CONSTANT} (a number or a string); null otherwise
   */
  record Impute(ImputeStrategy strategy, Object value) implements TransformSpec {
    public Impute {
      if (strategy == null) {
        throw CairnException.invalid("impute 'strategy' is missing; use mean, median, most_frequent or constant");
      }
      if (strategy == ImputeStrategy.CONSTANT && !(value instanceof Number || value instanceof String)) {
        throw CairnException.invalid("impute strategy 'constant' needs a 'value' (a number or a string)");
      }
      if (strategy != ImputeStrategy.CONSTANT && value != null) {
        throw CairnException.invalid("impute 'value' is only for strategy 'constant', not '" + strategy.id() + "'");
      }
    }

    public static Impute of(ImputeStrategy strategy) {
      return new Impute(strategy, null);
    }
  }

  /** Subtracts the training mean and divides by the training (population) standard deviation; 1 when it is 0. */
  record Standardise() implements TransformSpec {}

  /**
   * Replaces a categorical column by one 0/1 feature per training category ({@code column=value}); missing values
   * give all zeros.
   *
   * @param unknown what a category unseen in training becomes; zeros when null
   */
  record OneHot(UnknownCategory unknown) implements TransformSpec {
    public OneHot {
      unknown = unknown == null ? UnknownCategory.ZEROS : unknown;
    }
  }

  /**
   * Replaces a numeric column by one 0/1 feature per bucket ({@code column_bucket_i}); bucket i holds values in
   * [edge i-1, edge i). Either fixed {@code edges} (strictly increasing) or a number of {@code quantiles} computed
   * on the training frame (equal edges merged). Missing values give all zeros.
   */
  record Bucketise(List<Double> edges, Integer quantiles) implements TransformSpec {
    public Bucketise {
      if ((edges == null) == (quantiles == null)) {
        throw CairnException.invalid("bucketise needs exactly one of 'edges' or 'quantiles'");
      }
      if (edges != null) {
        edges = List.copyOf(edges);
        if (edges.isEmpty()) {
          throw CairnException.invalid("bucketise 'edges' is empty; give at least one edge");
        }
        for (int i = 0; i < edges.size(); i++) {
          if (!Double.isFinite(edges.get(i)) || (i > 0 && edges.get(i) <= edges.get(i - 1))) {
            throw CairnException.invalid("bucketise 'edges' " + edges + " must be finite and strictly increasing");
          }
        }
      }
      if (quantiles != null && (quantiles < 2 || quantiles > 1000)) {
        throw CairnException.invalid("bucketise 'quantiles' is " + quantiles + "; it must be between 2 and 1000");
      }
    }

    public static Bucketise ofEdges(double... edges) {
      return new Bucketise(java.util.Arrays.stream(edges).boxed().toList(), null);
    }

    public static Bucketise ofQuantiles(int quantiles) {
      return new Bucketise(null, quantiles);
    }
  }
}
