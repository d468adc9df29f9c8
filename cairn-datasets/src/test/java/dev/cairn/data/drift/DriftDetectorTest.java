package dev.cairn.data.drift;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.data.stats.Profile;
import dev.cairn.data.stats.Profiler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DriftDetectorTest {
  @TempDir Path dir;

  /** x ~ N(shift, 1), c in {a,b,c,d} (skewed to 'a' by catShift), flag ~ Bernoulli(0.5 + catShift/2). */
  private Profile sample(String name, int rows, long seed, double shift, double catShift) throws Exception {
    SplittableRandom r = new SplittableRandom(seed);
    StringBuilder csv = new StringBuilder("x,c,flag\n");
    String[] cats = {"a", "b", "c", "d"};
    for (int i = 0; i < rows; i++) {
      String c = r.nextDouble() < catShift ? "a" : cats[r.nextInt(4)];
      csv.append(r.nextGaussian() + shift).append(',').append(c).append(',')
          .append(r.nextDouble() < 0.5 + catShift / 2 ? "true" : "false").append('\n');
    }
    Path file = dir.resolve(name);
    Files.writeString(file, csv);
    return Profiler.profile(file);
  }

  @Test
  void smallSamplesUseKsChiSquaredAndZTestAndStayQuietWithoutShift() throws Exception {
    Profile ref = sample("ref.csv", 500, 1, 0, 0);
    Profile same = sample("same.csv", 500, 2, 0, 0);
    DriftReport report = DriftDetector.compare(ref, same, DriftOptions.DEFAULT);
    assertThat(report.column("x").method()).isEqualTo(DriftMethod.KS);
    assertThat(report.column("c").method()).isEqualTo(DriftMethod.CHI_SQUARED);
    assertThat(report.column("flag").method()).isEqualTo(DriftMethod.Z_TEST);
    assertThat(report.columns()).noneMatch(ColumnDrift::drifted);
    assertThat(report.datasetDrift()).isFalse();
  }

  @Test
  void smallSamplesFireOnShift() throws Exception {
    Profile ref = sample("ref.csv", 500, 1, 0, 0);
    Profile shifted = sample("shifted.csv", 500, 3, 0.5, 0.3);
    DriftReport report = DriftDetector.compare(ref, shifted, DriftOptions.DEFAULT);
    assertThat(report.columns()).allMatch(ColumnDrift::drifted);
    assertThat(report.column("x").pValue()).isLessThan(0.05);
    assertThat(report.datasetDrift()).isTrue();
    assertThat(report.toJson()).contains("\"method\":\"ks\"").contains("\"datasetDrift\":true");
  }

  @Test
  void largeSamplesUseWassersteinAndJensenShannonFromSketches() throws Exception {
    Profile ref = sample("ref.csv", 20_000, 11, 0, 0);
    Profile same = sample("same.csv", 20_000, 12, 0, 0);
    Profile shifted = sample("shifted.csv", 20_000, 13, 0.5, 0.3);
    DriftReport quiet = DriftDetector.compare(ref, same, DriftOptions.DEFAULT);
    assertThat(quiet.column("x").method()).isEqualTo(DriftMethod.WASSERSTEIN);
    assertThat(quiet.column("c").method()).isEqualTo(DriftMethod.JENSEN_SHANNON);
    assertThat(quiet.columns()).noneMatch(ColumnDrift::drifted);
    DriftReport loud = DriftDetector.compare(ref, shifted, DriftOptions.DEFAULT);
    assertThat(loud.column("x").drifted()).isTrue();
    // shift of half a standard deviation: normalised Wasserstein about 0.5
    assertThat(loud.column("x").statistic()).isBetween(0.4, 0.6);
    assertThat(loud.column("c").drifted()).isTrue();
    assertThat(loud.datasetDrift()).isTrue();
  }

  @Test
  void methodThresholdAndDatasetShareAreConfigurable() throws Exception {
    Profile ref = sample("ref.csv", 20_000, 11, 0, 0);
    Profile shifted = sample("shifted.csv", 20_000, 13, 0.5, 0);
    DriftOptions options = DriftOptions.DEFAULT.withMethod("x", DriftMethod.PSI).withThreshold(DriftMethod.JENSEN_SHANNON, 0.9)
        .withDatasetDriftShare(0.9);
    DriftReport report = DriftDetector.compare(ref, shifted, options);
    assertThat(report.column("x").method()).isEqualTo(DriftMethod.PSI);
    assertThat(report.column("x").drifted()).isTrue();
    assertThat(report.column("c").threshold()).isEqualTo(0.9);
    assertThat(report.column("c").drifted()).isFalse();
    assertThat(report.datasetDrift()).isFalse();
    DriftReport ks = DriftDetector.compare(ref, shifted, DriftOptions.DEFAULT.withMethod("x", DriftMethod.KS));
    assertThat(ks.column("x").pValue()).isLessThan(1e-10);
  }

  @Test
  void sketchKsIsCloseToExactKs() throws Exception {
    SplittableRandom r = new SplittableRandom(5);
    double[] a = new double[20_000];
    double[] b = new double[20_000];
    StringBuilder ca = new StringBuilder("x\n");
    StringBuilder cb = new StringBuilder("x\n");
    for (int i = 0; i < a.length; i++) {
      a[i] = r.nextGaussian();
      b[i] = r.nextGaussian() * 1.1 + 0.05;
      ca.append(a[i]).append('\n');
      cb.append(b[i]).append('\n');
    }
    Files.writeString(dir.resolve("a.csv"), ca);
    Files.writeString(dir.resolve("b.csv"), cb);
    DriftOptions ks = DriftOptions.DEFAULT.withMethod("x", DriftMethod.KS);
    ColumnDrift fromSketch = DriftDetector.compare(Profiler.profile(dir.resolve("a.csv")),
        Profiler.profile(dir.resolve("b.csv")), ks).column("x");
    ColumnDrift exact = DriftDetector.numeric("x", a, b, ks);
    assertThat(fromSketch.approximate()).isTrue();
    assertThat(exact.approximate()).isFalse();
    assertThat(Math.abs(fromSketch.statistic() - exact.statistic())).isLessThan(0.03);
  }

  @Test
  void categoricalCountsApiPicksZTestForBinary() {
    ColumnDrift d = DriftDetector.categorical("f", Map.of("y", 50L, "n", 50L), Map.of("y", 30L, "n", 70L), null,
        DriftOptions.DEFAULT, false);
    assertThat(d.method()).isEqualTo(DriftMethod.Z_TEST);
    assertThat(d.drifted()).isTrue();
  }
}
