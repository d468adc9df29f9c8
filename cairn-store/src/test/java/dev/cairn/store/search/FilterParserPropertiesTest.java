package dev.cairn.store.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.store.Dialect;
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
import dev.cairn.tracking.ViewType;
import java.math.BigDecimal;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The parser never fails in any way but INVALID_PARAMETER_VALUE, and printing a filter round-trips. */
class FilterParserPropertiesTest {
  private static final List<String> TOKENS = List.of(
      "metrics.acc", "params.lr", "tags.`a b`", "attributes.status", "datasets.name", "run_id", "start_time",
      "created", "name", "creation_time", "metrics.", "`", "\"", "'", "'x'", "\"y\"", "1", "-2.5", "1e3", ".", "e",
      "=", "!=", "<>", "<", "<=", ">", ">=", "!", "LIKE", "ILIKE", "IN", "NOT", "IS", "NULL", "AND", "OR", "(",
      ")", ",", "ASC", "DESC", ";", "--", "%", "_", "\\", "\u0000", "é", "\uD83D\uDE00", " ");

  @Property(tries = 1000)
  void randomFilterStringsParseOrFailCleanly(@ForAll("filterLikeStrings") String filter) {
    for (SearchTarget target : SearchTarget.values()) {
      try {
        FilterParser.parse(filter, target);
      } catch (CairnException e) {
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE);
        assertThat(e.getMessage()).contains("position ");
      }
    }
    try {
      FilterParser.parseOrderBy(List.of(filter), SearchTarget.RUNS);
    } catch (CairnException e) {
      assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE);
    }
  }

  @Property(tries = 300)
  void printedFiltersReparseToTheSameFilter(@ForAll("runFilters") Filter filter) {
    String printed = FilterPrinter.print(filter);
    assertThat(FilterParser.parse(printed, SearchTarget.RUNS)).as(printed).isEqualTo(filter);
  }

  @Property(tries = 300)
  void validFiltersRenderWithEveryValueBound(@ForAll("runFilters") Filter filter) {
    String printed = FilterPrinter.print(filter);
    for (Dialect dialect : Dialect.values()) {
      SqlQuery q = SearchSql.runs(List.of(1L), printed, ViewType.ALL, List.of(), 10, 0, dialect);
      // the only quoted text in the SQL is the renderer's own escape character for SQLite's ILIKE
      assertThat(q.sql().replace("ESCAPE '!'", "")).as(printed).doesNotContain("'").doesNotContain("`");
      assertThat(q.params()).containsKeys("limit", "offset");
      java.util.Collection<Object> bound = q.params().values();
      for (Comparison c : comparisons(filter)) {
        Entity entity = c.key().entity();
        if (entity == Entity.METRIC || entity == Entity.PARAM || entity == Entity.TAG) {
          assertThat(bound).as("key of %s in %s", c, printed).contains(c.key().name());
        }
        if (c.value() instanceof Text text && (c.operator() == Operator.EQ || c.operator() == Operator.NE)) {
          assertThat(bound).as("value of %s in %s", c, printed).contains(text.value());
        } else if (c.value() instanceof TextList list) {
          assertThat(bound).as("values of %s in %s", c, printed).containsAll(list.values());
        } else if (c.value() instanceof Filter.Number number && entity == Entity.METRIC) {
          assertThat(bound).as("number of %s in %s", c, printed).contains(number.value().doubleValue());
        } else if (c.value() instanceof Filter.Number number) {
          assertThat(bound).as("number of %s in %s", c, printed).contains(number.value().longValueExact());
        }
      }
    }
  }

  /** Every comparison in a filter tree. */
  private static List<Comparison> comparisons(Filter filter) {
    if (filter instanceof Comparison c) {
      return List.of(c);
    }
    List<Comparison> all = new java.util.ArrayList<>();
    if (filter instanceof And and) {
      all.addAll(comparisons(and.left()));
      all.addAll(comparisons(and.right()));
    } else if (filter instanceof Or or) {
      all.addAll(comparisons(or.left()));
      all.addAll(comparisons(or.right()));
    } else if (filter instanceof Not not) {
      all.addAll(comparisons(not.inner()));
    }
    return all;
  }

  @Provide
  Arbitrary<String> filterLikeStrings() {
    Arbitrary<String> random = Arbitraries.strings().ofMaxLength(60);
    Arbitrary<String> soup = Arbitraries.of(TOKENS).list().ofMaxSize(14)
        .flatMap(tokens -> Arbitraries.of(" ", "").map(sep -> String.join(sep, tokens)));
    Arbitrary<String> printed = runFilters().map(FilterPrinter::print);
    Arbitrary<String> mutated = Combinators.combine(printed, Arbitraries.integers().between(0, 1000),
        Arbitraries.of(TOKENS)).as((text, at, token) -> {
          int cut = Math.min(at, text.length());
          return text.substring(0, cut) + token + text.substring(Math.min(text.length(), cut + 1));
        });
    return Arbitraries.oneOf(random, soup, printed, mutated);
  }

  @Provide
  Arbitrary<Filter> runFilters() {
    return filters(3);
  }

  private Arbitrary<Filter> filters(int depth) {
    Arbitrary<Filter> leaf = comparisons();
    if (depth == 0) {
      return leaf;
    }
    Arbitrary<Filter> smaller = Arbitraries.lazy(() -> filters(depth - 1));
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(3, leaf),
        net.jqwik.api.Tuple.of(1, Combinators.combine(smaller, smaller).as(And::new)),
        net.jqwik.api.Tuple.of(1, Combinators.combine(smaller, smaller).as(Or::new)),
        net.jqwik.api.Tuple.of(1, smaller.map(Not::new)));
  }

  private Arbitrary<Filter> comparisons() {
    Arbitrary<String> anyText = Arbitraries.strings().ofMaxLength(8);
    Arbitrary<String> keys = Arbitraries.strings().ofMinLength(1).ofMaxLength(8);
    Arbitrary<Literal> texts = anyText.map(Text::new);
    Arbitrary<Literal> lists = anyText.list().ofMinSize(1).ofMaxSize(3).map(TextList::new);
    Arbitrary<Literal> decimals = Arbitraries.oneOf(
        Arbitraries.doubles().map(BigDecimal::valueOf),
        Arbitraries.longs().map(BigDecimal::valueOf)).map(Filter.Number::new);
    Arbitrary<Literal> wholes = Arbitraries.longs().map(BigDecimal::valueOf).map(Filter.Number::new);

    Arbitrary<Filter> metric = Combinators.combine(keys,
        Arbitraries.of(Operator.EQ, Operator.NE, Operator.LT, Operator.LE, Operator.GT, Operator.GE), decimals)
        .as((k, op, v) -> new Comparison(new Key(Entity.METRIC, k), op, v));
    Arbitrary<Filter> metricNull = Combinators.combine(keys, Arbitraries.of(Operator.IS_NULL, Operator.IS_NOT_NULL))
        .as((k, op) -> new Comparison(new Key(Entity.METRIC, k), op, new Nothing()));
    Arbitrary<Filter> keyed = Combinators.combine(Arbitraries.of(Entity.PARAM, Entity.TAG), keys, stringComparison(texts, lists))
        .as((e, k, opValue) -> new Comparison(new Key(e, k), opValue.operator(), opValue.value()));
    Arbitrary<Filter> stringAttribute = Combinators.combine(
        Arbitraries.of("run_id", "run_name", "status", "user_id", "artifact_uri"), stringComparison(texts, lists))
        .as((k, opValue) -> new Comparison(new Key(Entity.ATTRIBUTE, k), opValue.operator(), opValue.value()));
    Arbitrary<Filter> timeAttribute = Combinators.combine(Arbitraries.of("start_time", "end_time"),
        Arbitraries.of(Operator.EQ, Operator.NE, Operator.LT, Operator.LE, Operator.GT, Operator.GE), wholes)
        .as((k, op, v) -> new Comparison(new Key(Entity.ATTRIBUTE, k), op, v));
    Arbitrary<Filter> dataset = Combinators.combine(Arbitraries.of("name", "digest", "context"),
        stringComparison(texts, lists).filter(c -> !c.operator().isNullTest()))
        .as((k, opValue) -> new Comparison(new Key(Entity.DATASET, k), opValue.operator(), opValue.value()));
    return Arbitraries.oneOf(metric, metricNull, keyed, stringAttribute, timeAttribute, dataset);
  }

  private record OpValue(Operator operator, Literal value) {}

  private static Arbitrary<OpValue> stringComparison(Arbitrary<Literal> texts, Arbitrary<Literal> lists) {
    return Arbitraries.oneOf(
        Combinators.combine(Arbitraries.of(Operator.EQ, Operator.NE, Operator.LIKE, Operator.ILIKE), texts)
            .as(OpValue::new),
        Combinators.combine(Arbitraries.of(Operator.IN, Operator.NOT_IN), lists).as(OpValue::new),
        Arbitraries.of(Operator.IS_NULL, Operator.IS_NOT_NULL).map(op -> new OpValue(op, new Nothing())));
  }
}
