package dev.cairn.data.table;

import dev.cairn.core.CairnException;
import java.nio.file.Path;
import java.util.Locale;

/** The text table formats Cairn reads: delimited text with a header row, and JSON Lines (one object per line). */
public enum TableFormat {
  CSV,
  TSV,
  JSONL;

  /** Picks the format from the file name: .csv, .tsv/.tab, .jsonl/.ndjson (optionally none of them compressed). */
  public static TableFormat fromPath(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".csv")) {
      return CSV;
    }
    if (name.endsWith(".tsv") || name.endsWith(".tab")) {
      return TSV;
    }
    if (name.endsWith(".jsonl") || name.endsWith(".ndjson")) {
      return JSONL;
    }
    throw CairnException.invalid("file '" + file + "' has an unknown table format; known extensions are .csv, .tsv, .tab, .jsonl, .ndjson");
  }
}
