package dev.cairn.data.stats;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.cairn.core.CairnException;
import dev.cairn.core.Json;
import dev.cairn.data.schema.ColumnEvidence;
import dev.cairn.data.schema.Schema;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The statistics of a table: row count, one {@link ColumnProfile} per column and the schema (declared, or
 * inferred from the statistics). Profiles serialise to JSON with their sketches, so two profiles, even
 * reloaded from JSON, {@link #merge merge} into the profile of the concatenated tables.
 *
 * @param schemaDeclared true when {@code schema} was declared rather than inferred
 */
public record Profile(long rowCount, List<ColumnProfile> columns, Schema schema, boolean schemaDeclared) {
  public Profile {
    columns = List.copyOf(columns);
  }

  public Optional<ColumnProfile> column(String name) {
    return columns.stream().filter(c -> c.name().equals(name)).findFirst();
  }

  /** The column or a CairnException naming the columns that exist. */
  public ColumnProfile requireColumn(String name) {
    return column(name).orElseThrow(() -> CairnException.notFound("column '" + name + "' is not in the profile; columns are "
        + columns.stream().map(ColumnProfile::name).toList()));
  }

  /** The profile of this table followed by {@code other}'s rows, with default options. */
  public Profile merge(Profile other) {
    return merge(other, ProfileOptions.DEFAULT);
  }

  /**
   * Merges column by column (by name). A column missing on one side counts as all-missing for that side's rows.
   * Counts, moments, min/max are exact; quantiles, distinct counts and frequencies keep their sketch guarantees.
   */
  public Profile merge(Profile other, ProfileOptions options) {
    Map<String, ColumnAccumulator> merged = new LinkedHashMap<>();
    for (ColumnProfile c : columns) {
      merged.put(c.name(), ColumnAccumulator.fromProfile(c, options));
    }
    for (ColumnProfile c : other.columns) {
      ColumnAccumulator theirs = ColumnAccumulator.fromProfile(c, options);
      ColumnAccumulator ours = merged.get(c.name());
      if (ours == null) {
        theirs.missing += rowCount;
        merged.put(c.name(), theirs);
      } else {
        ours.merge(theirs);
      }
    }
    for (ColumnAccumulator a : merged.values()) {
      if (other.column(a.name).isEmpty()) {
        a.missing += other.rowCount;
      }
    }
    Schema declared = schemaDeclared ? schema : other.schemaDeclared ? other.schema : null;
    return Profiler.finish(rowCount + other.rowCount, new ArrayList<>(merged.values()),
        declared == null ? options : options.withSchema(declared));
  }

  /** Evidence for schema inference, one per column. */
  public List<ColumnEvidence> evidence() {
    return columns.stream().map(c -> ColumnAccumulator.fromProfile(c, ProfileOptions.DEFAULT).evidence()).toList();
  }

  public String toJson() {
    return Json.write(this);
  }

  public static Profile fromJson(String json) {
    try {
      return Json.MAPPER.readValue(json, Profile.class);
    } catch (JsonProcessingException e) {
      throw CairnException.invalid("profile JSON is invalid at line " + e.getLocation().getLineNr() + ": "
          + e.getOriginalMessage());
    }
  }
}
