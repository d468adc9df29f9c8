package dev.cairn.data.schema;

import dev.cairn.core.CairnException;
import java.util.ArrayList;
import java.util.List;

/**
 * Infers a {@link Schema} from per-column evidence, like TFDV's schema inference: the narrowest type every
 * non-missing value fits, nullable when anything was missing, and a domain for strings with few distinct
 * values ({@code distinct <= maxDistinct} and {@code distinct <= maxDistinctRatio * count}).
 */
public record SchemaInference(int maxDistinct, double maxDistinctRatio) {
  public static final SchemaInference DEFAULT = new SchemaInference(50, 0.5);

  public SchemaInference {
    if (maxDistinct < 1) {
      throw CairnException.invalid("schema inference 'maxDistinct' is " + maxDistinct + "; it must be at least 1");
    }
    if (!(maxDistinctRatio > 0 && maxDistinctRatio <= 1)) {
      throw CairnException.invalid("schema inference 'maxDistinctRatio' is " + maxDistinctRatio + "; it must be in (0, 1]");
    }
  }

  public Schema infer(List<ColumnEvidence> columns) {
    List<ColumnSchema> out = new ArrayList<>();
    for (ColumnEvidence c : columns) {
      out.add(infer(c));
    }
    return new Schema(out);
  }

  public ColumnSchema infer(ColumnEvidence c) {
    boolean nullable = c.missing() > 0 || c.count() == 0;
    long n = c.count();
    if (n == 0) {
      return new ColumnSchema(c.name(), DataType.UNKNOWN, true, null, null, null);
    }
    if (c.integers() == n) {
      return new ColumnSchema(c.name(), DataType.INTEGER, nullable, null, c.min(), c.max());
    }
    if (c.integers() + c.floats() == n) {
      return new ColumnSchema(c.name(), DataType.FLOAT, nullable, null, c.min(), c.max());
    }
    if (c.booleans() == n) {
      return new ColumnSchema(c.name(), DataType.BOOLEAN, nullable, c.domain(), null, null);
    }
    if (c.timestamps() == n) {
      return new ColumnSchema(c.name(), DataType.TIMESTAMP, nullable, null, null, null);
    }
    if (c.domain() != null && c.distinct() <= maxDistinct && c.distinct() <= maxDistinctRatio * n) {
      return new ColumnSchema(c.name(), DataType.CATEGORICAL, nullable, c.domain().stream().sorted().toList(), null, null);
    }
    return new ColumnSchema(c.name(), DataType.TEXT, nullable, null, null, null);
  }
}
