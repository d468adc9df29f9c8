package dev.cairn.store.search;

import dev.cairn.store.Dialect;
import dev.cairn.store.search.Filter.And;
import dev.cairn.store.search.Filter.Comparison;
import dev.cairn.store.search.Filter.Literal;
import dev.cairn.store.search.Filter.Not;
import dev.cairn.store.search.Filter.Operator;
import dev.cairn.store.search.Filter.Or;
import dev.cairn.store.search.Filter.Text;
import dev.cairn.store.search.Filter.TextList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Renders a parsed filter to a SQL condition. Every literal and every key becomes a named bind parameter;
 * the only text that reaches the SQL is column names, operators and aliases chosen here.
 */
final class SqlRenderer {
  /** Run columns that may be NULL; a comparison on them is made false, not unknown, so NOT stays two-valued. */
  private static final Set<String> NULLABLE_RUN_COLUMNS = Set.of("run_name", "user_id", "end_time", "artifact_uri");
  /** The input tag MLflow stores a dataset's context under. */
  static final String DATASET_CONTEXT_TAG = "mlflow.data.context";

  private final Dialect dialect;
  private final SearchTarget target;
  private final Map<String, Object> params = new LinkedHashMap<>();
  /**
   * PostgreSQL turns AND-ed EXISTS into semi-joins and then plans the join order over all of them: with 200
   * comparisons planning alone took 28 s. Past this many comparisons, subqueries are wrapped in IS TRUE, which
   * keeps them as per-row subplans (what SQLite always does).
   */
  static final int MAX_JOINED_SUBQUERIES = 8;

  private final boolean opaqueSubqueries;
  /**
   * Positive tests as correlated EXISTS probes instead of uncorrelated IN: right when the query walks an order
   * index and checks only the few hundred runs it meets, wrong when it must filter every run.
   */
  private final boolean correlated;
  private int next;

  SqlRenderer(Dialect dialect, SearchTarget target, Filter filter) {
    this(dialect, target, filter, false);
  }

  SqlRenderer(Dialect dialect, SearchTarget target, Filter filter, boolean correlated) {
    this.dialect = dialect;
    this.target = target;
    this.correlated = correlated;
    this.opaqueSubqueries = dialect == Dialect.POSTGRESQL && filter != null
        && comparisons(filter) > MAX_JOINED_SUBQUERIES;
  }

  private static int comparisons(Filter f) {
    if (f instanceof And a) {
      return comparisons(a.left()) + comparisons(a.right());
    }
    if (f instanceof Or o) {
      return comparisons(o.left()) + comparisons(o.right());
    }
    if (f instanceof Not n) {
      return comparisons(n.inner());
    }
    return 1;
  }

  Map<String, Object> params() {
    return params;
  }

  /** Binds a value under a fresh name and returns the placeholder, e.g. {@code :p3}. */
  String bind(Object value) {
    String name = "p" + (++next);
    params.put(name, value);
    return ":" + name;
  }

  void bindNamed(String name, Object value) {
    params.put(name, value);
  }

  String condition(Filter filter) {
    if (filter instanceof And a) {
      return "(" + condition(a.left()) + " AND " + condition(a.right()) + ")";
    }
    if (filter instanceof Or o) {
      return "(" + condition(o.left()) + " OR " + condition(o.right()) + ")";
    }
    if (filter instanceof Not n) {
      return "(NOT " + condition(n.inner()) + ")";
    }
    return comparison((Comparison) filter);
  }

  private String comparison(Comparison c) {
    String name = c.key().name();
    Operator op = c.operator();
    return switch (c.key().entity()) {
      case METRIC -> metric(name, op, c.value());
      case PARAM -> keyValue("params", "p", "run_id", "runs.run_id", name, op, c.value());
      case TAG -> switch (target) {
        case RUNS -> keyValue("tags", "t", "run_id", "runs.run_id", name, op, c.value());
        case EXPERIMENTS ->
            keyValue("experiment_tags", "t", "experiment_id", "experiments.experiment_id", name, op, c.value());
        case REGISTERED_MODELS ->
            keyValue("registered_model_tags", "t", "model_key", "registered_models.model_key", name, op, c.value());
        case MODEL_VERSIONS ->
            keyValue("model_version_tags", "t", "version_id", "model_versions.version_id", name, op, c.value());
        case LOGGED_MODELS -> throw new IllegalStateException("logged-model filters are rendered by their store");
      };
      case ATTRIBUTE -> attribute(name, op, c.value());
      case DATASET -> dataset(name, op, c.value());
    };
  }

  private String metric(String key, Operator op, Literal value) {
    String keyParam = bind(key);
    if (op == Operator.IS_NULL) {
      return notExists("SELECT 1 FROM latest_metrics m WHERE m.run_id = runs.run_id AND m.key = " + keyParam);
    }
    if (op == Operator.IS_NOT_NULL) {
      return positive("latest_metrics", "m", "run_id", "runs.run_id", "m.key = " + keyParam);
    }
    // NaN is stored as is_nan = 1, value = 0; MLflow never lets a NaN satisfy a comparison.
    double number = ((Filter.Number) value).value().doubleValue();
    return positive("latest_metrics", "m", "run_id", "runs.run_id",
        "m.key = " + keyParam + " AND m.is_nan = 0 AND m.value " + sqlOperator(op) + " " + bind(number));
  }

  private String keyValue(String table, String alias, String idColumn, String outerId, String key, Operator op,
      Literal value) {
    String keyParam = bind(key);
    if (op == Operator.IS_NULL) {
      return notExists("SELECT 1 FROM " + table + " " + alias + " WHERE " + alias + "." + idColumn + " = " + outerId
          + " AND " + alias + ".key = " + keyParam);
    }
    String condition = alias + ".key = " + keyParam;
    if (op == Operator.IS_NOT_NULL) {
      return positive(table, alias, idColumn, outerId, condition);
    }
    return positive(table, alias, idColumn, outerId, condition + " AND " + textComparison(alias + ".value", op, value));
  }

  /** "The outer row has a child row meeting {@code condition}", in the form this renderer was made for. */
  private String positive(String table, String alias, String idColumn, String outerId, String condition) {
    if (correlated) {
      return exists("SELECT 1 FROM " + table + " " + alias + " WHERE " + alias + "." + idColumn + " = " + outerId
          + " AND " + condition);
    }
    return in(outerId, "SELECT " + alias + "." + idColumn + " FROM " + table + " " + alias + " WHERE " + condition);
  }

  private String attribute(String name, Operator op, Literal value) {
    String column = target.column(name);
    if (op == Operator.IS_NULL) {
      return column + " IS NULL";
    }
    if (op == Operator.IS_NOT_NULL) {
      return column + " IS NOT NULL";
    }
    String test;
    if (target.isNumericAttribute(name)) {
      test = column + " " + sqlOperator(op) + " " + bind(((Filter.Number) value).value().longValueExact());
    } else {
      test = textComparison(column, op, value);
    }
    if (target == SearchTarget.RUNS && NULLABLE_RUN_COLUMNS.contains(name) || target.nullableAttributes.contains(name)) {
      return "(" + column + " IS NOT NULL AND " + test + ")";
    }
    return test;
  }

  private String dataset(String field, Operator op, Literal value) {
    if (field.equals("context")) {
      return exists("SELECT 1 FROM run_inputs ri JOIN input_tags it ON it.input_id = ri.input_id"
          + " WHERE ri.run_id = runs.run_id AND it.key = " + bind(DATASET_CONTEXT_TAG) + " AND "
          + textComparison("it.value", op, value));
    }
    return exists("SELECT 1 FROM run_inputs ri JOIN datasets d ON d.dataset_id = ri.dataset_id"
        + " WHERE ri.run_id = runs.run_id AND " + textComparison("d." + field, op, value));
  }

  /**
   * A positive test on a child table as an uncorrelated IN: the database finds the few matching ids through
   * the (key, value) index once, instead of probing the child table for every candidate run (100,000 probes
   * for a selective filter over 100,000 runs).
   */
  private String in(String outerId, String matchingIds) {
    String test = outerId + " IN (" + matchingIds + ")";
    return opaqueSubqueries ? "((" + test + ") IS TRUE)" : test;
  }

  private String exists(String subquery) {
    return opaqueSubqueries ? "(EXISTS (" + subquery + ") IS TRUE)" : "EXISTS (" + subquery + ")";
  }

  private String notExists(String subquery) {
    return opaqueSubqueries ? "((NOT EXISTS (" + subquery + ")) IS TRUE)" : "NOT EXISTS (" + subquery + ")";
  }

  /** A case-sensitive string test (ILIKE aside) that reads the same on SQLite and PostgreSQL. */
  private String textComparison(String column, Operator op, Literal value) {
    return switch (op) {
      case EQ -> column + " = " + bind(((Text) value).value());
      case NE -> column + " <> " + bind(((Text) value).value());
      case IN, NOT_IN -> {
        StringBuilder in = new StringBuilder(column).append(op == Operator.IN ? " IN (" : " NOT IN (");
        boolean first = true;
        for (String v : ((TextList) value).values()) {
          in.append(first ? "" : ", ").append(bind(v));
          first = false;
        }
        yield in.append(")").toString();
      }
      case LIKE -> like(column, LikePattern.parse(((Text) value).value()), true);
      case ILIKE -> like(column, LikePattern.parse(((Text) value).value()), false);
      default -> throw new IllegalStateException("not a string comparator: " + op);
    };
  }

  private String like(String column, LikePattern pattern, boolean caseSensitive) {
    if (dialect == Dialect.POSTGRESQL) {
      // PostgreSQL's LIKE is case-sensitive and its default escape character is the backslash.
      return column + (caseSensitive ? " LIKE " : " ILIKE ") + bind(pattern.toBackslashLike());
    }
    if (caseSensitive) {
      // SQLite's LIKE ignores ASCII case; GLOB is case-sensitive, so the pattern is translated to GLOB syntax.
      return column + " GLOB " + bind(pattern.toGlob());
    }
    return column + " LIKE " + bind(pattern.toBangLike()) + " ESCAPE '!'";
  }

  static String sqlOperator(Operator op) {
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
