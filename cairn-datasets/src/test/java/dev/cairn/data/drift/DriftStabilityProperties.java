package dev.cairn.data.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.cairn.data.stats.Profile;
import dev.cairn.data.stats.ProfileOptions;
import dev.cairn.data.stats.Profiler;
import dev.cairn.data.table.ReadOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Issue 6 item 6: the same bytes give the same profile and drift, whichever way the table was split into merged
 * parts or profiled (one thread or two), and the distances from profiles agree with the exact ones from the raw
 * values to the third decimal.
 */
class DriftStabilityProperties {
  private static final String HEADER = "id,x,charges,tenure,plan\n";

  /** 50,000 rows: x ~ N(50, 10) (continuous), charges uniform 20-120 in cents, tenure 0-71, plan of three. */
  private static List<String> rows(long seed, int n) {
    SplittableRandom r = new SplittableRandom(seed);
    String[] plans = {"monthly", "one_year", "two_year"};
    List<String> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      double x = 50 + 10 * r.nextGaussian();
      double charges = Math.round((20 + r.nextDouble() * 100) * 100) / 100.0;
      out.add((i + 1) + "," + x + "," + charges + "," + r.nextInt(72) + "," + plans[r.nextInt(3)] + "\n");
    }
    return out;
  }

  private static Profile profile(List<String> rows, int from, int to, int threads) throws Exception {
    StringBuilder csv = new StringBuilder(HEADER);
    for (int i = from; i < to; i++) {
      csv.append(rows.get(i));
    }
    Path file = Files.createTempFile("cairn-drift", ".csv");
    try {
      Files.writeString(file, csv);
      return Profiler.profile(file, ReadOptions.forPath(file), ProfileOptions.DEFAULT.withThreads(threads));
    } finally {
      Files.delete(file);
    }
  }

  private static Profile chunked(List<String> rows, int chunk) throws Exception {
    Profile merged = null;
    for (int from = 0; from < rows.size(); from += chunk) {
      Profile part = Profile.fromJson(profile(rows, from, Math.min(rows.size(), from + chunk), 1).toJson());
      merged = merged == null ? part : merged.merge(part);
    }
    return merged;
  }

  private static double[] column(List<String> rows, int index) {
    return rows.stream().mapToDouble(line -> Double.parseDouble(line.split(",")[index])).toArray();
  }

  @Property(tries = 6)
  void sameBytesGiveTheSameProfileJsonWithOneOrTwoThreads(@ForAll long seed) throws Exception {
    List<String> rows = rows(seed, 50_000);
    String once = profile(rows, 0, rows.size(), 1).toJson();
    assertThat(profile(rows, 0, rows.size(), 1).toJson()).isEqualTo(once);
    assertThat(profile(rows, 0, rows.size(), 2).toJson()).isEqualTo(once);
  }

  @Property(tries = 8)
  void distancesDoNotDependOnChunkingAndMatchExactOnesToTheThirdDecimal(@ForAll long seed,
      @ForAll @IntRange(min = 997, max = 30_000) int chunk) throws Exception {
    List<String> reference = rows(seed, 50_000);
    List<String> current = rows(seed + 1, 50_000);
    Profile ref = profile(reference, 0, reference.size(), 1);
    Profile cur = profile(current, 0, current.size(), 2);
    DriftReport whole = DriftDetector.compare(ref, cur, DriftOptions.DEFAULT);
    DriftReport split = DriftDetector.compare(chunked(reference, chunk), chunked(current, chunk), DriftOptions.DEFAULT);

    assertThat(chunked(reference, chunk).requireColumn("x").state().quantiles())
        .isEqualTo(ref.requireColumn("x").state().quantiles());
    // 5,000 distinct ids fit the exact limit: exact, however the rows were split
    assertThat(chunked(reference.subList(0, 5000), chunk / 10).requireColumn("id").distinct()).isEqualTo(5000);
    for (ColumnDrift d : whole.columns()) {
      ColumnDrift s = split.column(d.column());
      assertThat(s.method()).isEqualTo(d.method());
      assertThat(s.drifted()).isEqualTo(d.drifted());
      // moments are re-associated by the merge, so the std dividing Wasserstein may move in the last bits
      assertThat(s.statistic()).as(d.column()).isCloseTo(d.statistic(), within(1e-9));
    }
    for (String name : List.of("x", "charges")) {
      int index = name.equals("x") ? 1 : 2;
      double[] a = column(reference, index);
      double[] b = column(current, index);
      ColumnDrift exact = DriftDetector.numeric(name, a, b, DriftOptions.DEFAULT);
      double exactW = DriftStatistics.wasserstein(a, b) / ref.requireColumn(name).std();
      assertThat(whole.column(name).method()).isEqualTo(DriftMethod.WASSERSTEIN);
      assertThat(whole.column(name).statistic()).as(name).isCloseTo(exactW, within(5e-4));
      assertThat(exact.drifted()).isEqualTo(whole.column(name).drifted());
      double exactKs = DriftStatistics.ksStatistic(a, b);
      assertThat(DriftDetector.compare(ref, cur, DriftOptions.DEFAULT.withMethod(name, DriftMethod.KS))
          .column(name).statistic()).as(name + " KS").isCloseTo(exactKs, within(5e-4));
    }
  }
}
