package dev.cairn.serving.rules;

import dev.cairn.core.CairnException;
import dev.cairn.serving.rules.Evaluation.Verdict;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A condition over monitor windows, shared by alert rules and canary gates:
 * {@code error_rate < 1% and p99_ms < 50 and accuracy >= baseline - 0.01}, {@code psi(tenure) > 0.25},
 * {@code accuracy < 0.8 over 3 windows}. Parsed once into a tree; names are checked at parse time, so a typo fails
 * when the rule is saved, not when it would have fired.
 *
 * <p>Grammar: {@code or := and ('or' and)*; and := unary ('and' unary)*; unary := 'not' unary | '(' or ')' |
 * comparison; comparison := sum OP sum ['over' N 'windows']; sum := term (('+'|'-') term)*; term := NUMBER['%'] |
 * METRIC | METRIC '(' FEATURE ')' | 'baseline' | 'baseline' '(' METRIC ['(' FEATURE ')'] ')'}, with OP one of
 * {@code < <= > >= == !=}. A bare {@code baseline} stands for the other side's metric read on the baseline.
 */
public final class Condition {
  public static final int MAX_LENGTH = 1000;
  public static final int MAX_WINDOWS = 1000;
  static final int MAX_DEPTH = 32;

  private final String text;
  private final Node root;

  private Condition(String text, Node root) {
    this.text = text;
    this.root = root;
  }

  /** Parses {@code text}; a bad condition fails with its character position and what was expected there. */
  public static Condition parse(String text) {
    if (text == null || text.isBlank()) {
      throw CairnException.invalid("condition is empty; write e.g. 'p99_ms > 100' or 'drift_share > 0.3'");
    }
    if (text.length() > MAX_LENGTH) {
      throw CairnException.invalid("condition has " + text.length() + " characters; the limit is " + MAX_LENGTH);
    }
    Parser p = new Parser(text);
    Node root = p.or(0);
    p.expectEnd();
    return new Condition(text.strip(), root);
  }

  public String text() {
    return text;
  }

  /** The metrics the condition reads, on the windows or on the baseline. */
  public Set<Metric> metrics() {
    Set<Metric> out = new LinkedHashSet<>();
    root.collect(out);
    return out;
  }

  /** Whether the condition compares against a baseline (then {@link #evaluate} needs one). */
  public boolean usesBaseline() {
    return root.usesBaseline();
  }

  /** The largest {@code over N windows}: how many recent windows an evaluation needs. */
  public int windowsNeeded() {
    return root.windows();
  }

  /**
   * Evaluates over {@code windows}, oldest first (a comparison reads the newest, or the newest N with
   * {@code over N windows}); {@code baseline} may be null when {@link #usesBaseline()} is false, and is then unknown.
   */
  public Evaluation evaluate(List<? extends Figures> windows, Figures baseline) {
    List<String> details = new ArrayList<>();
    Verdict v = root.eval(windows, baseline, details);
    return new Evaluation(v, String.join("; ", details));
  }

  @Override
  public String toString() {
    return text;
  }

  // ---- tree

  private sealed interface Node permits Junction, Not, Compare {
    Verdict eval(List<? extends Figures> windows, Figures baseline, List<String> details);

    void collect(Set<Metric> out);

    boolean usesBaseline();

    int windows();
  }

  /** {@code left and right}, or {@code left or right}. */
  private record Junction(Node left, boolean and, Node right) implements Node {
    public Verdict eval(List<? extends Figures> w, Figures b, List<String> d) {
      Verdict l = left.eval(w, b, d);
      Verdict r = right.eval(w, b, d);
      return and ? l.and(r) : l.or(r);
    }

    public void collect(Set<Metric> out) {
      left.collect(out);
      right.collect(out);
    }

    public boolean usesBaseline() {
      return left.usesBaseline() || right.usesBaseline();
    }

    public int windows() {
      return Math.max(left.windows(), right.windows());
    }
  }

  private record Not(Node inner) implements Node {
    public Verdict eval(List<? extends Figures> w, Figures b, List<String> d) {
      return inner.eval(w, b, d).not();
    }

    public void collect(Set<Metric> out) {
      inner.collect(out);
    }

    public boolean usesBaseline() {
      return inner.usesBaseline();
    }

    public int windows() {
      return inner.windows();
    }
  }

  private enum Op {
    LT("<"), LE("<="), GT(">"), GE(">="), EQ("=="), NE("!=");

    final String symbol;

    Op(String symbol) {
      this.symbol = symbol;
    }

    boolean test(double a, double b) {
      return switch (this) {
        case LT -> a < b;
        case LE -> a <= b;
        case GT -> a > b;
        case GE -> a >= b;
        case EQ -> a == b;
        case NE -> a != b;
      };
    }
  }

  private record Compare(Expr left, Op op, Expr right, int over, String source) implements Node {
    public Verdict eval(List<? extends Figures> windows, Figures baseline, List<String> details) {
      if (windows.size() < over) {
        details.add(source + ": needs " + over + " windows, has " + windows.size());
        return Verdict.UNKNOWN;
      }
      Verdict all = Verdict.TRUE;
      String seen = null;
      for (int i = windows.size() - over; i < windows.size(); i++) {
        Double a = left.value(windows.get(i), baseline);
        Double b = right.value(windows.get(i), baseline);
        Verdict v = a == null || b == null ? Verdict.UNKNOWN : Verdict.of(op.test(a, b));
        all = all.and(v);
        if (i == windows.size() - 1) {
          seen = show(a) + " " + op.symbol + " " + show(b);
        }
      }
      details.add(source + ": " + seen + (over > 1 ? " (newest of " + over + " windows)" : "") + " -> "
          + all.name().toLowerCase(Locale.ROOT));
      return all;
    }

    private static String show(Double v) {
      if (v == null) {
        return "missing";
      }
      return new java.math.BigDecimal(v).round(new java.math.MathContext(4)).stripTrailingZeros().toPlainString();
    }

    public void collect(Set<Metric> out) {
      left.collect(out);
      right.collect(out);
    }

    public boolean usesBaseline() {
      return left.usesBaseline() || right.usesBaseline();
    }

    public int windows() {
      return over;
    }
  }

  private sealed interface Expr permits Num, Ref, Sum {
    Double value(Figures window, Figures baseline);

    void collect(Set<Metric> out);

    boolean usesBaseline();
  }

  private record Num(double value) implements Expr {
    public Double value(Figures window, Figures baseline) {
      return value;
    }

    public void collect(Set<Metric> out) {}

    public boolean usesBaseline() {
      return false;
    }
  }

  /** A metric read on the window, or on the baseline when {@code onBaseline}; {@code metric} null is a bare baseline. */
  private record Ref(Metric metric, String feature, boolean onBaseline) implements Expr {
    public Double value(Figures window, Figures baseline) {
      Figures from = onBaseline ? baseline : window;
      if (from == null) {
        return null;
      }
      Double v = from.value(metric, feature);
      return v == null || v.isNaN() ? null : v;
    }

    public void collect(Set<Metric> out) {
      out.add(metric);
    }

    public boolean usesBaseline() {
      return onBaseline;
    }
  }

  private record Sum(Expr left, boolean plus, Expr right) implements Expr {
    public Double value(Figures window, Figures baseline) {
      Double a = left.value(window, baseline);
      Double b = right.value(window, baseline);
      return a == null || b == null ? null : plus ? a + b : a - b;
    }

    public void collect(Set<Metric> out) {
      left.collect(out);
      right.collect(out);
    }

    public boolean usesBaseline() {
      return left.usesBaseline() || right.usesBaseline();
    }
  }

  // ---- parser

  /** A recursive-descent parser over the raw text; positions in errors are 1-based characters. */
  private static final class Parser {
    private final String s;
    private int pos;

    Parser(String s) {
      this.s = s;
    }

    Node or(int depth) {
      Node left = and(depth);
      while (keyword("or")) {
        left = new Junction(left, false, and(depth));
      }
      return left;
    }

    Node and(int depth) {
      Node left = unary(depth);
      while (keyword("and")) {
        left = new Junction(left, true, unary(depth));
      }
      return left;
    }

    Node unary(int depth) {
      if (depth > MAX_DEPTH) {
        throw error("nesting is deeper than " + MAX_DEPTH + " levels");
      }
      if (keyword("not")) {
        return new Not(unary(depth + 1));
      }
      skipSpace();
      if (peek() == '(') {
        pos++;
        Node inner = or(depth + 1);
        expect(')');
        return inner;
      }
      return comparison();
    }

    Node comparison() {
      skipSpace();
      int start = pos;
      Expr left = sum();
      Op op = operator();
      Expr right = sum();
      int end = pos;
      int over = 1;
      if (keyword("over")) {
        skipSpace();
        int at = pos;
        double n = number();
        if (n != Math.rint(n) || n < 1 || n > MAX_WINDOWS) {
          pos = at;
          throw error("'over' takes a whole number of windows from 1 to " + MAX_WINDOWS);
        }
        over = (int) n;
        if (!keyword("windows") && !keyword("window")) {
          throw error("expected 'windows' after 'over " + over + "'");
        }
        end = pos;
      }
      left = bindBaseline(left, right, start);
      right = bindBaseline(right, left, start);
      return new Compare(left, op, right, over, s.substring(start, end).strip());
    }

    /** Replaces a bare {@code baseline} in {@code e} by the one metric on the {@code other} side. */
    private Expr bindBaseline(Expr e, Expr other, int start) {
      if (e instanceof Ref r && r.onBaseline() && r.metric() == null) {
        Ref only = singleMetric(other);
        if (only == null) {
          pos = start;
          throw error("a bare 'baseline' needs exactly one metric on the other side; write baseline(METRIC)");
        }
        return new Ref(only.metric(), only.feature(), true);
      }
      if (e instanceof Sum sum) {
        return new Sum(bindBaseline(sum.left(), other, start), sum.plus(), bindBaseline(sum.right(), other, start));
      }
      return e;
    }

    private static Ref singleMetric(Expr e) {
      List<Ref> refs = new ArrayList<>();
      refs(e, refs);
      return refs.size() == 1 && !refs.get(0).onBaseline() ? refs.get(0) : null;
    }

    private static void refs(Expr e, List<Ref> out) {
      if (e instanceof Ref r) {
        out.add(r);
      } else if (e instanceof Sum sum) {
        refs(sum.left(), out);
        refs(sum.right(), out);
      }
    }

    Expr sum() {
      Expr left = term();
      while (true) {
        skipSpace();
        char c = peek();
        if (c == '+' || c == '-') {
          pos++;
          left = new Sum(left, c == '+', term());
        } else {
          return left;
        }
      }
    }

    Expr term() {
      skipSpace();
      char c = peek();
      if (Character.isDigit(c) || c == '.') {
        double n = number();
        skipSpace();
        if (peek() == '%') {
          pos++;
          n = n / 100;
        }
        return new Num(n);
      }
      if (c == '-') {
        pos++;
        Expr inner = term();
        if (inner instanceof Num num) {
          return new Num(-num.value());
        }
        return new Sum(new Num(0), false, inner);
      }
      int at = pos;
      String name = identifier();
      if (name == null) {
        throw error(c == 0 ? "the condition ends where a number or a metric was expected"
            : "expected a number or a metric (" + Metric.known() + ")");
      }
      if (name.equals("baseline")) {
        skipSpace();
        if (peek() != '(') {
          return new Ref(null, null, true);
        }
        pos++;
        skipSpace();
        int metricAt = pos;
        Ref inner = metricRef(identifier(), metricAt);
        expect(')');
        return new Ref(inner.metric(), inner.feature(), true);
      }
      return metricRef(name, at);
    }

    private Ref metricRef(String name, int at) {
      if (name == null) {
        throw error("expected a metric (" + Metric.known() + ")");
      }
      Metric m = Metric.named(name.toLowerCase(Locale.ROOT)).orElseThrow(() -> {
        pos = at;
        return error("unknown metric '" + name + "'; known: " + Metric.known());
      });
      skipSpace();
      if (!m.takesFeature()) {
        if (peek() == '(') {
          throw error("metric '" + m.wire() + "' takes no feature");
        }
        return new Ref(m, null, false);
      }
      if (peek() != '(') {
        throw error("metric '" + m.wire() + "' needs a feature: " + m.wire() + "(FEATURE)");
      }
      pos++;
      skipSpace();
      String feature = feature();
      expect(')');
      return new Ref(m, feature, false);
    }

    private String feature() {
      char q = peek();
      if (q == '\'' || q == '"') {
        int close = s.indexOf(q, pos + 1);
        if (close < 0) {
          throw error("the quoted feature name is not closed");
        }
        String name = s.substring(pos + 1, close);
        if (name.isEmpty()) {
          throw error("the feature name is empty");
        }
        pos = close + 1;
        return name;
      }
      String name = identifier();
      if (name == null) {
        throw error("expected a feature name (quote it if it has spaces)");
      }
      return name;
    }

    private Op operator() {
      skipSpace();
      String two = pos + 2 <= s.length() ? s.substring(pos, pos + 2) : "";
      for (Op op : new Op[] {Op.LE, Op.GE, Op.EQ, Op.NE}) {
        if (two.equals(op.symbol)) {
          pos += 2;
          return op;
        }
      }
      char c = peek();
      if (c == '<' || c == '>') {
        pos++;
        return c == '<' ? Op.LT : Op.GT;
      }
      if (c == '=') {
        throw error("write '==' to compare for equality");
      }
      throw error(c == 0 ? "the condition ends where a comparison (<, <=, >, >=, ==, !=) was expected"
          : "expected a comparison: <, <=, >, >=, == or !=");
    }

    private double number() {
      int start = pos;
      while (pos < s.length() && (Character.isDigit(s.charAt(pos)) || s.charAt(pos) == '.')) {
        pos++;
      }
      if (pos < s.length() && (s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) {
        int mark = pos++;
        if (pos < s.length() && (s.charAt(pos) == '+' || s.charAt(pos) == '-')) {
          pos++;
        }
        int digits = pos;
        while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
          pos++;
        }
        if (pos == digits) {
          pos = mark;
        }
      }
      try {
        double d = Double.parseDouble(s.substring(start, pos));
        if (!Double.isFinite(d)) {
          throw new NumberFormatException();
        }
        return d;
      } catch (NumberFormatException e) {
        pos = start;
        throw error("expected a number");
      }
    }

    private String identifier() {
      skipSpace();
      int start = pos;
      if (pos < s.length() && (Character.isLetter(s.charAt(pos)) || s.charAt(pos) == '_')) {
        pos++;
        while (pos < s.length() && (Character.isLetterOrDigit(s.charAt(pos)) || s.charAt(pos) == '_'
            || s.charAt(pos) == '.')) {
          pos++;
        }
        return s.substring(start, pos);
      }
      return null;
    }

    /** Consumes {@code word} when it is the next whole word (any case). */
    private boolean keyword(String word) {
      skipSpace();
      int end = pos + word.length();
      if (end <= s.length() && s.regionMatches(true, pos, word, 0, word.length())
          && (end == s.length() || !(Character.isLetterOrDigit(s.charAt(end)) || s.charAt(end) == '_'))) {
        pos = end;
        return true;
      }
      return false;
    }

    private void expect(char c) {
      skipSpace();
      if (peek() != c) {
        throw error("expected '" + c + "'");
      }
      pos++;
    }

    void expectEnd() {
      skipSpace();
      if (pos < s.length()) {
        throw error("unexpected '" + s.substring(pos, Math.min(s.length(), pos + 12))
            + "'; join comparisons with 'and' or 'or'");
      }
    }

    private char peek() {
      return pos < s.length() ? s.charAt(pos) : 0;
    }

    private void skipSpace() {
      while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
        pos++;
      }
    }

    private CairnException error(String problem) {
      return CairnException.invalid("condition '" + s.strip() + "': at character " + (pos + 1) + ": " + problem);
    }
  }
}
