package dev.cairn.data.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.cairn.data.schema.DataType;
import dev.cairn.data.schema.SchemaYaml;
import dev.cairn.data.stats.ColumnProfile.HistogramBin;
import dev.cairn.data.stats.ColumnProfile.QuantileValue;
import dev.cairn.data.table.ReadOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.apache.commons.math3.stat.descriptive.DescriptiveStatistics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProfilerTest {
  @TempDir Path dir;

  private Path write(String name, String text) throws Exception {
    Path file = dir.resolve(name);
    Files.writeString(file, text);
    return file;
  }

  @Test
  void numericStatisticsMatchIndependentExactValues() throws Exception {
    double[] values = {2, 4, 4, 4, 5, 5, 7, 9, 10.5, -3};
    StringBuilder csv = new StringBuilder("x\n");
    for (double v : values) {
      csv.append(v).append('\n');
    }
    Profile p = Profiler.profile(write("n.csv", csv.toString()));
    ColumnProfile x = p.requireColumn("x");
    DescriptiveStatistics exact = new DescriptiveStatistics(values);
    assertThat(p.rowCount()).isEqualTo(10);
    assertThat(x.count()).isEqualTo(10);
    assertThat(x.mean()).isCloseTo(exact.getMean(), within(1e-12));
    assertThat(x.std()).isCloseTo(exact.getStandardDeviation(), within(1e-12));
    assertThat(x.min()).isEqualTo(-3.0);
    assertThat(x.max()).isEqualTo(10.5);
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    // KLL holds all 10 values exactly; INCLUSIVE quantile q is the value at rank ceil(q * n)
    QuantileValue median = x.quantiles().stream().filter(q -> q.q() == 0.5).findFirst().orElseThrow();
    assertThat(median.value()).isEqualTo(sorted[4]);
    assertThat(x.histogram()).hasSize(10);
    assertThat(x.histogram().stream().mapToLong(HistogramBin::count).sum()).isEqualTo(10);
    assertThat(x.distinct()).isEqualTo(7);
    assertThat(p.schema().column("x").orElseThrow().type()).isEqualTo(DataType.FLOAT);
  }

  @Test
  void countsMissingTypesAndTopValues() throws Exception {
    Path file = write("m.csv", "id,colour,flag,when,note\n"
        + "1,red,true,2024-01-01,alpha\n"
        + "2,red,false,2024-01-02T10:00:00Z,beta\n"
        + "3,blue,TRUE,2024-01-03,gamma\n"
        + "4,,true,2023-12-31 23:59:59,delta\n"
        + "5,red,NA,2024-02-01,epsilon\n"
        + "6,blue,false,2024-01-05,zeta\n");
    Profile p = Profiler.profile(file);
    ColumnProfile colour = p.requireColumn("colour");
    assertThat(colour.missing()).isEqualTo(1);
    assertThat(colour.count()).isEqualTo(5);
    assertThat(colour.distinct()).isEqualTo(2);
    assertThat(colour.topValues().get(0)).isEqualTo(new ColumnProfile.ValueCount("red", 3));
    assertThat(p.schema().column("colour").orElseThrow().type()).isEqualTo(DataType.CATEGORICAL);
    assertThat(p.schema().column("colour").orElseThrow().domain()).containsExactly("blue", "red");
    assertThat(p.schema().column("colour").orElseThrow().nullable()).isTrue();
    assertThat(p.schema().column("id").orElseThrow().type()).isEqualTo(DataType.INTEGER);
    assertThat(p.schema().column("id").orElseThrow().nullable()).isFalse();
    assertThat(p.schema().column("flag").orElseThrow().type()).isEqualTo(DataType.BOOLEAN);
    assertThat(p.requireColumn("flag").booleans()).isEqualTo(5);
    assertThat(p.schema().column("when").orElseThrow().type()).isEqualTo(DataType.TIMESTAMP);
    assertThat(p.requireColumn("when").minTimestamp()).isEqualTo("2023-12-31T23:59:59Z");
    assertThat(p.requireColumn("when").maxTimestamp()).isEqualTo("2024-02-01T00:00:00Z");
    assertThat(p.schema().column("note").orElseThrow().type()).isEqualTo(DataType.TEXT);
  }

  @Test
  void declaredSchemaWinsOverInference() throws Exception {
    Path file = write("d.csv", "code,x\n1,a\n2,b\n");
    var declared = SchemaYaml.parse("columns:\n  - name: code\n    type: categorical\n    domain: ['1', '2', '3']\n", "s.yaml");
    Profile p = Profiler.profile(file, ReadOptions.forPath(file), ProfileOptions.DEFAULT.withSchema(declared));
    assertThat(p.schemaDeclared()).isTrue();
    assertThat(p.schema().column("code").orElseThrow().type()).isEqualTo(DataType.CATEGORICAL);
    assertThat(p.schema().column("x")).isPresent();
  }

  @Test
  void jsonLinesColumnFirstSeenLaterCountsEarlierRowsAsMissing() throws Exception {
    Path file = write("j.jsonl", "{\"a\": 1}\n{\"a\": 2}\n{\"a\": 3, \"b\": \"x\"}\n");
    Profile p = Profiler.profile(file);
    assertThat(p.requireColumn("b").missing()).isEqualTo(2);
    assertThat(p.requireColumn("b").count()).isEqualTo(1);
    assertThat(p.requireColumn("a").mean()).isEqualTo(2.0);
  }

  @Test
  void profileSurvivesJsonAndMergesAfterReload() throws Exception {
    Path a = write("a.csv", "x,c\n1,u\n2,v\n3,u\n");
    Path b = write("b.csv", "x,c\n10,w\n20,u\n");
    Profile pa = Profile.fromJson(Profiler.profile(a).toJson());
    Profile pb = Profile.fromJson(Profiler.profile(b).toJson());
    Profile merged = pa.merge(pb);
    Profile whole = Profiler.profile(write("ab.csv", "x,c\n1,u\n2,v\n3,u\n10,w\n20,u\n"));
    assertThat(merged.rowCount()).isEqualTo(5);
    assertThat(merged.requireColumn("x").mean()).isCloseTo(whole.requireColumn("x").mean(), within(1e-12));
    assertThat(merged.requireColumn("x").std()).isCloseTo(whole.requireColumn("x").std(), within(1e-12));
    assertThat(merged.requireColumn("x").max()).isEqualTo(20.0);
    assertThat(merged.requireColumn("c").distinct()).isEqualTo(3);
    assertThat(Sketches.frequencies(merged.requireColumn("c"))).isEqualTo(Map.of("u", 3L, "v", 1L, "w", 1L));
    assertThat(merged.requireColumn("x").quantiles()).isEqualTo(whole.requireColumn("x").quantiles());
    assertThat(merged.schema()).isEqualTo(whole.schema());
  }

  @Test
  void twoThreadProfileEqualsSingleThreadProfile() throws Exception {
    StringBuilder csv = new StringBuilder("a,b,c\n");
    java.util.SplittableRandom r = new java.util.SplittableRandom(1);
    for (int i = 0; i < 5000; i++) {
      csv.append(r.nextGaussian()).append(',').append("k").append(r.nextInt(7)).append(',').append(r.nextInt(100)).append('\n');
    }
    Path file = write("t.csv", csv.toString());
    Profile one = Profiler.profile(file, ReadOptions.forPath(file), ProfileOptions.DEFAULT);
    Profile two = Profiler.profile(file, ReadOptions.forPath(file), ProfileOptions.DEFAULT.withThreads(2));
    assertThat(two.rowCount()).isEqualTo(one.rowCount());
    for (ColumnProfile c : one.columns()) {
      ColumnProfile d = two.requireColumn(c.name());
      assertThat(d.count()).isEqualTo(c.count());
      assertThat(d.distinct()).isEqualTo(c.distinct());
      assertThat(d.topValues()).isEqualTo(c.topValues());
      if (c.mean() != null) {
        assertThat(d.mean()).isCloseTo(c.mean(), within(1e-12));
      }
    }
  }

  @Test
  void twoThreadJsonLinesProfileHandlesColumnsAppearingMidStream() throws Exception {
    StringBuilder jsonl = new StringBuilder();
    for (int i = 0; i < 6000; i++) {
      jsonl.append(i < 3000 ? "{\"a\": " + i + "}\n" : "{\"a\": " + i + ", \"late\": \"v" + (i % 3) + "\"}\n");
    }
    Path file = write("late.jsonl", jsonl.toString());
    Profile two = Profiler.profile(file, ReadOptions.forPath(file), ProfileOptions.DEFAULT.withThreads(2));
    assertThat(two.rowCount()).isEqualTo(6000);
    assertThat(two.requireColumn("late").missing()).isEqualTo(3000);
    assertThat(two.requireColumn("late").count()).isEqualTo(3000);
    assertThat(two.requireColumn("a").max()).isEqualTo(5999.0);
  }

  @Test
  void aProfileStoredWithAKllSketchStillAnswersQuantilesAndMerges() throws Exception {
    StringBuilder csv = new StringBuilder("x\n");
    for (int i = 1; i <= 2000; i++) {
      csv.append(i).append('\n');
    }
    ColumnProfile fresh = Profiler.profile(write("k.csv", csv.toString())).requireColumn("x");
    org.apache.datasketches.kll.KllDoublesSketch kll = org.apache.datasketches.kll.KllDoublesSketch.newHeapInstance(200);
    for (int i = 1; i <= 2000; i++) {
      kll.update(i);
    }
    ColumnProfile.State s = fresh.state();
    // the shape written before issue 6: a KLL sketch and no quantile sketch
    ColumnProfile legacy = new ColumnProfile(fresh.name(), fresh.count(), fresh.missing(), fresh.integers(),
        fresh.floats(), fresh.booleans(), fresh.timestamps(), fresh.strings(), fresh.distinct(), fresh.mean(),
        fresh.std(), fresh.min(), fresh.max(), fresh.quantiles(), fresh.histogram(), fresh.topValues(), null, null,
        new ColumnProfile.State(s.numericN(), s.mean(), s.m2(), s.min(), s.max(), null, s.hll(), s.frequentItems(),
            s.numbers(), null, null, null, kll.toByteArray()));
    Profile old = Profile.fromJson(new Profile(2000, java.util.List.of(legacy), Profiler.profile(
        write("k2.csv", csv.toString())).schema(), false).toJson());
    ColumnProfile x = old.requireColumn("x");
    // KLL's rank error at k = 200 is about 1.3%: 26 of 2,000 ranks
    assertThat(x.quantile(0.9)).isCloseTo(1800, within(40.0));
    assertThat(x.quantile(0)).isEqualTo(1.0);
    assertThat(x.quantile(1)).isEqualTo(2000.0);
    Profile merged = old.merge(Profiler.profile(write("k3.csv", "x\n5000\n")));
    assertThat(merged.requireColumn("x").count()).isEqualTo(2001);
    assertThat(merged.requireColumn("x").quantile(1)).isEqualTo(5000.0);
    assertThat(merged.requireColumn("x").state().kll()).isNull();
    assertThat(merged.requireColumn("x").state().quantiles()).isNotNull();
  }

  @Test
  void inMemoryValuesProfileLikeTheSameValuesReadAsText() throws Exception {
    java.util.Random random = new java.util.Random(5);
    StringBuilder csv = new StringBuilder("n,i,c\n");
    Profiler inMemory = new Profiler(ProfileOptions.DEFAULT);
    java.util.List<String> columns = java.util.List.of("n", "i", "c");
    for (int r = 0; r < 5000; r++) {
      double n = random.nextGaussian() * 100;
      long i = random.nextInt(1000);
      String c = r % 50 == 0 ? null : "abc".substring(r % 3, r % 3 + 1);
      csv.append(n).append(',').append(i).append(',').append(c == null ? "" : c).append('\n');
      inMemory.accept(columns, new Object[] {n, i, c});
    }
    inMemory.accept(columns, new Object[] {Double.NaN, 1, "a"});
    csv.append("NaN,1,a\n");
    Profile read = Profiler.profile(write("m.csv", csv.toString()));
    Profile memory = inMemory.finish();
    assertThat(memory.toJson()).isEqualTo(read.toJson());
    assertThat(memory.requireColumn("n").numericCount()).isEqualTo(5000); // NaN is not a number here, as in a file
    assertThat(memory.requireColumn("c").missing()).isEqualTo(100);
  }
}
