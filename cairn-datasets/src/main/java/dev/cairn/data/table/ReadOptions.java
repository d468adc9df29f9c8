package dev.cairn.data.table;

import dev.cairn.core.CairnException;
import java.nio.file.Path;

/**
 * How to read a table file. {@code delimiter} and {@code quote} apply to CSV/TSV only.
 *
 * @param format the file format
 * @param delimiter the field separator (',' for CSV, tab for TSV unless overridden)
 * @param quote the RFC 4180 quote character
 */
public record ReadOptions(TableFormat format, char delimiter, char quote) {
  public ReadOptions {
    if (format == null) {
      throw CairnException.invalid("read option 'format' is missing; use CSV, TSV or JSONL");
    }
    if (delimiter == quote || delimiter == '\n' || delimiter == '\r') {
      throw CairnException.invalid("read option 'delimiter' " + printable(delimiter)
          + " is not allowed; it must differ from the quote and from line breaks");
    }
  }

  public static ReadOptions of(TableFormat format) {
    return new ReadOptions(format, format == TableFormat.TSV ? '\t' : ',', '"');
  }

  /** Options chosen from the file extension. */
  public static ReadOptions forPath(Path file) {
    return of(TableFormat.fromPath(file));
  }

  public ReadOptions withDelimiter(char newDelimiter) {
    return new ReadOptions(format, newDelimiter, quote);
  }

  private static String printable(char c) {
    return c == '\t' ? "'\\t'" : c == '\n' ? "'\\n'" : c == '\r' ? "'\\r'" : "'" + c + "'";
  }
}
