package dev.cairn.bench;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import dev.cairn.data.drift.DriftDetector;
import dev.cairn.data.expect.ExpectationSuite;
import dev.cairn.data.expect.Suggest;
import dev.cairn.data.expect.ValidationReport;
import dev.cairn.data.expect.Validator;
import dev.cairn.data.drift.DriftOptions;
import dev.cairn.data.drift.DriftReport;
import dev.cairn.data.stats.Profile;
import dev.cairn.data.stats.ProfileOptions;
import dev.cairn.data.stats.Profiler;
import dev.cairn.data.table.ReadOptions;
import dev.cairn.data.table.TableFormat;
import dev.cairn.data.table.TableReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Profiling and drift cost on a generated 1,000,000-row x 20-column CSV (12 numeric, 8 categorical), compared
 * with the floor: FastCSV parsing plus Double.parseDouble of the numeric fields.
 * Parse, read and profile run three interleaved rounds and the best of each is compared, so load from other
 * processes skews both sides alike. Run:
 * {@code mvn -o -q -pl bench compile dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt} then
 * {@code java -Xmx2g -cp bench/target/classes:$(cat /tmp/cp.txt) dev.cairn.bench.DataBench [rows]}.
 */
public final class DataBench {
  private static final int NUMERIC = 12;
  private static final int CATEGORICAL = 8;

  public static void main(String[] args) throws IOException {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    Path dir = Files.createTempDirectory("cairn-databench");
    Path current = dir.resolve("current.csv");
    Path reference = dir.resolve("reference.csv");
    try {
      generate(current, rows, 42, 0.0);
      generate(reference, rows, 7, 0.0);
      System.out.printf(Locale.ROOT, "data: %,d rows x %d columns, %.1f MB%n", rows, NUMERIC + CATEGORICAL,
          Files.size(current) / 1e6);
      // warm up both paths once on the reference file
      parseOnly(reference);
      Profiler.profile(reference, ReadOptions.of(TableFormat.CSV), ProfileOptions.DEFAULT);

      // three interleaved rounds, best of each, so load from other processes skews both sides alike
      double parseS = Double.MAX_VALUE;
      double readS = Double.MAX_VALUE;
      double[] profileS = {Double.MAX_VALUE, Double.MAX_VALUE};
      double parseCpu = Double.MAX_VALUE;
      double profileCpu = Double.MAX_VALUE;
      java.lang.management.ThreadMXBean cpu = java.lang.management.ManagementFactory.getThreadMXBean();
      Profile profile = null;
      long t0;
      for (int round = 1; round <= 3; round++) {
        long c0 = cpu.getCurrentThreadCpuTime();
        t0 = System.nanoTime();
        double sink = parseOnly(current);
        double s = (System.nanoTime() - t0) / 1e9;
        parseS = Math.min(parseS, s);
        parseCpu = Math.min(parseCpu, (cpu.getCurrentThreadCpuTime() - c0) / 1e9);
        System.out.printf(Locale.ROOT, "round %d parse only (FastCSV + Double.parseDouble): %.2f s, %,.0f rows/s (sink %.1f)%n",
            round, s, rows / s, sink);
        t0 = System.nanoTime();
        long read;
        try (TableReader reader = TableReader.open(current)) {
          read = reader.forEach(row -> { });
        }
        s = (System.nanoTime() - t0) / 1e9;
        readS = Math.min(readS, s);
        System.out.printf(Locale.ROOT, "round %d read only (TableReader, no number parsing): %.2f s for %,d rows%n", round, s, read);
        for (int threads = 1; threads <= 2; threads++) {
          long c1 = cpu.getCurrentThreadCpuTime();
          t0 = System.nanoTime();
          profile = Profiler.profile(current, ReadOptions.of(TableFormat.CSV), ProfileOptions.DEFAULT.withThreads(threads));
          s = (System.nanoTime() - t0) / 1e9;
          if (threads == 1) {
            profileCpu = Math.min(profileCpu, (cpu.getCurrentThreadCpuTime() - c1) / 1e9);
          }
          profileS[threads - 1] = Math.min(profileS[threads - 1], s);
          System.out.printf(Locale.ROOT, "round %d profile, %d thread(s): %.2f s, %,.0f rows/s%n", round, threads, s, rows / s);
        }
      }
      System.out.printf(Locale.ROOT, "BEST parse %.2f s (%,.0f rows/s), read %.2f s, profile 1 thread %.2f s (%,.0f rows/s, ratio %.2f),"
          + " profile 2 threads %.2f s (ratio %.2f)%n", parseS, rows / parseS, readS, profileS[0], rows / profileS[0],
          profileS[0] / parseS, profileS[1], profileS[1] / parseS);
      System.out.printf(Locale.ROOT, "BEST CPU time (less sensitive to other load): parse %.2f s, profile 1 thread %.2f s, ratio %.2f%n",
          parseCpu, profileCpu, profileCpu / parseCpu);
      Profile ref = Profiler.profile(reference, ReadOptions.of(TableFormat.CSV), ProfileOptions.DEFAULT.withThreads(2));
      System.out.printf(Locale.ROOT, "profile JSON: %,d bytes%n", profile.toJson().length());

      DriftReport report = null;
      for (int i = 0; i < 3; i++) {
        t0 = System.nanoTime();
        report = DriftDetector.compare(ref, profile, DriftOptions.DEFAULT);
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "drift from profiles, 20 columns x %,d rows (run %d): %.3f s, %d drifted%n",
            rows, i + 1, s, report.driftedColumns());
      }
      ExpectationSuite suite = Suggest.fromProfile(profile);
      t0 = System.nanoTime();
      ValidationReport validation = new Validator(suite).validate(current);
      double validateS = (System.nanoTime() - t0) / 1e9;
      System.out.printf(Locale.ROOT, "validate %d suggested expectations: %.2f s, %,.0f rows/s, success %s%n",
          suite.expectations().size(), validateS, rows / validateS, validation.success());
      Path shifted = dir.resolve("shifted.csv");
      generate(shifted, rows, 43, 0.5);
      Profile shiftedProfile = Profiler.profile(shifted, ReadOptions.of(TableFormat.CSV), ProfileOptions.DEFAULT.withThreads(2));
      t0 = System.nanoTime();
      report = DriftDetector.compare(ref, shiftedProfile, DriftOptions.DEFAULT);
      System.out.printf(Locale.ROOT, "drift vs shifted data: %.3f s, %d of %d columns drifted, dataset drift %s%n",
          (System.nanoTime() - t0) / 1e9, report.driftedColumns(), report.columns().size(), report.datasetDrift());
    } finally {
      Files.deleteIfExists(current);
      Files.deleteIfExists(reference);
      Files.deleteIfExists(dir.resolve("shifted.csv"));
      Files.deleteIfExists(dir);
    }
  }

  private static double parseOnly(Path file) throws IOException {
    double sum = 0;
    try (CsvReader<CsvRecord> reader = CsvReader.builder().ofCsvRecord(file)) {
      boolean header = true;
      for (CsvRecord r : reader) {
        if (header) {
          header = false;
          continue;
        }
        for (int i = 0; i < NUMERIC; i++) {
          sum += Double.parseDouble(r.getField(i));
        }
      }
    }
    return sum;
  }

  /** Seeded data; {@code shift} moves numeric means by that many standard deviations and skews categories. */
  static void generate(Path file, int rows, long seed, double shift) throws IOException {
    SplittableRandom random = new SplittableRandom(seed);
    String[][] categories = new String[CATEGORICAL][];
    for (int c = 0; c < CATEGORICAL; c++) {
      int size = 2 + c * 4;
      categories[c] = new String[size];
      for (int v = 0; v < size; v++) {
        categories[c][v] = "cat" + c + "_value" + v;
      }
    }
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      StringBuilder line = new StringBuilder(256);
      for (int i = 0; i < NUMERIC; i++) {
        line.append("num").append(i).append(',');
      }
      for (int c = 0; c < CATEGORICAL; c++) {
        line.append("cat").append(c).append(c == CATEGORICAL - 1 ? "\n" : ",");
      }
      w.append(line);
      for (int r = 0; r < rows; r++) {
        line.setLength(0);
        for (int i = 0; i < NUMERIC; i++) {
          if (i % 3 == 0) {
            line.append(random.nextInt(1000) + (int) (shift * 300));
          } else {
            double v = (gaussian(random) + shift) * (i + 1) * 10;
            line.append(Math.round(v * 1000) / 1000.0);
          }
          line.append(',');
        }
        for (int c = 0; c < CATEGORICAL; c++) {
          String[] values = categories[c];
          int k = random.nextInt(values.length);
          if (shift > 0 && random.nextDouble() < shift) {
            k = 0;
          }
          line.append(values[k]).append(c == CATEGORICAL - 1 ? '\n' : ',');
        }
        w.append(line);
      }
    }
  }

  private static double gaussian(SplittableRandom random) {
    double u = random.nextDouble();
    double v = random.nextDouble();
    return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
  }
}
