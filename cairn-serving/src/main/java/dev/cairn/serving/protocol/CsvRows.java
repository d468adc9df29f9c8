package dev.cairn.serving.protocol;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import dev.cairn.core.CairnException;
import dev.cairn.data.schema.Cells;
import dev.cairn.ml.bundle.InputField;
import dev.cairn.ml.frame.ColumnType;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads CSV (header row first) into prediction rows in batches, streaming: numeric columns' cells become numbers
 * (text that is not a number stays text, so the input check names it), the usual missing tokens (empty, NA, null,
 * NaN, None...) become missing values, columns the model does not take are skipped. Used by the {@code text/csv}
 * scoring format and by batch scoring, which names bad rows by {@link #lineNumber(int)}.
 */
public final class CsvRows implements AutoCloseable {
  private static final Set<String> MISSING = new HashSet<>(Cells.DEFAULT_NULL_TOKENS);

  private final CsvReader<CsvRecord> reader;
  private final Iterator<CsvRecord> records;
  private final List<String> header;
  private final int[] positions;
  private final List<InputField> schema;
  private final String source;
  private long[] lines = new long[0];

  private CsvRows(CsvReader<CsvRecord> reader, List<InputField> schema, String source) {
    this.reader = reader;
    this.records = reader.iterator();
    this.schema = List.copyOf(schema);
    this.source = source;
    if (!records.hasNext()) {
      throw CairnException.invalid(source + " is empty; the first line must be a header naming the columns");
    }
    this.header = records.next().getFields();
    positions = new int[this.schema.size()];
    for (int c = 0; c < positions.length; c++) {
      positions[c] = header.indexOf(this.schema.get(c).name());
      if (positions[c] < 0) {
        throw CairnException.invalid(source + " has no column '" + this.schema.get(c).name() + "'; the model takes "
            + this.schema.stream().map(InputField::name).toList() + ", the header has " + abbreviate(header));
      }
    }
  }

  /** Starts reading {@code reader} (the caller closes it through this); {@code source} names it in errors. */
  public static CsvRows open(Reader reader, List<InputField> schema, String source) {
    return new CsvRows(CsvReader.builder().skipEmptyLines(true).allowMissingFields(true).allowExtraFields(true)
        .ofCsvRecord(reader), schema, source);
  }

  /** The header's column names. */
  public List<String> header() {
    return header;
  }

  /** The next up to {@code max} rows; empty at the end. */
  public List<Map<String, Object>> next(int max) {
    List<Map<String, Object>> rows = new ArrayList<>(Math.min(max, 1024));
    long[] batchLines = new long[max];
    try {
      while (rows.size() < max && records.hasNext()) {
        CsvRecord record = records.next();
        if (record.getFieldCount() != header.size()) {
          throw CairnException.invalid(source + " line " + record.getStartingLineNumber() + " has "
              + record.getFieldCount() + " fields but the header has " + header.size());
        }
        batchLines[rows.size()] = record.getStartingLineNumber();
        rows.add(row(record));
      }
    } catch (UncheckedIOException e) {
      throw CairnException.invalid(source + " cannot be read: " + e.getCause().getMessage());
    } catch (de.siegmar.fastcsv.reader.CsvParseException e) {
      throw CairnException.invalid(source + " is not valid CSV: " + e.getMessage());
    }
    lines = java.util.Arrays.copyOf(batchLines, rows.size());
    return rows;
  }

  /** The line (from 1, the header being line 1) where row {@code index} of the last batch starts. */
  public long lineNumber(int index) {
    return lines[index];
  }

  private Map<String, Object> row(CsvRecord record) {
    Map<String, Object> row = new LinkedHashMap<>();
    for (int c = 0; c < positions.length; c++) {
      InputField f = schema.get(c);
      row.put(f.name(), cell(record.getField(positions[c]), f.type()));
    }
    return row;
  }

  /** A CSV cell as a row value of a column of {@code type}. */
  static Object cell(String text, ColumnType type) {
    if (MISSING.contains(text.strip())) {
      return null;
    }
    if (type == ColumnType.NUMERIC) {
      try {
        return Double.parseDouble(text.strip());
      } catch (NumberFormatException e) {
        return text;
      }
    }
    return text;
  }

  private static String abbreviate(List<String> names) {
    return names.size() <= 20 ? names.toString() : names.subList(0, 20) + "... (" + names.size() + " columns)";
  }

  @Override
  public void close() {
    try {
      reader.close();
    } catch (java.io.IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
