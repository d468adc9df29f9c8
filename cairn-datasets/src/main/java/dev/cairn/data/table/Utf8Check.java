package dev.cairn.data.table;

import dev.cairn.core.CairnException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Slow error-path scans that pin down where a file went wrong, so the fast path can stay simple. */
final class Utf8Check {
  private Utf8Check() {}

  /** Finds the first invalid UTF-8 byte sequence and names its line and column (in characters). */
  static CairnException invalidUtf8(Path file) {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      long line = 1;
      long column = 1;
      long offset = 0;
      int b;
      while ((b = in.read()) != -1) {
        int extra;
        int min;
        if (b < 0x80) {
          extra = 0;
          min = 0;
        } else if ((b & 0xE0) == 0xC0) {
          extra = 1;
          min = 0x80;
        } else if ((b & 0xF0) == 0xE0) {
          extra = 2;
          min = 0x800;
        } else if ((b & 0xF8) == 0xF0) {
          extra = 3;
          min = 0x10000;
        } else {
          return bad(file, line, column, offset, b);
        }
        int cp = extra == 0 ? b : b & (0x3F >> extra);
        for (int k = 0; k < extra; k++) {
          int c = in.read();
          if (c == -1 || (c & 0xC0) != 0x80) {
            return bad(file, line, column, offset, b);
          }
          cp = (cp << 6) | (c & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
          return bad(file, line, column, offset, b);
        }
        offset += extra + 1;
        if (cp == '\n') {
          line++;
          column = 1;
        } else {
          column++;
        }
      }
      return CairnException.invalid("file '" + file + "' is not valid UTF-8");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static CairnException bad(Path file, long line, long column, long offset, int b) {
    return CairnException.invalid("file '" + file + "' line " + line + " column " + column
        + ": invalid UTF-8 byte 0x" + Integer.toHexString(b).toUpperCase() + " at byte offset " + offset
        + "; table files must be UTF-8");
  }

  /**
   * The 1-based field number whose opening quote is never closed, scanning the record that starts on {@code line}.
   */
  static int unterminatedQuoteColumn(Path file, long line, char delimiter, char quote) {
    try {
      List<String> lines = Files.readAllLines(file);
      StringBuilder text = new StringBuilder();
      for (int i = (int) Math.max(0, line - 1); i < lines.size(); i++) {
        text.append(lines.get(i)).append('\n');
      }
      int field = 1;
      int openField = 1;
      boolean inQuotes = false;
      boolean fieldStart = true;
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        if (inQuotes) {
          if (c == quote) {
            if (i + 1 < text.length() && text.charAt(i + 1) == quote) {
              i++;
            } else {
              inQuotes = false;
            }
          }
        } else if (c == quote && fieldStart) {
          inQuotes = true;
          openField = field;
          fieldStart = false;
        } else if (c == delimiter) {
          field++;
          fieldStart = true;
        } else if (c == '\n') {
          field = 1;
          fieldStart = true;
        } else {
          fieldStart = false;
        }
      }
      return openField;
    } catch (IOException | UncheckedIOException e) {
      return 1;
    }
  }
}
