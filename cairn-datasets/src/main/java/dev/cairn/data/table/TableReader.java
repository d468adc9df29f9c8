package dev.cairn.data.table;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import de.siegmar.fastcsv.reader.AbstractBaseCsvCallbackHandler;
import de.siegmar.fastcsv.reader.CloseableIterator;
import de.siegmar.fastcsv.reader.CsvParseException;
import de.siegmar.fastcsv.reader.CsvReader;
import dev.cairn.core.CairnException;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Streams a CSV/TSV (RFC 4180, header row) or JSON Lines file row by row in constant memory. Input must be
 * strict UTF-8. Malformed input (invalid UTF-8, ragged rows, unterminated quotes, bad JSON) fails with a
 * {@link CairnException} naming the file, line and column.
 *
 * <pre>{@code
 * try (TableReader reader = TableReader.open(path)) {
 *   reader.forEach(row -> System.out.println(row.line() + ": " + row.get(0)));
 * }
 * }</pre>
 */
public final class TableReader implements Closeable {
  private final Path file;
  private final Source source;

  private TableReader(Path file, Source source) {
    this.file = file;
    this.source = source;
  }

  /** Opens {@code file} with options chosen from its extension. */
  public static TableReader open(Path file) {
    return open(file, ReadOptions.forPath(file));
  }

  public static TableReader open(Path file, ReadOptions options) {
    return open(file, options, file);
  }

  /**
   * Reads {@code file} but names it {@code shownAs} in errors and rows: a table restored to a temporary file is
   * then reported under its own path in the dataset.
   */
  public static TableReader open(Path file, ReadOptions options, Path shownAs) {
    try {
      Reader reader = strictUtf8Reader(file);
      Source source = options.format() == TableFormat.JSONL
          ? new JsonLinesSource(shownAs, reader)
          : new CsvSource(shownAs, reader, options);
      return new TableReader(shownAs, source);
    } catch (NoSuchFileException e) {
      throw CairnException.notFound("table file '" + file + "' does not exist");
    } catch (IOException e) {
      throw new CairnException(dev.cairn.core.ErrorCode.INTERNAL_ERROR, "cannot read table file '" + file + "': " + e.getMessage(), e);
    }
  }

  /** Reads every row of {@code file} into {@code handler}; returns the number of rows. */
  public static long read(Path file, ReadOptions options, RowHandler handler) {
    try (TableReader reader = open(file, options)) {
      return reader.forEach(handler);
    }
  }

  static Reader strictUtf8Reader(Path file) throws IOException {
    return new InputStreamReader(Files.newInputStream(file), StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT));
  }

  public Path file() {
    return file;
  }

  /** Column names known so far: the header for CSV; for JSON Lines, every key seen, in order of first sight. */
  public List<String> columns() {
    return source.columns();
  }

  /** The next row as a reused view, or null at the end of the file. */
  public Row next() {
    try {
      return source.next();
    } catch (UncheckedIOException e) {
      throw translate(e.getCause());
    }
  }

  /** Hands every remaining row to {@code handler}; returns how many. */
  public long forEach(RowHandler handler) {
    long n = 0;
    for (Row row = next(); row != null; row = next()) {
      handler.row(row);
      n++;
    }
    return n;
  }

  /** The remaining rows as immutable records, read lazily (one allocation per row). */
  public java.util.Iterator<RowRecord> records() {
    return new java.util.Iterator<>() {
      private Row pending = TableReader.this.next();

      @Override
      public boolean hasNext() {
        return pending != null;
      }

      @Override
      public RowRecord next() {
        if (pending == null) {
          throw new java.util.NoSuchElementException("no more rows in '" + file + "'");
        }
        RowRecord record = pending.copy();
        pending = TableReader.this.next();
        return record;
      }
    };
  }

  /** Reads every remaining row as immutable records; for small files and tests. */
  public List<RowRecord> readAll() {
    List<RowRecord> rows = new ArrayList<>();
    forEach(row -> rows.add(row.copy()));
    return rows;
  }

  private CairnException translate(IOException e) {
    if (e instanceof CharacterCodingException) {
      return Utf8Check.invalidUtf8(file);
    }
    return new CairnException(dev.cairn.core.ErrorCode.INTERNAL_ERROR, "cannot read table file '" + file + "': " + e.getMessage(), e);
  }

  @Override
  public void close() {
    try {
      source.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private interface Source extends Closeable {
    List<String> columns();

    Row next();
  }

  /** FastCSV with a callback handler that copies fields into one reused buffer: no String per cell. */
  private static final class CsvSource implements Source {
    private static final Pattern LINE = Pattern.compile("line (\\d+)");
    private final Path file;
    private final ReadOptions options;
    private final CsvReader<RowBuffer> csv;
    private final CloseableIterator<RowBuffer> rows;
    private final RowBuffer buffer;
    private final List<String> header;
    private long lastLine;

    CsvSource(Path file, Reader reader, ReadOptions options) {
      this.file = file;
      this.options = options;
      this.buffer = new RowBuffer(file, List.of());
      this.csv = CsvReader.builder()
          .fieldSeparator(options.delimiter())
          .quoteCharacter(options.quote())
          .skipEmptyLines(true)
          .allowMissingFields(true)
          .allowExtraFields(true)
          .allowUnclosedQuote(false)
          .build(new Handler(buffer), reader);
      this.rows = csv.iterator();
      RowBuffer first = advance();
      if (first == null) {
        throw CairnException.invalid("table file '" + file + "' is empty; a header row is required");
      }
      List<String> names = new ArrayList<>();
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < first.size(); i++) {
        String name = first.get(i);
        if (i == 0 && name.startsWith("\uFEFF")) {
          name = name.substring(1);
        }
        if (name.isEmpty()) {
          throw CairnException.invalid(where(first.line(), i + 1) + ": header column " + (i + 1) + " has an empty name");
        }
        if (!seen.add(name)) {
          throw CairnException.invalid(where(first.line(), i + 1) + ": header column '" + name + "' appears twice");
        }
        names.add(name);
      }
      header = Collections.unmodifiableList(names);
      buffer.columns(header);
    }

    private RowBuffer advance() {
      try {
        if (!rows.hasNext()) {
          return null;
        }
        RowBuffer row = rows.next();
        lastLine = row.line();
        return row;
      } catch (CsvParseException e) {
        throw translateParse(e);
      } catch (UncheckedIOException e) {
        if (e.getCause() instanceof CharacterCodingException) {
          throw Utf8Check.invalidUtf8(file);
        }
        throw e;
      }
    }

    private CairnException translateParse(CsvParseException e) {
      Throwable cause = e;
      while (cause != null) {
        if (cause instanceof CharacterCodingException) {
          return Utf8Check.invalidUtf8(file);
        }
        if (cause instanceof UncheckedIOException u && u.getCause() instanceof CharacterCodingException) {
          return Utf8Check.invalidUtf8(file);
        }
        cause = cause.getCause();
      }
      Matcher m = LINE.matcher(String.valueOf(e.getMessage()));
      long line = m.find() ? Long.parseLong(m.group(1)) : lastLine + 1;
      String all = e.getMessage() + (e.getCause() == null ? "" : " " + e.getCause().getMessage());
      if (all.toLowerCase(java.util.Locale.ROOT).contains("quot")) {
        int column = Utf8Check.unterminatedQuoteColumn(file, line, options.delimiter(), options.quote());
        return CairnException.invalid(where(line, column) + ": quoted field is not terminated before the end of the file");
      }
      return CairnException.invalid(where(line, 1) + ": cannot parse CSV: " + all);
    }

    private String where(long line, int column) {
      return "file '" + file + "' line " + line + " column " + column;
    }

    @Override
    public List<String> columns() {
      return header;
    }

    @Override
    public Row next() {
      RowBuffer row = advance();
      if (row == null) {
        return null;
      }
      if (row.size() != header.size()) {
        int column = Math.min(row.size(), header.size()) + 1;
        throw CairnException.invalid(where(row.line(), column) + ": row has " + row.size() + " fields but the header has "
            + header.size());
      }
      return row;
    }

    @Override
    public void close() throws IOException {
      csv.close();
    }
  }

  private static final class Handler extends AbstractBaseCsvCallbackHandler<RowBuffer> {
    private final RowBuffer buffer;

    Handler(RowBuffer buffer) {
      this.buffer = buffer;
    }

    @Override
    protected void handleBegin(long startingLineNumber) {
      buffer.reset(startingLineNumber);
    }

    @Override
    protected void handleField(int fieldIdx, char[] buf, int offset, int len, boolean quoted) {
      buffer.add(buf, offset, len);
    }

    @Override
    protected RowBuffer buildRecord() {
      return buffer;
    }
  }

  /** Jackson streaming, one parser per line so a bad line is reported with its own line and column. */
  private static final class JsonLinesSource implements Source {
    private static final JsonFactory JSON = new JsonFactory();
    private final Path file;
    private final BufferedReader reader;
    private final RowBuffer buffer;
    private final List<String> names = new ArrayList<>();
    private final List<String> view = Collections.unmodifiableList(names);
    private final Map<String, Integer> index = new HashMap<>();
    private long lineNumber;

    JsonLinesSource(Path file, Reader reader) {
      this.file = file;
      this.reader = new BufferedReader(reader, 1 << 16);
      this.buffer = new RowBuffer(file, view);
    }

    @Override
    public List<String> columns() {
      return view;
    }

    @Override
    public Row next() {
      String line;
      try {
        do {
          line = reader.readLine();
          if (line == null) {
            return null;
          }
          lineNumber++;
        } while (line.isBlank());
      } catch (CharacterCodingException e) {
        throw Utf8Check.invalidUtf8(file);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      buffer.resetNulls(lineNumber, names.size());
      try (JsonParser p = JSON.createParser(line)) {
        if (p.nextToken() != JsonToken.START_OBJECT) {
          throw CairnException.invalid(where(1) + ": a JSON Lines row must be a JSON object");
        }
        for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
          String key = p.currentName();
          Integer slot = index.get(key);
          if (slot == null) {
            slot = names.size();
            names.add(key);
            index.put(key, slot);
          }
          JsonToken value = p.nextToken();
          if (value == JsonToken.VALUE_NULL) {
            buffer.setNull(slot);
          } else if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
            int from = (int) p.currentTokenLocation().getCharOffset();
            p.skipChildren();
            int to = (int) p.currentLocation().getCharOffset();
            char[] raw = line.substring(from, to).toCharArray();
            buffer.set(slot, raw, 0, raw.length);
          } else {
            buffer.set(slot, p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
          }
        }
        if (p.nextToken() != null) {
          throw CairnException.invalid(where(p.currentTokenLocation().getColumnNr()) + ": text after the JSON object");
        }
      } catch (JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        throw CairnException.invalid(where(at == null ? 1 : at.getColumnNr()) + ": invalid JSON: " + e.getOriginalMessage());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return buffer;
    }

    private String where(int column) {
      return "file '" + file + "' line " + lineNumber + " column " + column;
    }

    @Override
    public void close() throws IOException {
      reader.close();
    }
  }
}
