package dev.cairn.store.search;

import dev.cairn.core.CairnException;
import dev.cairn.store.Dialect;
import dev.cairn.store.search.Filter.Entity;
import dev.cairn.store.search.FilterParser.OrderKey;
import dev.cairn.tracking.LifecycleStage;
import dev.cairn.tracking.ViewType;
import java.util.List;
import java.util.Objects;

/**
 * Turns MLflow search requests (filter string, view type, order_by, paging) into one parameterised SELECT of
 * ids, the same text on SQLite and PostgreSQL save for LIKE and string collation. Ordering matches MLflow's
 * SQL store: a missing sort key sorts last in both directions (NaN metrics just before missing ones), then
 * runs tie-break on start_time DESC and run_id, experiments on experiment_id.
 */
public final class SearchSql {
  private SearchSql() {}

  /**
   * A SELECT returning one column {@code run_id}, ordered, with {@code LIMIT :limit OFFSET :offset} bound in the
   * params.
   *
   * @throws CairnException INVALID_PARAMETER_VALUE on a bad filter or order_by, naming the position of the error
   */
  public static SqlQuery runs(List<Long> experimentIds, String filter, ViewType viewType, List<String> orderBy,
      int limit, long offset, Dialect dialect) {
    return runs(experimentIds, filter, viewType, orderBy, limit, offset, dialect, null);
  }

  /**
   * How far an ordered search walks the index of its first order key (a metric, param or tag): the runs whose
   * value comes at or before {@code bound} in the requested order, ties included, so they are a prefix of the
   * full ordering; with a null bound, every run that has a (non-NaN) value. Runs lacking the value sort after all
   * of these and are never part of a walk.
   */
  public record Walk(Object bound) {}

  /**
   * As {@link #runs(List, String, ViewType, List, int, long, Dialect)}, but when {@code walk} is given, only over the
   * runs it covers, read in index order from the first order key's table, filters probed per run met. A page this
   * returns whole is the page of the full query; a short one says nothing about what lies beyond the walk.
   */
  public static SqlQuery runs(List<Long> experimentIds, String filter, ViewType viewType, List<String> orderBy,
      int limit, long offset, Dialect dialect, Walk walk) {
    Objects.requireNonNull(dialect, "dialect");
    checkPaging(limit, offset);
    Filter parsed = FilterParser.parse(filter, SearchTarget.RUNS);
    List<OrderKey> order = FilterParser.parseOrderBy(orderBy, SearchTarget.RUNS);
    if (walk != null && (order.isEmpty() || tableOf(order.get(0)) == null)) {
      throw new IllegalArgumentException("only a metric, param or tag order key can be walked: " + orderBy);
    }
    SqlRenderer r = new SqlRenderer(dialect, SearchTarget.RUNS, parsed, walk != null);

    String from = "runs";
    StringBuilder walkConditions = new StringBuilder();
    StringBuilder joins = new StringBuilder();
    StringBuilder orderSql = new StringBuilder();
    boolean startTimeOrdered = false;
    for (int i = 0; i < order.size(); i++) {
      OrderKey o = order.get(i);
      String direction = o.ascending() ? "" : " DESC";
      String name = o.key().name();
      String alias = "o" + (i + 1);
      if (i == 0 && walk != null) {
        // the first key's table drives the query (CROSS JOIN keeps SQLite from reordering it): its index range
        // is read in order, each run looked up by primary key
        String table = tableOf(o);
        from = table + " o1 CROSS JOIN runs";
        walkConditions.append(" AND o1.key = ").append(r.bind(name)).append(" AND o1.run_id = runs.run_id");
        if (o.key().entity() == Entity.METRIC) {
          walkConditions.append(" AND o1.is_nan = 0");
        }
        if (walk.bound() != null) {
          walkConditions.append(" AND o1.value");
          if (o.key().entity() != Entity.METRIC && dialect == Dialect.POSTGRESQL) {
            walkConditions.append(" COLLATE \"C\"");
          }
          walkConditions.append(o.ascending() ? " <= " : " >= ").append(r.bind(walk.bound()));
        }
      }
      switch (o.key().entity()) {
        case METRIC -> {
          if (i > 0 || walk == null) {
            joins.append(" LEFT JOIN latest_metrics ").append(alias).append(" ON ").append(alias)
                .append(".run_id = runs.run_id AND ").append(alias).append(".key = ").append(r.bind(name));
          }
          orderSql.append("CASE WHEN ").append(alias).append(".run_id IS NULL THEN 2 WHEN ").append(alias)
              .append(".is_nan = 1 THEN 1 ELSE 0 END, ").append(alias).append(".value").append(direction)
              .append(", ");
        }
        case PARAM, TAG -> {
          if (i > 0 || walk == null) {
            joins.append(" LEFT JOIN ").append(tableOf(o)).append(' ').append(alias).append(" ON ").append(alias)
                .append(".run_id = runs.run_id AND ").append(alias).append(".key = ").append(r.bind(name));
          }
          nullsLast(orderSql, alias + ".value", true, direction, dialect);
        }
        default -> {
          startTimeOrdered |= name.equals("start_time");
          boolean text = !SearchTarget.RUNS.isNumericAttribute(name);
          nullsLast(orderSql, "runs." + name, text, direction, dialect);
        }
      }
    }
    if (!startTimeOrdered) {
      orderSql.append("runs.start_time DESC, ");
    }
    orderSql.append("runs.run_id");

    StringBuilder where = new StringBuilder();
    if (experimentIds == null || experimentIds.isEmpty()) {
      where.append("1 = 0");
    } else {
      where.append("runs.experiment_id IN (");
      for (int i = 0; i < experimentIds.size(); i++) {
        where.append(i == 0 ? "" : ", ").append(r.bind(Objects.requireNonNull(experimentIds.get(i), "experiment id")));
      }
      where.append(')');
    }
    where.append(walkConditions);
    stage(where, "runs", viewType, r);
    if (parsed != null) {
      where.append(" AND ").append(r.condition(parsed));
    }
    r.bindNamed("limit", limit);
    r.bindNamed("offset", offset);
    String sql = "SELECT runs.run_id FROM " + from + joins + " WHERE " + where + " ORDER BY " + orderSql
        + " LIMIT :limit OFFSET :offset";
    return new SqlQuery(sql, r.params());
  }

  /**
   * A query of one column, the value at {@code position} (from 0) of the first order key's index in the requested
   * order, over every run holding the key (any experiment, any stage): the bound of a {@link Walk} covering at
   * least {@code position + 1} runs. Null when the first order key is an attribute (no index to walk).
   */
  public static SqlQuery walkBound(List<String> orderBy, long position, Dialect dialect) {
    List<OrderKey> order = FilterParser.parseOrderBy(orderBy, SearchTarget.RUNS);
    if (order.isEmpty() || tableOf(order.get(0)) == null) {
      return null;
    }
    OrderKey first = order.get(0);
    boolean metric = first.key().entity() == Entity.METRIC;
    SqlRenderer r = new SqlRenderer(dialect, SearchTarget.RUNS, null);
    String sql = "SELECT value FROM " + tableOf(first) + " WHERE key = " + r.bind(first.key().name())
        + (metric ? " AND is_nan = 0" : "") + " ORDER BY value"
        + (!metric && dialect == Dialect.POSTGRESQL ? " COLLATE \"C\"" : "")
        + (first.ascending() ? "" : " DESC") + " LIMIT 1 OFFSET :position";
    r.bindNamed("position", position);
    return new SqlQuery(sql, r.params());
  }

  private static String tableOf(OrderKey o) {
    return switch (o.key().entity()) {
      case METRIC -> "latest_metrics";
      case PARAM -> "params";
      case TAG -> "tags";
      default -> null;
    };
  }

  /**
   * A SELECT returning one column {@code experiment_id}, ordered, with {@code LIMIT :limit OFFSET :offset} bound in
   * the params. Default order: creation_time DESC, experiment_id ASC, as MLflow.
   *
   * @throws CairnException INVALID_PARAMETER_VALUE on a bad filter or order_by, naming the position of the error
   */
  public static SqlQuery experiments(String filter, ViewType viewType, List<String> orderBy, int limit, long offset,
      Dialect dialect) {
    Objects.requireNonNull(dialect, "dialect");
    checkPaging(limit, offset);
    Filter parsed = FilterParser.parse(filter, SearchTarget.EXPERIMENTS);
    List<OrderKey> order = FilterParser.parseOrderBy(orderBy, SearchTarget.EXPERIMENTS);
    SqlRenderer r = new SqlRenderer(dialect, SearchTarget.EXPERIMENTS, parsed);

    StringBuilder orderSql = new StringBuilder();
    if (order.isEmpty()) {
      orderSql.append("experiments.creation_time DESC, experiments.experiment_id");
    } else {
      boolean idOrdered = false;
      for (OrderKey o : order) {
        String name = o.key().name();
        idOrdered |= name.equals("experiment_id");
        orderSql.append("experiments.").append(name);
        if (name.equals("name") && dialect == Dialect.POSTGRESQL) {
          orderSql.append(" COLLATE \"C\"");
        }
        orderSql.append(o.ascending() ? "" : " DESC").append(", ");
      }
      // MLflow's tie-breaker when order_by does not name the id.
      orderSql.append(idOrdered ? "" : "experiments.experiment_id DESC, ");
      orderSql.setLength(orderSql.length() - 2);
    }

    StringBuilder where = new StringBuilder("1 = 1");
    stage(where, "experiments", viewType, r);
    if (parsed != null) {
      where.append(" AND ").append(r.condition(parsed));
    }
    r.bindNamed("limit", limit);
    r.bindNamed("offset", offset);
    String sql = "SELECT experiments.experiment_id FROM experiments WHERE " + where + " ORDER BY " + orderSql
        + " LIMIT :limit OFFSET :offset";
    return new SqlQuery(sql, r.params());
  }

  /** The stage a deleted model version keeps, as MLflow's SQL store: its number stays taken, the row is hidden. */
  public static final String DELETED_VERSION_STAGE = "Deleted_Internal";

  /**
   * A SELECT returning one column {@code model_key} of registered models, ordered (default: name), with
   * {@code LIMIT :limit OFFSET :offset} bound. The filter may name {@code name} and {@code tags.KEY}.
   *
   * @throws CairnException INVALID_PARAMETER_VALUE on a bad filter or order_by, naming the position of the error
   */
  public static SqlQuery registeredModels(String filter, List<String> orderBy, int limit, long offset,
      Dialect dialect) {
    return registry(SearchTarget.REGISTERED_MODELS, "registered_models.model_key", "registered_models",
        "1 = 1", filter, orderBy, limit, offset, dialect);
  }

  /**
   * A SELECT returning one column {@code version_id} of (undeleted) model versions, ordered (default: name, then
   * version newest first), with {@code LIMIT :limit OFFSET :offset} bound. The filter may name {@code name},
   * {@code run_id}, {@code source_path}, {@code version_number} and {@code tags.KEY}.
   */
  public static SqlQuery modelVersions(String filter, List<String> orderBy, int limit, long offset,
      Dialect dialect) {
    return registry(SearchTarget.MODEL_VERSIONS, "model_versions.version_id",
        "model_versions JOIN registered_models ON registered_models.model_key = model_versions.model_key",
        "model_versions.current_stage <> '" + DELETED_VERSION_STAGE + "'", filter, orderBy, limit, offset, dialect);
  }

  private static SqlQuery registry(SearchTarget target, String idColumn, String from, String baseCondition,
      String filter, List<String> orderBy, int limit, long offset, Dialect dialect) {
    Objects.requireNonNull(dialect, "dialect");
    checkPaging(limit, offset);
    Filter parsed = FilterParser.parse(filter, target);
    List<OrderKey> order = FilterParser.parseOrderBy(orderBy, target);
    // In name order: walk the models' name index (and each model's versions newest first), testing the filter per
    // row met, instead of sorting every match (100,000 versions unfiltered, 5,000 models of a common tag). CROSS
    // JOIN keeps SQLite from turning the loops round. Not for run_id tests, which its index answers outright.
    boolean nameFirst = order.isEmpty() || order.get(0).key().name().equals("name");
    boolean walk = nameFirst && (parsed == null || !mentions(parsed, "run_id"));
    if (walk && target == SearchTarget.MODEL_VERSIONS) {
      from = "registered_models CROSS JOIN model_versions";
      baseCondition = "model_versions.model_key = registered_models.model_key AND " + baseCondition;
    }
    SqlRenderer r = new SqlRenderer(dialect, target, parsed, walk);
    StringBuilder orderSql = new StringBuilder();
    boolean nameOrdered = false;
    boolean versionOrdered = false;
    for (OrderKey o : order) {
      String name = o.key().name();
      nameOrdered |= name.equals("name");
      versionOrdered |= name.equals("version_number");
      orderSql.append(target.column(name));
      if (name.equals("name") && dialect == Dialect.POSTGRESQL) {
        orderSql.append(" COLLATE \"C\""); // byte order, as SQLite's BINARY collation
      }
      orderSql.append(o.ascending() ? "" : " DESC").append(", ");
    }
    if (!nameOrdered) {
      orderSql.append("registered_models.name").append(dialect == Dialect.POSTGRESQL ? " COLLATE \"C\"" : "")
          .append(", ");
    }
    if (target == SearchTarget.MODEL_VERSIONS && !versionOrdered) {
      orderSql.append("model_versions.version DESC, ");
    }
    orderSql.setLength(orderSql.length() - 2);
    String where = baseCondition + (parsed == null ? "" : " AND " + r.condition(parsed));
    r.bindNamed("limit", limit);
    r.bindNamed("offset", offset);
    String sql = "SELECT " + idColumn + " FROM " + from + " WHERE " + where + " ORDER BY " + orderSql
        + " LIMIT :limit OFFSET :offset";
    return new SqlQuery(sql, r.params());
  }

  /** Whether a filter tests the attribute {@code name} anywhere. */
  private static boolean mentions(Filter f, String name) {
    if (f instanceof Filter.And a) {
      return mentions(a.left(), name) || mentions(a.right(), name);
    }
    if (f instanceof Filter.Or o) {
      return mentions(o.left(), name) || mentions(o.right(), name);
    }
    if (f instanceof Filter.Not n) {
      return mentions(n.inner(), name);
    }
    Filter.Key key = ((Filter.Comparison) f).key();
    return key.entity() == Entity.ATTRIBUTE && key.name().equals(name);
  }

  /** Sorts rows lacking the value after all others whichever the direction, as MLflow does. */
  private static void nullsLast(StringBuilder sql, String column, boolean text, String direction, Dialect dialect) {
    sql.append("CASE WHEN ").append(column).append(" IS NULL THEN 1 ELSE 0 END, ").append(column);
    if (text && dialect == Dialect.POSTGRESQL) {
      sql.append(" COLLATE \"C\""); // byte order, as SQLite's BINARY collation
    }
    sql.append(direction).append(", ");
  }

  private static void stage(StringBuilder where, String table, ViewType viewType, SqlRenderer r) {
    ViewType view = viewType == null ? ViewType.ACTIVE_ONLY : viewType;
    switch (view) {
      case ACTIVE_ONLY -> where.append(" AND ").append(table).append(".lifecycle_stage = ")
          .append(r.bind(LifecycleStage.ACTIVE.wire()));
      case DELETED_ONLY -> where.append(" AND ").append(table).append(".lifecycle_stage = ")
          .append(r.bind(LifecycleStage.DELETED.wire()));
      case ALL -> { }
    }
  }

  private static void checkPaging(int limit, long offset) {
    if (limit < 0) {
      throw CairnException.invalid("limit is " + limit + "; it must be 0 or more");
    }
    if (offset < 0) {
      throw CairnException.invalid("offset is " + offset + "; it must be 0 or more");
    }
  }
}
