package dev.cairn.store.loggedmodels;

import dev.cairn.core.CairnException;
import dev.cairn.store.Dialect;
import dev.cairn.store.search.Filter;
import dev.cairn.store.search.Filter.And;
import dev.cairn.store.search.Filter.Comparison;
import dev.cairn.store.search.Filter.Entity;
import dev.cairn.store.search.Filter.Literal;
import dev.cairn.store.search.Filter.Not;
import dev.cairn.store.search.Filter.Operator;
import dev.cairn.store.search.Filter.Or;
import dev.cairn.store.search.Filter.Text;
import dev.cairn.store.search.Filter.TextList;
import dev.cairn.store.search.FilterParser;
import dev.cairn.store.search.LikePattern;
import dev.cairn.store.search.SearchTarget;
import dev.cairn.store.search.SqlQuery;
import dev.cairn.store.sql.PageTokens;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Renders a {@link LoggedModelSearch} to one parameterised SELECT of model ids. The filter is parsed by the
 * shared MLflow filter parser; every literal and key becomes a bind parameter, so only column names and
 * operators chosen here reach the SQL text.
 */
final class LoggedModelSql {
  private static final Map<String, String> COLUMNS = Map.of(
      "name", "lm.name", "model_id", "lm.model_id", "model_type", "lm.model_type", "status", "lm.status",
      "source_run_id", "lm.source_run_id", "creation_time", "lm.creation_timestamp_ms",
      "creation_timestamp", "lm.creation_timestamp_ms", "last_updated_timestamp", "lm.last_updated_timestamp_ms");
  /** Columns that may be NULL: a comparison on them is made false, not unknown, so NOT stays two-valued. */
  private static final Set<String> NULLABLE = Set.of("lm.model_type", "lm.source_run_id");

  private final Dialect dialect;
  private final LoggedModelSearch search;
  private final Map<String, Object> params = new LinkedHashMap<>();
  private int next;

  private LoggedModelSql(Dialect dialect, LoggedModelSearch search) {
    this.dialect = dialect;
    this.search = search;
  }

  /** The page's model ids in order, one more than the page holds when another page follows. */
  static SqlQuery render(Dialect dialect, LoggedModelSearch search) {
    return new LoggedModelSql(dialect, search).select();
  }

  private SqlQuery select() {
    List<String> experiments = new ArrayList<>();
    for (String id : search.experimentIds()) {
      try {
        experiments.add(bind(Long.parseLong(id.strip())));
      } catch (NumberFormatException e) {
        throw CairnException.invalid("experiment id '" + id + "' is not a number; experiment ids are numeric");
      }
    }
    StringBuilder sql = new StringBuilder("SELECT lm.model_id FROM logged_models lm WHERE lm.lifecycle_stage = ")
        .append(bind("active"));
    sql.append(" AND lm.experiment_id IN (").append(String.join(", ", experiments)).append(")");
    Filter filter = FilterParser.parse(search.filter(), SearchTarget.LOGGED_MODELS);
    if (filter != null) {
      sql.append(" AND ").append(condition(filter));
    }
    sql.append(" ORDER BY ").append(orderBy());
    long offset = PageTokens.decode(search.pageToken());
    sql.append(" LIMIT ").append(bind((long) search.maxResults() + 1)).append(" OFFSET ").append(bind(offset));
    return new SqlQuery(sql.toString(), params);
  }

  private String bind(Object value) {
    String name = "p" + (++next);
    params.put(name, value);
    return ":" + name;
  }

  private String condition(Filter f) {
    if (f instanceof And a) {
      return "(" + condition(a.left()) + " AND " + condition(a.right()) + ")";
    }
    if (f instanceof Or o) {
      return "(" + condition(o.left()) + " OR " + condition(o.right()) + ")";
    }
    if (f instanceof Not n) {
      return "(NOT " + condition(n.inner()) + ")";
    }
    Comparison c = (Comparison) f;
    String key = c.key().name();
    return switch (c.key().entity()) {
      case ATTRIBUTE -> attribute(key, c.operator(), c.value());
      case METRIC -> metric(key, c.operator(), c.value());
      case PARAM -> keyValue("logged_model_params", key, c.operator(), c.value());
      case TAG -> keyValue("logged_model_tags", key, c.operator(), c.value());
      case DATASET -> throw CairnException.invalid("a filter on logged models cannot use datasets");
    };
  }

  private String attribute(String name, Operator op, Literal value) {
    String column = COLUMNS.get(name);
    if (op == Operator.IS_NULL) {
      return column + " IS NULL";
    }
    if (op == Operator.IS_NOT_NULL) {
      return column + " IS NOT NULL";
    }
    String test;
    if (column.endsWith("_ms")) {
      test = column + " " + sqlOperator(op) + " " + bind(((Filter.Number) value).value().longValueExact());
    } else {
      test = text(column, op, name.equals("status") ? statusNames(value) : value);
    }
    return NULLABLE.contains(column) ? "(" + column + " IS NOT NULL AND " + test + ")" : test;
  }

  /** Filters may name a status as READY or LOGGED_MODEL_READY; the table keeps the short name. */
  private static Literal statusNames(Literal value) {
    if (value instanceof Text t) {
      return new Text(shortStatus(t.value()));
    }
    if (value instanceof TextList l) {
      return new TextList(l.values().stream().map(LoggedModelSql::shortStatus).toList());
    }
    return value;
  }

  private static String shortStatus(String s) {
    try {
      return LoggedModelStatus.parse(s).name();
    } catch (CairnException e) {
      return s; // an unknown status matches nothing, as a comparison with any other unknown value would
    }
  }

  private String metric(String key, Operator op, Literal value) {
    String keyParam = bind(key);
    String datasets = datasetCondition("m", search.datasets());
    String rows = "SELECT m.model_id FROM logged_model_metrics m WHERE m.key = " + keyParam + datasets;
    if (op == Operator.IS_NULL) {
      return "lm.model_id NOT IN (" + rows + ")";
    }
    if (op == Operator.IS_NOT_NULL) {
      return "lm.model_id IN (" + rows + ")";
    }
    // NaN never satisfies a comparison, as in MLflow.
    double number = ((Filter.Number) value).value().doubleValue();
    return "lm.model_id IN (" + rows + " AND m.is_nan = 0 AND m.value " + sqlOperator(op) + " " + bind(number) + ")";
  }

  /** Metric rows measured on any of the datasets (name, and digest when given); empty means every metric. */
  private String datasetCondition(String alias, List<LoggedModelSearch.DatasetFilter> datasets) {
    if (datasets.isEmpty()) {
      return "";
    }
    List<String> any = new ArrayList<>();
    for (LoggedModelSearch.DatasetFilter d : datasets) {
      String one = alias + ".dataset_name = " + bind(d.name());
      if (d.digest() != null) {
        one += " AND " + alias + ".dataset_digest = " + bind(d.digest());
      }
      any.add("(" + one + ")");
    }
    return " AND (" + String.join(" OR ", any) + ")";
  }

  private String keyValue(String table, String key, Operator op, Literal value) {
    String rows = "SELECT kv.model_id FROM " + table + " kv WHERE kv.key = " + bind(key);
    if (op == Operator.IS_NULL) {
      return "lm.model_id NOT IN (" + rows + ")";
    }
    if (op == Operator.IS_NOT_NULL) {
      return "lm.model_id IN (" + rows + ")";
    }
    return "lm.model_id IN (" + rows + " AND " + text("kv.value", op, value) + ")";
  }

  private String text(String column, Operator op, Literal value) {
    return switch (op) {
      case EQ -> column + " = " + bind(((Text) value).value());
      case NE -> column + " <> " + bind(((Text) value).value());
      case IN, NOT_IN -> {
        List<String> values = new ArrayList<>();
        for (String v : ((TextList) value).values()) {
          values.add(bind(v));
        }
        yield column + (op == Operator.IN ? " IN (" : " NOT IN (") + String.join(", ", values) + ")";
      }
      case LIKE -> like(column, LikePattern.parse(((Text) value).value()), true);
      case ILIKE -> like(column, LikePattern.parse(((Text) value).value()), false);
      default -> throw new IllegalStateException("not a string comparator: " + op);
    };
  }

  private String like(String column, LikePattern pattern, boolean caseSensitive) {
    if (dialect == Dialect.POSTGRESQL) {
      return column + (caseSensitive ? " LIKE " : " ILIKE ") + bind(pattern.toBackslashLike());
    }
    if (caseSensitive) { // SQLite's LIKE ignores ASCII case; GLOB does not
      return column + " GLOB " + bind(pattern.toGlob());
    }
    return column + " LIKE " + bind(pattern.toBangLike()) + " ESCAPE '!'";
  }

  private String orderBy() {
    List<String> terms = new ArrayList<>();
    boolean byModelId = false;
    for (LoggedModelSearch.Order order : search.orderBy()) {
      List<FilterParser.OrderKey> keys = FilterParser.parseOrderBy(List.of(order.field()), SearchTarget.LOGGED_MODELS);
      FilterParser.OrderKey key = keys.get(0);
      // a direction written into field_name (e.g. "creation_time DESC") reverses the ascending flag
      boolean ascending = order.ascending() == key.ascending();
      String direction = ascending ? " ASC" : " DESC";
      if (key.key().entity() == Entity.METRIC) {
        List<LoggedModelSearch.DatasetFilter> dataset = order.datasetName() == null ? List.of()
            : List.of(new LoggedModelSearch.DatasetFilter(order.datasetName(), order.datasetDigest()));
        String latest = "(SELECT m.value FROM logged_model_metrics m WHERE m.model_id = lm.model_id AND m.key = "
            + bind(key.key().name()) + " AND m.is_nan = 0" + datasetCondition("m", dataset)
            + " ORDER BY m.timestamp DESC, m.step DESC LIMIT 1)";
        // models without the metric sort last in either direction, on both databases
        terms.add("CASE WHEN " + latest + " IS NULL THEN 1 ELSE 0 END");
        terms.add(latest + direction);
      } else {
        if (order.datasetName() != null) {
          throw CairnException.invalid("order_by field '" + order.field() + "' is not a metric, so it cannot name a"
              + " dataset");
        }
        String column = COLUMNS.get(key.key().name());
        if (NULLABLE.contains(column)) {
          terms.add("CASE WHEN " + column + " IS NULL THEN 1 ELSE 0 END");
        }
        terms.add(column + direction);
        byModelId |= column.equals("lm.model_id");
      }
    }
    if (search.orderBy().isEmpty()) {
      terms.add("lm.creation_timestamp_ms DESC");
    }
    if (!byModelId) {
      terms.add("lm.model_id ASC"); // a total order, so offset pages neither repeat nor skip models
    }
    return String.join(", ", terms);
  }

  private static String sqlOperator(Operator op) {
    return switch (op) {
      case EQ -> "=";
      case NE -> "<>";
      case LT -> "<";
      case LE -> "<=";
      case GT -> ">";
      case GE -> ">=";
      default -> throw new IllegalStateException("not a numeric comparator: " + op);
    };
  }
}
