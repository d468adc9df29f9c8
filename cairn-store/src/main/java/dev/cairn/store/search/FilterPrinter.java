package dev.cairn.store.search;

import dev.cairn.store.search.Filter.And;
import dev.cairn.store.search.Filter.Comparison;
import dev.cairn.store.search.Filter.Not;
import dev.cairn.store.search.Filter.Or;
import dev.cairn.store.search.Filter.Text;
import dev.cairn.store.search.Filter.TextList;

/** Prints a filter back as filter text that parses to the same filter (keys in backticks, strings in quotes). */
public final class FilterPrinter {
  private FilterPrinter() {}

  public static String print(Filter filter) {
    if (filter instanceof And a) {
      return operand(a.left()) + " AND " + operand(a.right());
    }
    if (filter instanceof Or o) {
      return operand(o.left()) + " OR " + operand(o.right());
    }
    if (filter instanceof Not n) {
      return "NOT " + operand(n.inner());
    }
    Comparison c = (Comparison) filter;
    StringBuilder out = new StringBuilder(c.key().entity().prefix()).append(".`")
        .append(c.key().name().replace("`", "``")).append("` ").append(c.operator().text());
    if (c.value() instanceof Text t) {
      out.append(' ').append(quote(t.value()));
    } else if (c.value() instanceof Filter.Number n) {
      out.append(' ').append(n.value().toString());
    } else if (c.value() instanceof TextList l) {
      out.append(" (");
      for (int i = 0; i < l.values().size(); i++) {
        out.append(i == 0 ? "" : ", ").append(quote(l.values().get(i)));
      }
      out.append(')');
    }
    return out.toString();
  }

  private static String operand(Filter f) {
    return f instanceof And || f instanceof Or ? "(" + print(f) + ")" : print(f);
  }

  private static String quote(String s) {
    return "'" + s.replace("'", "''") + "'";
  }
}
