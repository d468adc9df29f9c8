package dev.cairn.store.search;

import java.util.ArrayList;
import java.util.List;

/**
 * A LIKE pattern as users write it ({@code %} any run, {@code _} one character, a backslash makes the next
 * character literal, as in PostgreSQL), re-rendered for each database's matching syntax.
 */
public record LikePattern(List<Part> parts) {
  /** A wildcard (any run, or exactly one character) or a literal character given as a code point. */
  public record Part(boolean anyRun, boolean oneChar, int codePoint) {
    static final Part ANY_RUN = new Part(true, false, 0);
    static final Part ONE_CHAR = new Part(false, true, 0);

    static Part literal(int codePoint) {
      return new Part(false, false, codePoint);
    }
  }

  public LikePattern {
    parts = List.copyOf(parts);
  }

  public static LikePattern parse(String pattern) {
    List<Part> parts = new ArrayList<>();
    int i = 0;
    while (i < pattern.length()) {
      int cp = pattern.codePointAt(i);
      i += Character.charCount(cp);
      if (cp == '\\' && i < pattern.length()) {
        int escaped = pattern.codePointAt(i);
        i += Character.charCount(escaped);
        parts.add(Part.literal(escaped));
      } else if (cp == '%') {
        parts.add(Part.ANY_RUN);
      } else if (cp == '_') {
        parts.add(Part.ONE_CHAR);
      } else {
        parts.add(Part.literal(cp)); // a trailing lone backslash is literal
      }
    }
    return new LikePattern(parts);
  }

  /** PostgreSQL LIKE / ILIKE with its default backslash escape. */
  public String toBackslashLike() {
    return render("%", "_", "\\%_", '\\');
  }

  /** SQLite LIKE with {@code ESCAPE '!'}. */
  public String toBangLike() {
    return render("%", "_", "!%_", '!');
  }

  private String render(String anyRun, String oneChar, String special, char escape) {
    StringBuilder out = new StringBuilder();
    for (Part p : parts) {
      if (p.anyRun()) {
        out.append(anyRun);
      } else if (p.oneChar()) {
        out.append(oneChar);
      } else {
        if (special.indexOf(p.codePoint()) >= 0) {
          out.append(escape);
        }
        out.appendCodePoint(p.codePoint());
      }
    }
    return out.toString();
  }

  /** SQLite GLOB, which is case-sensitive and has no escape character: its metacharacters go in brackets. */
  public String toGlob() {
    StringBuilder out = new StringBuilder();
    for (Part p : parts) {
      if (p.anyRun()) {
        out.append('*');
      } else if (p.oneChar()) {
        out.append('?');
      } else if (p.codePoint() == '*' || p.codePoint() == '?' || p.codePoint() == '[') {
        out.append('[').appendCodePoint(p.codePoint()).append(']');
      } else {
        out.appendCodePoint(p.codePoint());
      }
    }
    return out.toString();
  }
}
