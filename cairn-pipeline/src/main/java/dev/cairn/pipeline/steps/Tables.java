package dev.cairn.pipeline.steps;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import de.siegmar.fastcsv.writer.CsvWriter;
import de.siegmar.fastcsv.writer.LineDelimiter;
import dev.cairn.core.CairnException;
import dev.cairn.ml.frame.ColumnType;
import dev.cairn.ml.frame.Frame;
import dev.cairn.ml.train.Task;
import java.util.Map;
import dev.cairn.pipeline.StepContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Tables between built-in steps: CSV files with a header row. */
final class Tables {
  private Tables() {}

  /** Input {@code name} as a local {@code .csv} file (readers pick the format by the extension). */
  static Path csv(StepContext context, String name) throws IOException {
    Path file = context.workDir().resolve("tables").resolve(name + ".csv");
    if (!Files.exists(file)) {
      Files.createDirectories(file.getParent());
      Files.copy(context.inputFile(name), file);
    }
    return file;
  }

  static Frame frame(StepContext context, String name) throws IOException {
    return Frame.read(csv(context, name));
  }

  /**
   * A table with its label column: read as categories for classification (a 0/1 column's classes are "0" and "1",
   * as written), as numbers for regression; a missing label column is an error naming the columns there are.
   */
  static Frame withLabel(Path csv, String label, Task task) {
    Frame frame = task == Task.CLASSIFICATION ? Frame.read(csv, Map.of(label, ColumnType.CATEGORICAL))
        : Frame.read(csv);
    if (!frame.columnNames().contains(label)) {
      throw CairnException.invalid("label column '" + label + "' is not in the table; its columns: "
          + String.join(", ", frame.columnNames()));
    }
    return frame;
  }

  /** The header and every row of a CSV file, as written. */
  static List<List<String>> records(Path csv) throws IOException {
    List<List<String>> rows = new ArrayList<>();
    try (CsvReader<CsvRecord> reader = CsvReader.builder().ofCsvRecord(csv)) {
      reader.stream().forEach(r -> rows.add(r.getFields()));
    }
    if (rows.isEmpty()) {
      throw CairnException.invalid("table " + csv.getFileName() + " is empty: it needs a header row");
    }
    return rows;
  }

  /** Writes the header and the rows at {@code indexes} (0 = first data row) in that order. */
  static void write(Path target, List<List<String>> records, int[] indexes) throws IOException {
    try (CsvWriter out = CsvWriter.builder().lineDelimiter(LineDelimiter.LF).build(target)) {
      out.writeRecord(records.get(0));
      for (int i : indexes) {
        out.writeRecord(records.get(i + 1));
      }
    }
  }
}
