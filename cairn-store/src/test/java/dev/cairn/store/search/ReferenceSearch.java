package dev.cairn.store.search;

import dev.cairn.store.search.Filter.And;
import dev.cairn.store.search.Filter.Comparison;
import dev.cairn.store.search.Filter.Entity;
import dev.cairn.store.search.Filter.Key;
import dev.cairn.store.search.Filter.Literal;
import dev.cairn.store.search.Filter.Not;
import dev.cairn.store.search.Filter.Nothing;
import dev.cairn.store.search.Filter.Operator;
import dev.cairn.store.search.Filter.Or;
import dev.cairn.store.search.Filter.Text;
import dev.cairn.store.search.Filter.TextList;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;
import org.jdbi.v3.core.Handle;

/**
 * A plain-Java evaluation of a filter over runs read back from the database, to check the rendered SQL
 * against; plus a generator of filters over the keys and values of the test fixture, so most of them match
 * something.
 */
final class ReferenceSearch {
  private ReferenceSearch() {}

  record RunRow(String id, long startTime, Map<String, Object> attributes, Map<String, Double> metrics,
      Map<String, String> params, Map<String, String> tags, List<Map<String, String>> datasets) {}

  static List<RunRow> load(Handle h) {
    List<RunRow> rows = new ArrayList<>();
    for (Map<String, Object> r : h.createQuery("SELECT * FROM runs").mapToMap().list()) {
      String id = ((String) r.get("run_id")).trim();
      Map<String, Object> attributes = new HashMap<>();
      for (String column : List.of("run_id", "run_name", "user_id", "status", "artifact_uri")) {
        Object v = r.get(column);
        attributes.put(column, v == null ? null : v.toString().trim());
      }
      attributes.put("start_time", ((Number) r.get("start_time")).longValue());
      attributes.put("end_time", r.get("end_time") == null ? null : ((Number) r.get("end_time")).longValue());
      Map<String, Double> metrics = new HashMap<>();
      h.createQuery("SELECT key, value, is_nan FROM latest_metrics WHERE run_id = :id").bind("id", id).mapToMap()
          .forEach(m -> metrics.put((String) m.get("key"),
              ((Number) m.get("is_nan")).intValue() == 1 ? Double.NaN : ((Number) m.get("value")).doubleValue()));
      rows.add(new RunRow(id, ((Number) r.get("start_time")).longValue(), attributes, metrics,
          keyValues(h, "params", id), keyValues(h, "tags", id), datasets(h, id)));
    }
    rows.sort(Comparator.comparingLong(RunRow::startTime).reversed().thenComparing(RunRow::id));
    return rows;
  }

  private static Map<String, String> keyValues(Handle h, String table, String id) {
    Map<String, String> out = new HashMap<>();
    h.createQuery("SELECT key, value FROM " + table + " WHERE run_id = :id").bind("id", id).mapToMap()
        .forEach(m -> out.put((String) m.get("key"), (String) m.get("value")));
    return out;
  }

  private static List<Map<String, String>> datasets(Handle h, String id) {
    List<Map<String, String>> out = new ArrayList<>();
    h.createQuery("SELECT ri.input_id, d.name, d.digest FROM run_inputs ri JOIN datasets d "
        + "ON d.dataset_id = ri.dataset_id WHERE ri.run_id = :id").bind("id", id).mapToMap().forEach(m -> {
          Map<String, String> d = new HashMap<>();
          d.put("name", (String) m.get("name"));
          d.put("digest", (String) m.get("digest"));
          d.put("context", h.createQuery("SELECT value FROM input_tags WHERE input_id = :i AND key = :k")
              .bind("i", m.get("input_id")).bind("k", SqlRenderer.DATASET_CONTEXT_TAG).mapTo(String.class)
              .findOne().orElse(null));
          out.add(d);
        });
    return out;
  }

  static boolean matches(Filter f, RunRow run) {
    if (f instanceof And a) {
      return matches(a.left(), run) && matches(a.right(), run);
    }
    if (f instanceof Or o) {
      return matches(o.left(), run) || matches(o.right(), run);
    }
    if (f instanceof Not n) {
      return !matches(n.inner(), run);
    }
    Comparison c = (Comparison) f;
    String name = c.key().name();
    Operator op = c.operator();
    switch (c.key().entity()) {
      case METRIC: {
        if (op.isNullTest()) {
          return run.metrics().containsKey(name) == (op == Operator.IS_NOT_NULL);
        }
        Double v = run.metrics().get(name);
        return v != null && !v.isNaN() && numeric(v.compareTo(((Filter.Number) c.value()).value().doubleValue()), op);
      }
      case PARAM:
      case TAG: {
        Map<String, String> map = c.key().entity() == Entity.PARAM ? run.params() : run.tags();
        if (op.isNullTest()) {
          return map.containsKey(name) == (op == Operator.IS_NOT_NULL);
        }
        String v = map.get(name);
        return v != null && text(v, op, c.value());
      }
      case ATTRIBUTE: {
        Object v = run.attributes().get(name);
        if (op.isNullTest()) {
          return (v != null) == (op == Operator.IS_NOT_NULL);
        }
        if (v == null) {
          return false;
        }
        if (v instanceof Long l) {
          return numeric(l.compareTo(((Filter.Number) c.value()).value().longValueExact()), op);
        }
        return text((String) v, op, c.value());
      }
      default:
        return run.datasets().stream().anyMatch(d -> d.get(name) != null && text(d.get(name), op, c.value()));
    }
  }

  private static boolean numeric(int cmp, Operator op) {
    return switch (op) {
      case EQ -> cmp == 0;
      case NE -> cmp != 0;
      case LT -> cmp < 0;
      case LE -> cmp <= 0;
      case GT -> cmp > 0;
      default -> cmp >= 0;
    };
  }

  private static boolean text(String v, Operator op, Literal value) {
    return switch (op) {
      case EQ -> v.equals(((Text) value).value());
      case NE -> !v.equals(((Text) value).value());
      case IN -> ((TextList) value).values().contains(v);
      case NOT_IN -> !((TextList) value).values().contains(v);
      case LIKE -> regex(((Text) value).value(), 0).matcher(v).matches();
      default -> regex(((Text) value).value(), Pattern.CASE_INSENSITIVE).matcher(v).matches();
    };
  }

  /** LIKE semantics written independently of LikePattern: % any run, _ one char, backslash escapes. */
  private static Pattern regex(String like, int flags) {
    StringBuilder re = new StringBuilder();
    for (int i = 0; i < like.length(); i++) {
      char c = like.charAt(i);
      if (c == '\\' && i + 1 < like.length()) {
        re.append(Pattern.quote(String.valueOf(like.charAt(++i))));
      } else if (c == '%') {
        re.append(".*");
      } else if (c == '_') {
        re.append('.');
      } else {
        re.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(re.toString(), flags | Pattern.DOTALL);
  }

  // ---------------------------------------------------------------- generator

  /** Filters over the fixture's keys and values (ASCII only: SQLite folds case for ASCII only). */
  static Arbitrary<Filter> fixtureFilters(int depth) {
    Arbitrary<Filter> leaf = fixtureComparisons();
    if (depth == 0) {
      return leaf;
    }
    Arbitrary<Filter> smaller = Arbitraries.lazy(() -> fixtureFilters(depth - 1));
    return Arbitraries.frequencyOf(
        Tuple.of(3, leaf),
        Tuple.of(1, Combinators.combine(smaller, smaller).as(And::new)),
        Tuple.of(1, Combinators.combine(smaller, smaller).as(Or::new)),
        Tuple.of(1, smaller.map(Not::new)));
  }

  private static Arbitrary<Filter> fixtureComparisons() {
    Arbitrary<Operator> numericOps = Arbitraries.of(Operator.EQ, Operator.NE, Operator.LT, Operator.LE, Operator.GT,
        Operator.GE, Operator.IS_NULL, Operator.IS_NOT_NULL);
    Arbitrary<Operator> textOps = Arbitraries.of(Operator.EQ, Operator.NE, Operator.LIKE, Operator.ILIKE, Operator.IN,
        Operator.NOT_IN, Operator.IS_NULL, Operator.IS_NOT_NULL);
    Arbitrary<String> texts = Arbitraries.of("0.1", "0.01", "CNN", "cnn", "Vision", "vision", "50%_off", "50xyoff",
        "a*b", "axb", "y", "FINISHED", "RUNNING", "failed", "alice", "bob", "carol", "Train-One", "train-two", "mnist",
        "d1", "training", "%", "c%", "C_N", "%n%", "_", "0.%1", "50\\%\\__ff", "a*%", "a?b", "[a]*", "%I%", "t%-%",
        "%!%", "%\\", "", SearchSqlContract.R1, SearchSqlContract.R3);
    Arbitrary<BigDecimal> metricValues = Arbitraries.of("0", "0.3", "0.5", "0.9", "0.99", "7", "-1", "1")
        .map(BigDecimal::new);
    Arbitrary<BigDecimal> times = Arbitraries.of(0L, 1000L, 1500L, 2000L, 3000L, 4500L, 5000L).map(BigDecimal::valueOf);

    Arbitrary<Filter> metric = Combinators.combine(Arbitraries.of("acc", "loss", "my key", "nope"), numericOps,
        metricValues).as((k, op, v) -> comparison(Entity.METRIC, k, op, new Filter.Number(v)));
    Arbitrary<Filter> params = Combinators.combine(Arbitraries.of("lr", "model", "nope"), textOps, texts,
        texts.list().ofMinSize(1).ofMaxSize(3)).as((k, op, v, l) -> textComparison(Entity.PARAM, k, op, v, l));
    Arbitrary<Filter> tags = Combinators.combine(
        Arbitraries.of("team", "promo", "glob", SearchSqlContract.INJECTION_KEY, "nope"), textOps, texts,
        texts.list().ofMinSize(1).ofMaxSize(3)).as((k, op, v, l) -> textComparison(Entity.TAG, k, op, v, l));
    Arbitrary<Filter> stringAttributes = Combinators.combine(
        Arbitraries.of("run_id", "run_name", "status", "user_id", "artifact_uri"), textOps, texts,
        texts.list().ofMinSize(1).ofMaxSize(3)).as((k, op, v, l) -> textComparison(Entity.ATTRIBUTE, k, op, v, l));
    Arbitrary<Filter> timeAttributes = Combinators.combine(Arbitraries.of("start_time", "end_time"), numericOps, times)
        .as((k, op, v) -> comparison(Entity.ATTRIBUTE, k, op, new Filter.Number(v)));
    Arbitrary<Filter> datasets = Combinators.combine(Arbitraries.of("name", "digest", "context"),
        textOps.filter(op -> !op.isNullTest()), texts, texts.list().ofMinSize(1).ofMaxSize(3))
        .as((k, op, v, l) -> textComparison(Entity.DATASET, k, op, v, l));
    return Arbitraries.oneOf(metric, params, tags, stringAttributes, timeAttributes, datasets);
  }

  private static Filter comparison(Entity entity, String key, Operator op, Literal value) {
    return new Comparison(new Key(entity, key), op, op.isNullTest() ? new Nothing() : value);
  }

  private static Filter textComparison(Entity entity, String key, Operator op, String text, List<String> list) {
    Literal value = op == Operator.IN || op == Operator.NOT_IN ? new TextList(list) : new Text(text);
    return comparison(entity, key, op, value);
  }
}
