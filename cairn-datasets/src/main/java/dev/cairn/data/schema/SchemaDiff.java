package dev.cairn.data.schema;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.cairn.core.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/** The differences between two schemas, column by column, e.g. between two dataset versions. */
public record SchemaDiff(List<Change> changes) {
  public SchemaDiff {
    changes = List.copyOf(changes);
  }

  /** What changed about one column. */
  public enum Kind {
    ADDED, REMOVED, TYPE_CHANGED, NULLABILITY_CHANGED, DOMAIN_CHANGED
  }

  /**
   * One change. {@code before}/{@code after} hold the old and new type or nullability as text; domain changes
   * list the values that appeared and disappeared.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Change(String column, Kind kind, String before, String after, List<String> addedValues,
      List<String> removedValues) {}

  public static SchemaDiff between(Schema before, Schema after) {
    List<Change> out = new ArrayList<>();
    for (ColumnSchema old : before.columns()) {
      ColumnSchema now = after.column(old.name()).orElse(null);
      if (now == null) {
        out.add(new Change(old.name(), Kind.REMOVED, old.type().id(), null, null, null));
        continue;
      }
      if (old.type() != now.type()) {
        out.add(new Change(old.name(), Kind.TYPE_CHANGED, old.type().id(), now.type().id(), null, null));
      }
      if (!Objects.equals(old.nullable(), now.nullable())) {
        out.add(new Change(old.name(), Kind.NULLABILITY_CHANGED, String.valueOf(old.nullable()),
            String.valueOf(now.nullable()), null, null));
      }
      if (old.domain() != null || now.domain() != null) {
        TreeSet<String> was = new TreeSet<>(old.domain() == null ? List.of() : old.domain());
        TreeSet<String> is = new TreeSet<>(now.domain() == null ? List.of() : now.domain());
        if (!was.equals(is)) {
          TreeSet<String> added = new TreeSet<>(is);
          added.removeAll(was);
          TreeSet<String> removed = new TreeSet<>(was);
          removed.removeAll(is);
          out.add(new Change(old.name(), Kind.DOMAIN_CHANGED, null, null, List.copyOf(added), List.copyOf(removed)));
        }
      }
    }
    for (ColumnSchema now : after.columns()) {
      if (before.column(now.name()).isEmpty()) {
        out.add(new Change(now.name(), Kind.ADDED, null, now.type().id(), null, null));
      }
    }
    return new SchemaDiff(out);
  }

  public boolean isEmpty() {
    return changes.isEmpty();
  }

  public String toJson() {
    return Json.write(this);
  }
}
