package dev.cairn.serving.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.serving.rules.Evaluation.Verdict;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/** Random conditions against an independent evaluation of the same tree, with figures sometimes missing. */
class ConditionPropertiesTest {
  private static final List<String> METRICS = List.of("p99_ms", "error_rate", "accuracy", "psi(tenure)");
  private static final List<String> OPS = List.of("<", "<=", ">", ">=", "==", "!=");

  /** A generated condition: its text, and how to evaluate it without the parser. */
  interface Tree {
    String text();

    Verdict eval(Map<String, Double> values);
  }

  record Cmp(String metric, String op, int number) implements Tree {
    public String text() {
      return metric + " " + op + " " + number;
    }

    public Verdict eval(Map<String, Double> values) {
      Double v = values.get(metric);
      if (v == null) {
        return Verdict.UNKNOWN;
      }
      boolean b = switch (op) {
        case "<" -> v < number;
        case "<=" -> v <= number;
        case ">" -> v > number;
        case ">=" -> v >= number;
        case "==" -> v == number;
        default -> v != number;
      };
      return b ? Verdict.TRUE : Verdict.FALSE;
    }
  }

  record Bin(Tree left, boolean and, Tree right) implements Tree {
    public String text() {
      return "(" + left.text() + (and ? " and " : " OR ") + right.text() + ")";
    }

    public Verdict eval(Map<String, Double> values) {
      Verdict a = left.eval(values);
      Verdict b = right.eval(values);
      if (and) {
        return a == Verdict.FALSE || b == Verdict.FALSE ? Verdict.FALSE
            : a == Verdict.TRUE && b == Verdict.TRUE ? Verdict.TRUE : Verdict.UNKNOWN;
      }
      return a == Verdict.TRUE || b == Verdict.TRUE ? Verdict.TRUE
          : a == Verdict.FALSE && b == Verdict.FALSE ? Verdict.FALSE : Verdict.UNKNOWN;
    }
  }

  record Neg(Tree inner) implements Tree {
    public String text() {
      return "not " + inner.text();
    }

    public Verdict eval(Map<String, Double> values) {
      Verdict v = inner.eval(values);
      return v == Verdict.UNKNOWN ? v : v == Verdict.TRUE ? Verdict.FALSE : Verdict.TRUE;
    }
  }

  @Provide
  Arbitrary<Tree> trees() {
    return tree(4);
  }

  private Arbitrary<Tree> tree(int depth) {
    Arbitrary<Tree> leaf = Combinators.combine(Arbitraries.of(METRICS), Arbitraries.of(OPS),
        Arbitraries.integers().between(0, 4)).as(Cmp::new);
    if (depth == 0) {
      return leaf;
    }
    Arbitrary<Tree> sub = Arbitraries.lazy(() -> tree(depth - 1));
    Arbitrary<Tree> bin = Combinators.combine(sub, Arbitraries.of(true, false), sub).as(Bin::new);
    Arbitrary<Tree> neg = sub.map(Neg::new);
    return Arbitraries.frequencyOf(Tuple.of(3, leaf), Tuple.of(3, bin), Tuple.of(1, neg));
  }

  @Provide
  Arbitrary<Map<String, Double>> values() {
    Arbitrary<Double> value = Arbitraries.integers().between(-1, 5).map(i -> i < 0 ? null : i.doubleValue());
    return Combinators.combine(value, value, value, value).as((a, b, c, d) -> {
      Map<String, Double> m = new HashMap<>();
      Double[] vs = {a, b, c, d};
      for (int i = 0; i < METRICS.size(); i++) {
        if (vs[i] != null) {
          m.put(METRICS.get(i), vs[i]);
        }
      }
      return m;
    });
  }

  @Property(tries = 500)
  void parserAgreesWithDirectEvaluation(@ForAll("trees") Tree tree, @ForAll("values") Map<String, Double> values) {
    Condition c = Condition.parse(tree.text());
    assertThat(c.evaluate(List.of(ConditionTest.figures(values)), null).verdict())
        .as(tree.text() + " on " + values).isEqualTo(tree.eval(values));
  }
}
