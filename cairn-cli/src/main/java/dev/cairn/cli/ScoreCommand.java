package dev.cairn.cli;

import de.siegmar.fastcsv.writer.CsvWriter;
import de.siegmar.fastcsv.writer.LineDelimiter;
import dev.cairn.client.CairnClient;
import dev.cairn.core.CairnException;
import dev.cairn.ml.bundle.ModelBundle;
import dev.cairn.ml.train.Predictions;
import dev.cairn.ml.train.Task;
import dev.cairn.serving.protocol.CsvRows;
import dev.cairn.serving.runtime.LoadedModel;
import dev.cairn.serving.runtime.ModelRuntime;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cairn score}: batch scoring of a CSV file with a model bundle, streamed in batches through the same runtime
 * and input checks as online serving. The output has the input's row number (from 1), the prediction and, for
 * classifiers with probabilities, one {@code probability_<class>} column per class. A bad row stops the run with one
 * line naming its line and column; the output is written to a temporary file first, so a failed run leaves none.
 */
@Command(name = "score", description = {"Score a CSV file with a model: a bundle folder, models:/NAME@ALIAS or "
    + "models:/NAME/VERSION (downloaded from the tracking server).",
    "Writes row, prediction and probability_<class> columns; checks every row against the model's input schema."})
final class ScoreCommand implements Callable<Integer> {
  /** Inputs at least this big get a progress bar on stderr. */
  static final long PROGRESS_THRESHOLD_BYTES = 64L << 20;

  @Mixin TrackingServer trackingServer;

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "MODEL", description = "A bundle folder, models:/NAME@ALIAS or models:/NAME/N.")
  String model;

  @Option(names = "--input", paramLabel = "CSV", required = true, description = "The rows to score (header first).")
  Path input;

  @Option(names = "--output", paramLabel = "CSV", required = true, description = "Where to write the predictions.")
  Path output;

  @Option(names = "--batch-size", paramLabel = "N", defaultValue = "1000",
      description = "Rows predicted per call (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Override
  public Integer call() throws IOException {
    if (batchSize < 1 || batchSize > 100_000) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "--batch-size must be between 1 and 100000, got " + batchSize);
    }
    if (!Files.isRegularFile(input)) {
      throw CairnException.notFound("input file " + input + " does not exist");
    }
    Path downloaded = null;
    try {
      Path bundleDir;
      if (model.startsWith("models:/") || model.startsWith("runs:/")) {
        ModelsCommand.checkUri(spec, model);
        CairnClient client = Main.client(spec);
        downloaded = Files.createTempDirectory("cairn-score-");
        bundleDir = findBundle(client.models().downloadVerified(model, downloaded.resolve("model"),
            CairnClient.Progress.NONE).folder(), model);
      } else {
        bundleDir = Path.of(model);
        if (!Files.isDirectory(bundleDir)) {
          throw CairnException.notFound("model " + model + " is neither a bundle folder nor a models:/ URI");
        }
      }
      try (LoadedModel loaded = ModelRuntime.defaults().load(bundleDir)) {
        loaded.warnings().forEach(w -> spec.commandLine().getErr().println("cairn: warning: " + w));
        long rows = score(loaded);
        spec.commandLine().getErr().println("scored " + rows + (rows == 1 ? " row" : " rows") + " with bundle "
            + loaded.id().substring(0, 12) + " into " + output);
        spec.commandLine().getErr().flush();
      }
      return 0;
    } finally {
      if (downloaded != null) {
        deleteTree(downloaded);
      }
    }
  }

  /** The bundle folder in a downloaded model: its root or the one sub-folder holding {@code bundle.json}. */
  static Path findBundle(Path folder, String uri) throws IOException {
    if (Files.isRegularFile(folder.resolve(ModelBundle.MANIFEST_FILE))) {
      return folder;
    }
    try (Stream<Path> found = Files.find(folder, 4, (p, a) -> p.getFileName().toString()
        .equals(ModelBundle.MANIFEST_FILE))) {
      List<Path> manifests = found.toList();
      if (manifests.size() != 1) {
        throw CairnException.invalid("model " + uri + " has " + (manifests.isEmpty() ? "no" : manifests.size())
            + " " + ModelBundle.MANIFEST_FILE + " in its files; cairn score needs exactly one model bundle");
      }
      return manifests.get(0).getParent();
    }
  }

  private long score(LoadedModel loaded) throws IOException {
    Path temp = Files.createTempFile(output.toAbsolutePath().getParent(), ".cairn-score-", ".csv");
    long total = Files.size(input);
    ProgressBar bar = total >= PROGRESS_THRESHOLD_BYTES ? new ProgressBarBuilder().setTaskName("score")
        .setInitialMax(total).setUnit("MiB", 1L << 20).setStyle(ProgressBarStyle.ASCII).showSpeed()
        .setUpdateIntervalMillis(250).setConsumer(new ConsoleProgressBarConsumer(System.err)).build() : null;
    long rows = 0;
    try (Counting in = new Counting(Files.newInputStream(input));
        CsvRows csv = CsvRows.open(new InputStreamReader(in, StandardCharsets.UTF_8), loaded.inputSchema(),
            input.toString());
        Writer out = Files.newBufferedWriter(temp, StandardCharsets.UTF_8);
        CsvWriter writer = CsvWriter.builder().lineDelimiter(LineDelimiter.LF).build(out)) {
      writer.writeRecord(header(loaded));
      List<Map<String, Object>> batch;
      while (!(batch = csv.next(batchSize)).isEmpty()) {
        Predictions p = loaded.predict(batch, i -> input + " line " + csv.lineNumber(i));
        for (int i = 0; i < p.size(); i++) {
          writer.writeRecord(record(p, i, ++rows));
        }
        if (bar != null) {
          bar.stepTo(in.count);
        }
      }
    } catch (RuntimeException | IOException e) {
      Files.deleteIfExists(temp);
      throw e;
    } finally {
      if (bar != null) {
        bar.close();
      }
    }
    Files.move(temp, output, StandardCopyOption.REPLACE_EXISTING);
    return rows;
  }

  private static List<String> header(LoadedModel loaded) {
    List<String> header = new ArrayList<>(List.of("row", "prediction"));
    if (loaded.outputSchema().task() == Task.CLASSIFICATION && loaded.outputSchema().probabilities()) {
      loaded.outputSchema().classes().forEach(c -> header.add("probability_" + c));
    }
    return header;
  }

  private static List<String> record(Predictions p, int i, long row) {
    List<String> record = new ArrayList<>();
    record.add(Long.toString(row));
    if (p.task() == Task.CLASSIFICATION) {
      record.add(p.labels()[i]);
      if (p.hasProbabilities()) {
        for (double v : p.probabilities()[i]) {
          record.add(Double.toString(v));
        }
      }
    } else {
      record.add(Double.toString(p.values()[i]));
    }
    return record;
  }

  static void deleteTree(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // a temporary folder left behind is not worth failing the run for
    }
  }

  /** Counts the bytes read, for the progress bar. */
  private static final class Counting extends FilterInputStream {
    long count;

    Counting(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      count += b < 0 ? 0 : 1;
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      count += Math.max(n, 0);
      return n;
    }
  }
}
