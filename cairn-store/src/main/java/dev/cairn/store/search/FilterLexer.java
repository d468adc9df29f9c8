package dev.cairn.store.search;

import dev.cairn.core.CairnException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Splits a filter or order_by string into tokens, each with the character offset where it starts, so every
 * error can point at a position. Identifiers such as {@code metrics.`my key`} become one token.
 */
final class FilterLexer {
  enum Kind { IDENT, STRING, NUMBER, OPERATOR, KEYWORD, LPAREN, RPAREN, COMMA, END }

  /**
   * One token. For IDENT, {@code prefix} is the part before the first dot (null when there is none) and
   * {@code value} the key; for STRING, {@code value} is the unquoted text; for KEYWORD, the upper-cased word.
   */
  record Token(Kind kind, String text, String prefix, String value, int position) {
    String describe() {
      return kind == Kind.END ? "the end of the input" : "'" + text + "'";
    }
  }

  private static final Set<String> KEYWORDS =
      Set.of("AND", "OR", "NOT", "IN", "LIKE", "ILIKE", "IS", "NULL", "ASC", "DESC");

  private final String input;
  private final String what;
  private int pos;

  private FilterLexer(String input, String what) {
    this.input = input;
    this.what = what;
  }

  /** Tokens of {@code input}, ending with an END token; {@code what} names the input in errors ("filter"). */
  static List<Token> tokenize(String input, String what) {
    return new FilterLexer(input, what).run();
  }

  private List<Token> run() {
    List<Token> tokens = new ArrayList<>();
    while (true) {
      while (pos < input.length() && Character.isWhitespace(input.charAt(pos))) {
        pos++;
      }
      if (pos >= input.length()) {
        tokens.add(new Token(Kind.END, "", null, null, pos));
        return tokens;
      }
      tokens.add(next());
    }
  }

  private Token next() {
    int start = pos;
    char c = input.charAt(pos);
    switch (c) {
      case '(':
        pos++;
        return new Token(Kind.LPAREN, "(", null, null, start);
      case ')':
        pos++;
        return new Token(Kind.RPAREN, ")", null, null, start);
      case ',':
        pos++;
        return new Token(Kind.COMMA, ",", null, null, start);
      case '=':
        pos++;
        return new Token(Kind.OPERATOR, "=", null, null, start);
      case '!':
        if (peek(1) == '=') {
          pos += 2;
          return new Token(Kind.OPERATOR, "!=", null, null, start);
        }
        throw error(start, "expected '!=' but found '!' alone");
      case '<':
        if (peek(1) == '=' || peek(1) == '>') {
          pos += 2;
          return new Token(Kind.OPERATOR, input.substring(start, pos), null, null, start);
        }
        pos++;
        return new Token(Kind.OPERATOR, "<", null, null, start);
      case '>':
        if (peek(1) == '=') {
          pos += 2;
          return new Token(Kind.OPERATOR, ">=", null, null, start);
        }
        pos++;
        return new Token(Kind.OPERATOR, ">", null, null, start);
      case '\'':
      case '"': {
        String value = quoted(c);
        return new Token(Kind.STRING, input.substring(start, pos), null, value, start);
      }
      default:
        break;
    }
    if (isDigit(c) || ((c == '-' || c == '+' || c == '.') && startsNumber(pos))) {
      return number();
    }
    if (isWordStart(c) || c == '`') {
      return identifier();
    }
    throw error(start, "unexpected character '" + printable(c) + "'");
  }

  private boolean startsNumber(int at) {
    char c = input.charAt(at);
    if (c == '-' || c == '+') {
      at++;
      if (at < input.length() && input.charAt(at) == '.') {
        at++;
      }
    } else if (c == '.') {
      at++;
    }
    return at < input.length() && isDigit(input.charAt(at));
  }

  private Token number() {
    int start = pos;
    if (input.charAt(pos) == '-' || input.charAt(pos) == '+') {
      pos++;
    }
    while (pos < input.length() && isDigit(input.charAt(pos))) {
      pos++;
    }
    if (pos < input.length() && input.charAt(pos) == '.') {
      pos++;
      while (pos < input.length() && isDigit(input.charAt(pos))) {
        pos++;
      }
    }
    if (pos < input.length() && (input.charAt(pos) == 'e' || input.charAt(pos) == 'E')) {
      int mark = pos;
      pos++;
      if (pos < input.length() && (input.charAt(pos) == '+' || input.charAt(pos) == '-')) {
        pos++;
      }
      if (pos < input.length() && isDigit(input.charAt(pos))) {
        while (pos < input.length() && isDigit(input.charAt(pos))) {
          pos++;
        }
      } else {
        throw error(mark, "expected digits after the exponent 'e' of a number");
      }
    }
    if (pos < input.length() && (isWordStart(input.charAt(pos)) || input.charAt(pos) == '.')) {
      throw error(pos, "unexpected character '" + printable(input.charAt(pos)) + "' right after the number '"
          + input.substring(start, pos) + "'");
    }
    String text = input.substring(start, pos);
    return new Token(Kind.NUMBER, text, null, text, start);
  }

  private Token identifier() {
    int start = pos;
    String first;
    boolean firstQuoted = input.charAt(pos) == '`';
    if (firstQuoted) {
      first = quoted('`');
    } else {
      int s = pos;
      while (pos < input.length() && isWordPart(input.charAt(pos))) {
        pos++;
      }
      first = input.substring(s, pos);
    }
    if (pos < input.length() && input.charAt(pos) == '.') {
      pos++;
      String key;
      if (pos < input.length() && (input.charAt(pos) == '`' || input.charAt(pos) == '"'
          || input.charAt(pos) == '\'')) {
        key = quoted(input.charAt(pos));
      } else {
        int s = pos;
        while (pos < input.length() && (isWordPart(input.charAt(pos)) || input.charAt(pos) == '.')) {
          pos++;
        }
        key = input.substring(s, pos);
        if (key.isEmpty()) {
          throw error(pos, "expected a key after '" + input.substring(start, pos)
              + "' (quote keys with spaces or symbols in backticks, e.g. metrics.`my key`)");
        }
      }
      if (pos < input.length() && (isWordPart(input.charAt(pos)) || input.charAt(pos) == '`')) {
        throw error(pos, "unexpected character '" + printable(input.charAt(pos)) + "' after the key '" + key + "'");
      }
      return new Token(Kind.IDENT, input.substring(start, pos), first, key, start);
    }
    String upper = first.toUpperCase(Locale.ROOT);
    if (!firstQuoted && KEYWORDS.contains(upper)) {
      return new Token(Kind.KEYWORD, first, null, upper, start);
    }
    return new Token(Kind.IDENT, input.substring(start, pos), null, first, start);
  }

  /** Reads a quoted run starting at pos; a doubled quote character stands for one. */
  private String quoted(char quote) {
    int start = pos;
    pos++;
    StringBuilder out = new StringBuilder();
    while (pos < input.length()) {
      char c = input.charAt(pos);
      if (c == quote) {
        if (peek(1) == quote) {
          out.append(quote);
          pos += 2;
          continue;
        }
        pos++;
        return out.toString();
      }
      out.append(c);
      pos++;
    }
    throw error(start, "the quote " + quote + " opened here is never closed");
  }

  private char peek(int ahead) {
    int at = pos + ahead;
    return at < input.length() ? input.charAt(at) : '\0';
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isWordStart(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  }

  private static boolean isWordPart(char c) {
    return isWordStart(c) || isDigit(c);
  }

  private static String printable(char c) {
    return Character.isISOControl(c) || Character.isSurrogate(c) ? String.format("\\u%04x", (int) c)
        : String.valueOf(c);
  }

  private CairnException error(int at, String problem) {
    return invalid(what, input, at, problem);
  }

  static CairnException invalid(String what, String input, int at, String problem) {
    String shown = input.length() > 200 ? input.substring(0, 200) + "..." : input;
    return CairnException.invalid("Invalid " + what + " '" + shown + "' at position " + at + ": " + problem + ".");
  }
}
