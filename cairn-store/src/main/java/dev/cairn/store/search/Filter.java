package dev.cairn.store.search;

import java.math.BigDecimal;
import java.util.List;
import java.util.Objects;

/**
 * A parsed search filter: comparisons joined by AND, OR and NOT. Keys are already resolved (aliases such as
 * {@code created} or {@code metric} are translated), so two filters that mean the same thing compare equal.
 */
public sealed interface Filter {

  /** Both sides hold. */
  record And(Filter left, Filter right) implements Filter {
    public And {
      Objects.requireNonNull(left, "left");
      Objects.requireNonNull(right, "right");
    }
  }

  /** Either side holds. */
  record Or(Filter left, Filter right) implements Filter {
    public Or {
      Objects.requireNonNull(left, "left");
      Objects.requireNonNull(right, "right");
    }
  }

  /** The inner filter does not hold. */
  record Not(Filter inner) implements Filter {
    public Not {
      Objects.requireNonNull(inner, "inner");
    }
  }

  /** One test of a key against a value, e.g. {@code metrics.acc > 0.9}. */
  record Comparison(Key key, Operator operator, Literal value) implements Filter {
    public Comparison {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(operator, "operator");
      Objects.requireNonNull(value, "value");
    }
  }

  /** What a key names: a metric, param or tag by its key, a column of the run or experiment, or a dataset field. */
  enum Entity {
    METRIC("metrics"),
    PARAM("params"),
    TAG("tags"),
    ATTRIBUTE("attributes"),
    DATASET("datasets");

    private final String prefix;

    Entity(String prefix) {
      this.prefix = prefix;
    }

    /** The canonical prefix a printed filter uses, e.g. {@code metrics}. */
    public String prefix() {
      return prefix;
    }
  }

  /** A resolved key such as (METRIC, "my key") or (ATTRIBUTE, "start_time"). */
  record Key(Entity entity, String name) {
    public Key {
      Objects.requireNonNull(entity, "entity");
      Objects.requireNonNull(name, "name");
    }
  }

  /** The comparators of the grammar, with the text a printed filter uses. */
  enum Operator {
    EQ("="),
    NE("!="),
    LT("<"),
    LE("<="),
    GT(">"),
    GE(">="),
    LIKE("LIKE"),
    ILIKE("ILIKE"),
    IN("IN"),
    NOT_IN("NOT IN"),
    IS_NULL("IS NULL"),
    IS_NOT_NULL("IS NOT NULL");

    private final String text;

    Operator(String text) {
      this.text = text;
    }

    public String text() {
      return text;
    }

    boolean isNumeric() {
      return this == EQ || this == NE || this == LT || this == LE || this == GT || this == GE;
    }

    boolean isString() {
      return this == EQ || this == NE || this == LIKE || this == ILIKE || this == IN || this == NOT_IN;
    }

    boolean isNullTest() {
      return this == IS_NULL || this == IS_NOT_NULL;
    }
  }

  /** The right-hand side of a comparison. */
  sealed interface Literal {}

  /** A quoted string. */
  record Text(String value) implements Literal {
    public Text {
      Objects.requireNonNull(value, "value");
    }
  }

  /** A numeric literal, kept exact so printing and reparsing gives the same value. */
  record Number(BigDecimal value) implements Literal {
    public Number {
      Objects.requireNonNull(value, "value");
    }
  }

  /** A parenthesised list of quoted strings, for IN and NOT IN. */
  record TextList(List<String> values) implements Literal {
    public TextList {
      values = List.copyOf(values);
    }
  }

  /** No value: the right-hand side of IS NULL and IS NOT NULL. */
  record Nothing() implements Literal {}
}
