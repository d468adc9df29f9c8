package dev.cairn.server.ui;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.cairn.store.ArtifactStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A preview of one artifact for the run page: text (JSON pretty-printed), the first rows of a CSV/TSV as a table,
 * an image through the artifact proxy, or else its size and a download link. At most {@link #MAX_BYTES} are read.
 */
public record ArtifactPreview(String kind, String text, List<List<String>> rows, boolean truncated) {
  public static final int MAX_BYTES = 256 * 1024;
  public static final int MAX_ROWS = 100;
  private static final Set<String> TEXT = Set.of("txt", "log", "md", "py", "java", "yaml", "yml", "json", "toml",
      "cfg", "ini", "xml", "html", "sh", "r", "sql", "properties", "csv", "tsv");
  private static final Set<String> TEXT_NAMES = Set.of("MLmodel", "requirements.txt", "MLproject", "Dockerfile",
      "LICENSE", "README");
  // svg is no image here: it can carry script, so it is offered as a download only
  private static final Set<String> IMAGES = Set.of("png", "jpg", "jpeg", "gif");
  private static final ObjectMapper JSON = JsonMapper.builder().build();

  /** Reads what the preview of {@code name} needs from {@code path} in the store. */
  static ArtifactPreview of(ArtifactStore store, String path, String name) {
    int dot = name.lastIndexOf('.');
    String ext = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    if (IMAGES.contains(ext)) {
      return new ArtifactPreview("image", null, List.of(), false);
    }
    if (!TEXT.contains(ext) && !TEXT_NAMES.contains(name)) {
      return new ArtifactPreview("download", null, List.of(), false);
    }
    byte[] bytes;
    boolean truncated;
    try (InputStream in = store.open(path)) {
      byte[] read = in.readNBytes(MAX_BYTES + 1);
      truncated = read.length > MAX_BYTES;
      bytes = truncated ? java.util.Arrays.copyOf(read, MAX_BYTES) : read;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String text = new String(bytes, StandardCharsets.UTF_8);
    if ((ext.equals("csv") || ext.equals("tsv"))) {
      List<List<String>> rows = table(text, ext.equals("tsv") ? '\t' : ',', truncated);
      return new ArtifactPreview("table", null, rows.size() > MAX_ROWS ? rows.subList(0, MAX_ROWS) : rows,
          truncated || rows.size() > MAX_ROWS);
    }
    if (ext.equals("json") && !truncated) {
      try {
        text = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(JSON.readTree(text));
      } catch (IOException e) {
        // not valid JSON: shown as it is
      }
    }
    return new ArtifactPreview("text", text, List.of(), truncated);
  }

  /** RFC 4180 rows (quoted fields, doubled quotes, CRLF or LF); reads one row past the limit to tell truncation. */
  static List<List<String>> table(String text, char separator, boolean cut) {
    List<List<String>> rows = new ArrayList<>();
    List<String> row = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    int i = 0;
    while (i < text.length() && rows.size() <= MAX_ROWS) {
      char c = text.charAt(i++);
      if (quoted) {
        if (c == '"' && i < text.length() && text.charAt(i) == '"') {
          field.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          field.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == separator) {
        row.add(field.toString());
        field.setLength(0);
      } else if (c == '\n' || c == '\r') {
        if (c == '\r' && i < text.length() && text.charAt(i) == '\n') {
          i++;
        }
        row.add(field.toString());
        field.setLength(0);
        rows.add(row);
        row = new ArrayList<>();
      } else {
        field.append(c);
      }
    }
    // a last row without its line end counts, unless the read stopped inside it
    if (rows.size() <= MAX_ROWS && !cut && (field.length() > 0 || !row.isEmpty())) {
      row.add(field.toString());
      rows.add(row);
    }
    return rows;
  }
}
