package dev.cairn.store.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.store.search.Filter.And;
import dev.cairn.store.search.Filter.Comparison;
import dev.cairn.store.search.Filter.Entity;
import dev.cairn.store.search.Filter.Key;
import dev.cairn.store.search.Filter.Not;
import dev.cairn.store.search.Filter.Nothing;
import dev.cairn.store.search.Filter.Operator;
import dev.cairn.store.search.Filter.Or;
import dev.cairn.store.search.Filter.Text;
import dev.cairn.store.search.Filter.TextList;
import dev.cairn.store.search.FilterParser.OrderKey;
import java.math.BigDecimal;
import java.util.List;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FilterParserTest {

  private static Filter runs(String filter) {
    return FilterParser.parse(filter, SearchTarget.RUNS);
  }

  private static Comparison metric(String key, Operator op, String number) {
    return new Comparison(new Key(Entity.METRIC, key), op, new Filter.Number(new BigDecimal(number)));
  }

  private static Comparison text(Entity entity, String key, Operator op, String value) {
    return new Comparison(new Key(entity, key), op, new Text(value));
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> rejects(String filter, SearchTarget target) {
    return assertThatThrownBy(() -> FilterParser.parse(filter, target))
        .isInstanceOf(CairnException.class)
        .satisfies(e -> assertThat(((CairnException) e).code()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE));
  }

  @Test
  void blankFilterMeansNoFilter() {
    assertThat(runs(null)).isNull();
    assertThat(runs("  \t")).isNull();
  }

  @ParameterizedTest
  @CsvSource({"=,EQ", "!=,NE", "<>,NE", "<,LT", "<=,LE", ">,GT", ">=,GE"})
  void parsesEveryNumericComparatorOnMetrics(String symbol, Operator op) {
    assertThat(runs("metrics.acc " + symbol + " 0.5")).isEqualTo(metric("acc", op, "0.5"));
    assertThat(runs("metrics.acc" + symbol + "0.5")).isEqualTo(metric("acc", op, "0.5"));
  }

  @ParameterizedTest
  @CsvSource({"=,EQ", "!=,NE", "LIKE,LIKE", "like,LIKE", "ILIKE,ILIKE", "iLike,ILIKE"})
  void parsesEveryStringComparatorOnParamsAndTags(String symbol, Operator op) {
    assertThat(runs("params.lr " + symbol + " '0.1'")).isEqualTo(text(Entity.PARAM, "lr", op, "0.1"));
    assertThat(runs("tags.team " + symbol + " \"vision\"")).isEqualTo(text(Entity.TAG, "team", op, "vision"));
  }

  @Test
  void parsesInAndNotInLists() {
    assertThat(runs("attributes.run_id IN ('a', 'b')")).isEqualTo(
        new Comparison(new Key(Entity.ATTRIBUTE, "run_id"), Operator.IN, new TextList(List.of("a", "b"))));
    assertThat(runs("datasets.name not in (\"x\")")).isEqualTo(
        new Comparison(new Key(Entity.DATASET, "name"), Operator.NOT_IN, new TextList(List.of("x"))));
  }

  @Test
  void parsesIsNullAndIsNotNull() {
    assertThat(runs("metrics.acc IS NULL"))
        .isEqualTo(new Comparison(new Key(Entity.METRIC, "acc"), Operator.IS_NULL, new Nothing()));
    assertThat(runs("tags.t is not null"))
        .isEqualTo(new Comparison(new Key(Entity.TAG, "t"), Operator.IS_NOT_NULL, new Nothing()));
  }

  @Test
  void quotedKeysKeepSpacesSymbolsAndDoubledQuotes() {
    assertThat(runs("metrics.`my key` > 1")).isEqualTo(metric("my key", Operator.GT, "1"));
    assertThat(runs("params.\"a-b c\" = 'x'")).isEqualTo(text(Entity.PARAM, "a-b c", Operator.EQ, "x"));
    assertThat(runs("tags.'x.y' = 'z'")).isEqualTo(text(Entity.TAG, "x.y", Operator.EQ, "z"));
    assertThat(runs("tags.`it``s` = 'z'")).isEqualTo(text(Entity.TAG, "it`s", Operator.EQ, "z"));
    assertThat(runs("tags.mlflow.runName = 'z'")).isEqualTo(text(Entity.TAG, "mlflow.runName", Operator.EQ, "z"));
    assertThat(runs("`metrics`.acc < 1")).isEqualTo(metric("acc", Operator.LT, "1"));
  }

  @Test
  void stringLiteralsTakeEitherQuoteAndDoubledQuotes() {
    assertThat(runs("params.p = 'it''s'")).isEqualTo(text(Entity.PARAM, "p", Operator.EQ, "it's"));
    assertThat(runs("params.p = \"say \"\"hi\"\"\"")).isEqualTo(text(Entity.PARAM, "p", Operator.EQ, "say \"hi\""));
    assertThat(runs("params.p = ''")).isEqualTo(text(Entity.PARAM, "p", Operator.EQ, ""));
  }

  @Test
  void numbersMayBeNegativeDecimalOrExponent() {
    assertThat(runs("metrics.m > -1")).isEqualTo(metric("m", Operator.GT, "-1"));
    assertThat(runs("metrics.m > .5")).isEqualTo(metric("m", Operator.GT, "0.5"));
    assertThat(runs("metrics.m > 1.5e-3")).isEqualTo(metric("m", Operator.GT, "1.5e-3"));
    assertThat(runs("metrics.m > 2E+4")).isEqualTo(metric("m", Operator.GT, "2E+4"));
  }

  @Test
  void entityAliasesResolveToOneName() {
    assertThat(runs("metric.a > 1")).isEqualTo(metric("a", Operator.GT, "1"));
    for (String p : List.of("param", "params", "parameter", "parameters")) {
      assertThat(runs(p + ".lr = '1'")).isEqualTo(text(Entity.PARAM, "lr", Operator.EQ, "1"));
    }
    assertThat(runs("tag.t = '1'")).isEqualTo(text(Entity.TAG, "t", Operator.EQ, "1"));
    for (String a : List.of("attribute", "attributes", "attr", "run")) {
      assertThat(runs(a + ".status = 'FINISHED'"))
          .isEqualTo(text(Entity.ATTRIBUTE, "status", Operator.EQ, "FINISHED"));
    }
    assertThat(runs("dataset.digest = 'd'")).isEqualTo(text(Entity.DATASET, "digest", Operator.EQ, "d"));
  }

  @Test
  void attributeAliasesAndBareAttributesResolve() {
    Comparison created = new Comparison(new Key(Entity.ATTRIBUTE, "start_time"), Operator.GT,
        new Filter.Number(new BigDecimal("5")));
    assertThat(runs("created > 5")).isEqualTo(created);
    assertThat(runs("attributes.Created > 5")).isEqualTo(created);
    assertThat(runs("`Run name` = 'x'")).isEqualTo(text(Entity.ATTRIBUTE, "run_name", Operator.EQ, "x"));
    assertThat(runs("status = 'RUNNING'")).isEqualTo(text(Entity.ATTRIBUTE, "status", Operator.EQ, "RUNNING"));
  }

  @Test
  void andBindsTighterThanOr() {
    Comparison a = metric("a", Operator.GT, "1");
    Comparison b = metric("b", Operator.GT, "1");
    Comparison c = metric("c", Operator.GT, "1");
    assertThat(runs("metrics.a > 1 AND metrics.b > 1 OR metrics.c > 1")).isEqualTo(new Or(new And(a, b), c));
    assertThat(runs("metrics.a > 1 OR metrics.b > 1 AND metrics.c > 1")).isEqualTo(new Or(a, new And(b, c)));
    assertThat(runs("metrics.a > 1 and metrics.b > 1 and metrics.c > 1")).isEqualTo(new And(new And(a, b), c));
  }

  @Test
  void parenthesesOverridePrecedence() {
    Comparison a = metric("a", Operator.GT, "1");
    Comparison b = metric("b", Operator.GT, "1");
    Comparison c = metric("c", Operator.GT, "1");
    assertThat(runs("metrics.a > 1 AND (metrics.b > 1 OR metrics.c > 1)")).isEqualTo(new And(a, new Or(b, c)));
    assertThat(runs("((metrics.a > 1))")).isEqualTo(a);
  }

  @Test
  void notBindsTighterThanAnd() {
    Comparison a = metric("a", Operator.GT, "1");
    Comparison b = metric("b", Operator.GT, "1");
    assertThat(runs("NOT metrics.a > 1 AND metrics.b > 1")).isEqualTo(new And(new Not(a), b));
    assertThat(runs("not (metrics.a > 1 AND metrics.b > 1)")).isEqualTo(new Not(new And(a, b)));
    assertThat(runs("NOT NOT metrics.a > 1")).isEqualTo(new Not(new Not(a)));
  }

  @Test
  void missingValueNamesItsPosition() {
    rejects("metrics.acc >", SearchTarget.RUNS).hasMessageContaining("position 13")
        .hasMessageContaining("expected a value");
  }

  @Test
  void missingComparatorNamesItsPosition() {
    rejects("metrics.acc 5", SearchTarget.RUNS).hasMessageContaining("position 12")
        .hasMessageContaining("expected a comparator");
  }

  @Test
  void unclosedParenthesisNamesWhereItOpened() {
    rejects("(metrics.a > 1", SearchTarget.RUNS).hasMessageContaining("position 14")
        .hasMessageContaining("'(' at position 0");
  }

  @Test
  void strayClosingParenthesisIsRejected() {
    rejects("metrics.a > 1)", SearchTarget.RUNS).hasMessageContaining("position 13").hasMessageContaining("')'");
  }

  @Test
  void danglingAndIsRejected() {
    rejects("metrics.a > 1 AND", SearchTarget.RUNS).hasMessageContaining("position 17")
        .hasMessageContaining("the end of the input");
  }

  @Test
  void twoComparisonsWithoutAndOrAreRejected() {
    rejects("metrics.a > 1 metrics.b > 2", SearchTarget.RUNS).hasMessageContaining("position 14")
        .hasMessageContaining("expected AND, OR");
  }

  @Test
  void unterminatedStringNamesTheOpeningQuote() {
    rejects("params.p = 'abc", SearchTarget.RUNS).hasMessageContaining("position 11")
        .hasMessageContaining("never closed");
  }

  @Test
  void unknownEntityIsRejected() {
    rejects("foo.x = 'a'", SearchTarget.RUNS).hasMessageContaining("position 0").hasMessageContaining("'foo'");
  }

  @Test
  void unknownAttributeListsValidOnes() {
    rejects("attributes.nope = 'x'", SearchTarget.RUNS).hasMessageContaining("'nope'")
        .hasMessageContaining("run_name");
  }

  @Test
  void comparatorMustSuitTheKeyType() {
    rejects("params.p > 'a'", SearchTarget.RUNS).hasMessageContaining("position 9").hasMessageContaining("params.p");
    rejects("metrics.m LIKE '1'", SearchTarget.RUNS).hasMessageContaining("position 10");
    rejects("datasets.name IS NULL", SearchTarget.RUNS).hasMessageContaining("position 14");
    rejects("attributes.start_time LIKE '1'", SearchTarget.RUNS).hasMessageContaining("position 22");
  }

  @Test
  void valueMustSuitTheKeyType() {
    rejects("metrics.m = 'x'", SearchTarget.RUNS).hasMessageContaining("position 12")
        .hasMessageContaining("number");
    rejects("params.p = 1", SearchTarget.RUNS).hasMessageContaining("position 11")
        .hasMessageContaining("quoted string");
    rejects("attributes.start_time > 1.5", SearchTarget.RUNS).hasMessageContaining("whole number");
    rejects("attributes.run_id IN ('a', 1)", SearchTarget.RUNS).hasMessageContaining("position 27");
    rejects("attributes.run_id IN ()", SearchTarget.RUNS).hasMessageContaining("position 22");
  }

  @Test
  void malformedNumbersAndCharactersAreRejected() {
    rejects("metrics.m > 1e", SearchTarget.RUNS).hasMessageContaining("position 13");
    rejects("metrics.m > 1e999", SearchTarget.RUNS).hasMessageContaining("out of range");
    rejects("metrics.m > 1 ; DROP TABLE runs", SearchTarget.RUNS).hasMessageContaining("position 14");
    rejects("metrics.m ! 1", SearchTarget.RUNS).hasMessageContaining("position 10");
    rejects("metrics. > 1", SearchTarget.RUNS).hasMessageContaining("expected a key");
  }

  @Test
  void experimentsAcceptOnlyAttributesAndTags() {
    assertThat(FilterParser.parse("name ILIKE 'a%' OR tags.owner = 'x'", SearchTarget.EXPERIMENTS))
        .isEqualTo(new Or(text(Entity.ATTRIBUTE, "name", Operator.ILIKE, "a%"),
            text(Entity.TAG, "owner", Operator.EQ, "x")));
    rejects("metrics.a > 1", SearchTarget.EXPERIMENTS).hasMessageContaining("it can use tags, attributes");
    rejects("attributes.status = 'x'", SearchTarget.EXPERIMENTS).hasMessageContaining("creation_time");
    rejects("creation_time LIKE 'x'", SearchTarget.EXPERIMENTS).hasMessageContaining("position 14");
  }

  @Test
  void nestingBeyondTheLimitIsRejectedNotOverflowed() {
    String deep = "(".repeat(10_000) + "metrics.a > 1" + ")".repeat(10_000);
    rejects(deep, SearchTarget.RUNS).hasMessageContaining("nest deeper than the limit of " + FilterParser.MAX_DEPTH);
    rejects("NOT ".repeat(10_000) + "metrics.a > 1", SearchTarget.RUNS).hasMessageContaining("nest deeper");
  }

  @Test
  void moreThan200ComparisonsAreRejected() {
    String many = String.join(" OR ", java.util.Collections.nCopies(201, "metrics.a > 1"));
    rejects(many, SearchTarget.RUNS).hasMessageContaining("more than 200 comparisons");
    assertThat(runs(String.join(" OR ", java.util.Collections.nCopies(200, "metrics.a > 1")))).isNotNull();
  }

  @Test
  void orderByParsesKeysAndDirections() {
    assertThat(FilterParser.parseOrderBy(
        List.of("metrics.acc DESC", "params.`my p`", "tags.t asc", "attributes.start_time ASC"),
        SearchTarget.RUNS)).containsExactly(
            new OrderKey(new Key(Entity.METRIC, "acc"), false),
            new OrderKey(new Key(Entity.PARAM, "my p"), true),
            new OrderKey(new Key(Entity.TAG, "t"), true),
            new OrderKey(new Key(Entity.ATTRIBUTE, "start_time"), true));
    assertThat(FilterParser.parseOrderBy(List.of("created DESC"), SearchTarget.RUNS))
        .containsExactly(new OrderKey(new Key(Entity.ATTRIBUTE, "start_time"), false));
  }

  @Test
  void orderByRejectsDuplicatesDatasetsAndJunk() {
    assertThatThrownBy(() -> FilterParser.parseOrderBy(List.of("metrics.a", "metric.a DESC"), SearchTarget.RUNS))
        .hasMessageContaining("more than once");
    assertThatThrownBy(() -> FilterParser.parseOrderBy(List.of("datasets.name"), SearchTarget.RUNS))
        .hasMessageContaining("cannot use datasets");
    assertThatThrownBy(() -> FilterParser.parseOrderBy(List.of("metrics.a DESC x"), SearchTarget.RUNS))
        .hasMessageContaining("order_by clause 0").hasMessageContaining("position 15");
    assertThatThrownBy(() -> FilterParser.parseOrderBy(List.of("metrics.a", "run_id"), SearchTarget.RUNS))
        .hasMessageContaining("order_by clause 1").hasMessageContaining("unknown attribute 'run_id'");
    assertThatThrownBy(() -> FilterParser.parseOrderBy(List.of("tags.t"), SearchTarget.EXPERIMENTS))
        .hasMessageContaining("cannot use tags");
    assertThatThrownBy(() -> FilterParser.parseOrderBy(List.of(" "), SearchTarget.RUNS))
        .hasMessageContaining("empty");
  }
}
