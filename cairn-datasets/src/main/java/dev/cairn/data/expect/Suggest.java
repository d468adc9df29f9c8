package dev.cairn.data.expect;

import dev.cairn.data.schema.ColumnSchema;
import dev.cairn.data.schema.DataType;
import dev.cairn.data.stats.ColumnProfile;
import dev.cairn.data.stats.Profile;
import java.util.ArrayList;
import java.util.List;

/**
 * Proposes a suite from a profile, like Deequ's constraint suggestion: presence and type for every column,
 * not-null for complete columns, allowed values for categoricals, observed ranges for numbers, and uniqueness
 * (as a warning, since it rests on a distinct-count estimate) for columns whose values all looked distinct.
 */
public final class Suggest {
  private Suggest() {}

  public static ExpectationSuite fromProfile(Profile profile) {
    return fromProfile(profile, "suggested");
  }

  public static ExpectationSuite fromProfile(Profile profile, String name) {
    List<Expectation> out = new ArrayList<>();
    out.add(new Expectation(ExpectationKind.ROW_COUNT, null, Severity.WARN, null, 1.0, null, null, null, null, null));
    for (ColumnProfile c : profile.columns()) {
      ColumnSchema schema = profile.schema().column(c.name()).orElse(null);
      DataType type = schema == null ? DataType.UNKNOWN : schema.type();
      out.add(Expectation.of(ExpectationKind.COLUMN_PRESENT, c.name()));
      if (type == DataType.UNKNOWN) {
        continue;
      }
      out.add(Expectation.type(c.name(), type));
      if (c.missing() == 0) {
        out.add(Expectation.of(ExpectationKind.NOT_NULL, c.name()));
      }
      if ((type == DataType.CATEGORICAL || type == DataType.BOOLEAN) && schema.domain() != null) {
        out.add(Expectation.allowedValues(c.name(), schema.domain()));
      }
      if (type.isNumeric() && c.min() != null) {
        out.add(Expectation.range(c.name(), c.min(), c.max()));
      }
      boolean looksUnique = c.count() > 1 && c.missing() == 0 && type != DataType.BOOLEAN
          && Math.abs(c.distinct() - c.count()) <= Math.max(0, 0.01 * c.count());
      if (looksUnique) {
        out.add(Expectation.of(ExpectationKind.UNIQUE, c.name()).withSeverity(Severity.WARN));
      }
    }
    return new ExpectationSuite(name, out);
  }
}
