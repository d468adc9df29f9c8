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

/** Tables between built-in steps: CSV files with a header row. */
final class Tables {
  private Tables() {}

  /** Input {@code name} as a local {@code .csv} file (readers pick the format by the extension). */
  static Path csv(StepContext context, String name) throws IOException {
    Path file = context.workDir().resolve("tables").resolve(name + ".csv");
    if (!Files.exists(file)) {
      Files.createDirectories(file.getParent());
      Files.move(context.inputFile(name), file); // the step's own copy: renamed, not copied again
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

  /**
   * Streams {@code csv} into two files with its header: row i (0 = first data row) to {@code second} when
   * {@code toSecond[i]}, else to {@code first}, each row's text as read. One pass, one row in memory.
   */
  static void partition(Path csv, boolean[] toSecond, Path first, Path second) throws IOException {
    try (CsvReader<CsvRecord> reader = CsvReader.builder().ofCsvRecord(csv);
        CsvWriter a = CsvWriter.builder().lineDelimiter(LineDelimiter.LF).build(first);
        CsvWriter b = CsvWriter.builder().lineDelimiter(LineDelimiter.LF).build(second)) {
      int row = -1;
      for (CsvRecord r : reader) {
        if (row == -1) {
          a.writeRecord(r.getFields());
          b.writeRecord(r.getFields());
        } else if (row >= toSecond.length) {
          throw new IllegalStateException("the table has more CSV rows than its " + toSecond.length + " frame rows");
        } else {
          (toSecond[row] ? b : a).writeRecord(r.getFields());
        }
        row++;
      }
      if (row != toSecond.length) {
        throw new IllegalStateException("the table has " + Math.max(row, 0) + " CSV rows but " + toSecond.length
            + " frame rows");
      }
    }
  }
}
