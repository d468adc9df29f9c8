package dev.cairn.store.search;

import dev.cairn.core.CairnException;
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
import dev.cairn.store.search.FilterLexer.Kind;
import dev.cairn.store.search.FilterLexer.Token;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Recursive-descent parser for MLflow's search filter grammar plus OR, NOT and parentheses
 * (NOT binds tighter than AND, AND tighter than OR). It checks each comparison against the target's keys and
 * types, so everything it returns can be rendered to SQL; every error is INVALID_PARAMETER_VALUE naming the
 * character position.
 */
public final class FilterParser {
  /** Deepest nesting of parentheses and NOT; keeps the recursion and the database's parser safe. */
  static final int MAX_DEPTH = 50;
  /** Most comparisons in one filter. */
  static final int MAX_COMPARISONS = 200;
  /** Most values in one IN list. */
  static final int MAX_LIST_VALUES = 1000;

  private static final Map<String, Entity> ENTITY_ALIASES = Map.ofEntries(
      Map.entry("metric", Entity.METRIC), Map.entry("metrics", Entity.METRIC),
      Map.entry("param", Entity.PARAM), Map.entry("params", Entity.PARAM),
      Map.entry("parameter", Entity.PARAM), Map.entry("parameters", Entity.PARAM),
      Map.entry("tag", Entity.TAG), Map.entry("tags", Entity.TAG),
      Map.entry("attribute", Entity.ATTRIBUTE), Map.entry("attributes", Entity.ATTRIBUTE),
      Map.entry("attr", Entity.ATTRIBUTE), Map.entry("run", Entity.ATTRIBUTE),
      Map.entry("dataset", Entity.DATASET), Map.entry("datasets", Entity.DATASET));
  private static final Map<String, String> RUN_ATTRIBUTE_ALIASES = Map.of(
      "created", "start_time", "Created", "start_time",
      "run name", "run_name", "Run name", "run_name", "Run Name", "run_name");
  static final Set<String> DATASET_FIELDS = Set.of("name", "digest", "context");

  private final String input;
  private final String what;
  private final List<Token> tokens;
  private final SearchTarget target;
  private int index;
  private int depth;
  private int comparisons;

  private FilterParser(String input, String what, SearchTarget target) {
    this.input = input;
    this.what = what;
    this.tokens = FilterLexer.tokenize(input, what);
    this.target = target;
  }

  /** One order_by clause: a key and its direction. */
  public record OrderKey(Key key, boolean ascending) {}

  /**
   * Parses a filter for the target; a null or blank filter means "everything" and gives null.
   *
   * @throws CairnException INVALID_PARAMETER_VALUE naming the position and what was expected
   */
  public static Filter parse(String filter, SearchTarget target) {
    if (filter == null || filter.isBlank()) {
      return null;
    }
    FilterParser parser = new FilterParser(filter, "filter", target);
    Filter result = parser.orExpression();
    Token end = parser.peek();
    if (end.kind() != Kind.END) {
      throw parser.error(end, end.kind() == Kind.RPAREN
          ? "found ')' with no '(' to close"
          : "expected AND, OR or the end of the filter but found " + end.describe());
    }
    return result;
  }

  /**
   * Parses order_by clauses such as {@code metrics.acc DESC} or {@code attributes.start_time}.
   *
   * @throws CairnException INVALID_PARAMETER_VALUE on a malformed, unknown or repeated key
   */
  public static List<OrderKey> parseOrderBy(List<String> orderBy, SearchTarget target) {
    List<OrderKey> keys = new ArrayList<>();
    if (orderBy == null) {
      return keys;
    }
    Set<Key> seen = new HashSet<>();
    for (int i = 0; i < orderBy.size(); i++) {
      String clause = orderBy.get(i);
      String what = "order_by clause " + i;
      if (clause == null || clause.isBlank()) {
        throw CairnException.invalid("Invalid " + what + ": it is empty; expected a key such as 'metrics.acc DESC'.");
      }
      FilterParser parser = new FilterParser(clause, what, target);
      Token keyToken = parser.next();
      if (keyToken.kind() != Kind.IDENT) {
        throw parser.error(keyToken, "expected a key such as metrics.acc or attributes.start_time but found "
            + keyToken.describe());
      }
      Key key = parser.resolveKey(keyToken, true);
      boolean ascending = true;
      Token direction = parser.next();
      if (direction.kind() == Kind.KEYWORD && (direction.value().equals("ASC") || direction.value().equals("DESC"))) {
        ascending = direction.value().equals("ASC");
        direction = parser.next();
      }
      if (direction.kind() != Kind.END) {
        throw parser.error(direction, "expected ASC, DESC or the end of the clause but found " + direction.describe());
      }
      if (!seen.add(key)) {
        throw CairnException.invalid("Invalid " + what + " '" + clause + "': order_by names "
            + key.entity().prefix() + "." + key.name() + " more than once.");
      }
      keys.add(new OrderKey(key, ascending));
    }
    return keys;
  }

  // ---------------------------------------------------------------- grammar

  private Filter orExpression() {
    Filter left = andExpression();
    while (isKeyword(peek(), "OR")) {
      next();
      left = new Or(left, andExpression());
    }
    return left;
  }

  private Filter andExpression() {
    Filter left = unary();
    while (isKeyword(peek(), "AND")) {
      next();
      left = new And(left, unary());
    }
    return left;
  }

  private Filter unary() {
    Token t = peek();
    if (isKeyword(t, "NOT")) {
      next();
      enter(t);
      Filter inner = unary();
      depth--;
      return new Not(inner);
    }
    if (t.kind() == Kind.LPAREN) {
      next();
      enter(t);
      Filter inner = orExpression();
      Token close = next();
      if (close.kind() != Kind.RPAREN) {
        throw error(close, "expected AND, OR or ')' to close the '(' at position " + t.position() + " but found "
            + close.describe());
      }
      depth--;
      return inner;
    }
    return comparison();
  }

  private void enter(Token t) {
    if (++depth > MAX_DEPTH) {
      throw error(t, "parentheses and NOT nest deeper than the limit of " + MAX_DEPTH);
    }
  }

  private Filter comparison() {
    Token keyToken = next();
    if (keyToken.kind() != Kind.IDENT) {
      throw error(keyToken, "expected a comparison starting with a key such as metrics.acc, params.p, tags.t or "
          + "attributes.status, or '(' or NOT, but found " + keyToken.describe());
    }
    if (++comparisons > MAX_COMPARISONS) {
      throw error(keyToken, "the filter has more than " + MAX_COMPARISONS + " comparisons, the limit");
    }
    Key key = resolveKey(keyToken, false);
    Token opToken = next();
    Operator op = operator(opToken);
    Literal value;
    Token valueToken = peek();
    if (op.isNullTest()) {
      value = new Nothing();
    } else if (op == Operator.IN || op == Operator.NOT_IN) {
      value = list();
    } else {
      next();
      if (valueToken.kind() == Kind.STRING) {
        value = new Text(valueToken.value());
      } else if (valueToken.kind() == Kind.NUMBER) {
        value = new Filter.Number(number(valueToken));
      } else {
        throw error(valueToken, "expected a value (a quoted string or a number) after " + op.text()
            + " but found " + valueToken.describe());
      }
    }
    check(key, op, opToken, value, valueToken);
    return new Comparison(key, op, value);
  }

  private Operator operator(Token t) {
    if (t.kind() == Kind.OPERATOR) {
      return switch (t.text()) {
        case "=" -> Operator.EQ;
        case "!=", "<>" -> Operator.NE;
        case "<" -> Operator.LT;
        case "<=" -> Operator.LE;
        case ">" -> Operator.GT;
        default -> Operator.GE;
      };
    }
    if (t.kind() == Kind.KEYWORD) {
      switch (t.value()) {
        case "LIKE":
          return Operator.LIKE;
        case "ILIKE":
          return Operator.ILIKE;
        case "IN":
          return Operator.IN;
        case "NOT": {
          Token in = next();
          if (!isKeyword(in, "IN")) {
            throw error(in, "expected IN after NOT but found " + in.describe());
          }
          return Operator.NOT_IN;
        }
        case "IS": {
          Token n = next();
          boolean negated = isKeyword(n, "NOT");
          if (negated) {
            n = next();
          }
          if (!isKeyword(n, "NULL")) {
            throw error(n, "expected NULL after IS" + (negated ? " NOT" : "") + " but found " + n.describe());
          }
          return negated ? Operator.IS_NOT_NULL : Operator.IS_NULL;
        }
        default:
          break;
      }
    }
    throw error(t, "expected a comparator (=, !=, <, <=, >, >=, LIKE, ILIKE, IN, NOT IN, IS NULL, IS NOT NULL) "
        + "but found " + t.describe());
  }

  private TextList list() {
    Token open = next();
    if (open.kind() != Kind.LPAREN) {
      throw error(open, "expected '(' to start a list of quoted strings but found " + open.describe());
    }
    List<String> values = new ArrayList<>();
    while (true) {
      Token v = next();
      if (v.kind() != Kind.STRING) {
        throw error(v, "expected a quoted string in the list but found " + v.describe());
      }
      values.add(v.value());
      if (values.size() > MAX_LIST_VALUES) {
        throw error(v, "the list has more than " + MAX_LIST_VALUES + " values, the limit");
      }
      Token sep = next();
      if (sep.kind() == Kind.RPAREN) {
        return new TextList(values);
      }
      if (sep.kind() != Kind.COMMA) {
        throw error(sep, "expected ',' or ')' in the list but found " + sep.describe());
      }
    }
  }

  private BigDecimal number(Token t) {
    try {
      BigDecimal value = new BigDecimal(t.text());
      if (Double.isInfinite(value.doubleValue()) || Math.abs(value.scale()) > 400) {
        throw error(t, "the number " + t.text() + " is out of range");
      }
      return value;
    } catch (NumberFormatException | ArithmeticException e) {
      throw error(t, "the number " + t.text() + " cannot be read");
    }
  }

  // ---------------------------------------------------------------- keys and types

  private Key resolveKey(Token t, boolean forOrder) {
    Entity entity;
    String name = t.value();
    if (t.prefix() == null) {
      entity = Entity.ATTRIBUTE;
    } else {
      entity = ENTITY_ALIASES.get(t.prefix().toLowerCase(Locale.ROOT));
      if (entity == null) {
        throw error(t, "unknown entity '" + t.prefix() + "'; expected one of metrics, params, tags, attributes, "
            + "datasets");
      }
    }
    Set<Entity> allowed = forOrder ? target.orderEntities : target.filterEntities;
    if (!allowed.contains(entity)) {
      throw error(t, (forOrder ? "order_by" : "a filter") + " on " + target.name().toLowerCase(Locale.ROOT)
          + " cannot use " + entity.prefix() + "; it can use " + prefixes(allowed));
    }
    switch (entity) {
      case ATTRIBUTE -> {
        if (target == SearchTarget.RUNS) {
          name = RUN_ATTRIBUTE_ALIASES.getOrDefault(name, name);
        }
        Set<String> valid = forOrder ? target.orderAttributes : target.attributes.keySet();
        if (!valid.contains(name)) {
          throw error(t, "unknown attribute '" + name + "'; valid attributes are " + new TreeSet<>(valid));
        }
      }
      case DATASET -> {
        if (!DATASET_FIELDS.contains(name)) {
          throw error(t, "unknown dataset field '" + name + "'; valid fields are " + new TreeSet<>(DATASET_FIELDS));
        }
      }
      default -> {
        if (name.isEmpty()) {
          throw error(t, "the " + entity.prefix() + " key is empty");
        }
      }
    }
    return new Key(entity, name);
  }

  private void check(Key key, Operator op, Token opToken, Literal value, Token valueToken) {
    String keyText = key.entity().prefix() + "." + key.name();
    boolean numeric = switch (key.entity()) {
      case METRIC -> true;
      case ATTRIBUTE -> target.isNumericAttribute(key.name());
      default -> false;
    };
    boolean allowed = numeric ? op.isNumeric() || op.isNullTest()
        : key.entity() == Entity.DATASET ? op.isString() : op.isString() || op.isNullTest();
    if (!allowed) {
      String valid = numeric ? "=, !=, <, <=, >, >=, IS NULL, IS NOT NULL"
          : key.entity() == Entity.DATASET ? "=, !=, LIKE, ILIKE, IN, NOT IN"
          : "=, !=, LIKE, ILIKE, IN, NOT IN, IS NULL, IS NOT NULL";
      throw error(opToken, "the comparator " + op.text() + " does not apply to " + keyText + "; use one of " + valid);
    }
    if (op.isNullTest() || value instanceof TextList) {
      return;
    }
    if (numeric) {
      if (!(value instanceof Filter.Number n)) {
        throw error(valueToken, keyText + " compares with a number but found " + valueToken.describe());
      }
      if (key.entity() == Entity.ATTRIBUTE) {
        try {
          n.value().longValueExact();
        } catch (ArithmeticException e) {
          throw error(valueToken, keyText + " is milliseconds since the epoch and compares with a whole number "
              + "that fits in 64 bits, but found " + valueToken.describe());
        }
      }
    } else if (!(value instanceof Text)) {
      throw error(valueToken, keyText + " compares with a quoted string (e.g. 'my-value') but found "
          + valueToken.describe());
    }
  }

  private static String prefixes(Set<Entity> entities) {
    List<String> names = new ArrayList<>();
    for (Entity e : Entity.values()) {
      if (entities.contains(e)) {
        names.add(e.prefix());
      }
    }
    return String.join(", ", names);
  }

  // ---------------------------------------------------------------- tokens

  private Token peek() {
    return tokens.get(index);
  }

  private Token next() {
    Token t = tokens.get(index);
    if (index < tokens.size() - 1) {
      index++;
    }
    return t;
  }

  private static boolean isKeyword(Token t, String word) {
    return t.kind() == Kind.KEYWORD && t.value().equals(word);
  }

  private CairnException error(Token at, String problem) {
    return FilterLexer.invalid(what, input, at.position(), problem);
  }
}
