package dev.cairn.ml.split;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.ml.frame.Frame;
import dev.cairn.ml.frame.NumericColumn;
import dev.cairn.ml.frame.StringColumn;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class SplitProperties {
  private static Frame frame(List<Integer> classes) {
    String[] labels = classes.stream().map(c -> c < 0 ? null : "c" + c).toArray(String[]::new);
    double[] x = IntStream.range(0, labels.length).mapToDouble(i -> i).toArray();
    return new Frame(List.of(new NumericColumn("x", x), new StringColumn("label", labels)));
  }

  @Property(tries = 300)
  void stratifiedSplitsAreDisjointCompleteAndKeepEachClassShareWithinOneRow(
      @ForAll @Size(min = 1, max = 400) List<@IntRange(min = -1, max = 4) Integer> classes,
      @ForAll @DoubleRange(min = 0.0, max = 0.6) double test, @ForAll @DoubleRange(min = 0.0, max = 0.3) double validation,
      @ForAll long seed) {
    Frame f = frame(classes);
    SplitIndices s = Splitter.split(f, new SplitSpec(test, validation, seed, "label"));
    int[] all = IntStream.concat(IntStream.concat(Arrays.stream(s.train()), Arrays.stream(s.validation())),
        Arrays.stream(s.test())).sorted().toArray();
    assertThat(all).isEqualTo(IntStream.range(0, classes.size()).toArray());
    Map<Integer, Integer> total = new HashMap<>();
    Map<Integer, Integer> inTest = new HashMap<>();
    Map<Integer, Integer> inValidation = new HashMap<>();
    classes.forEach(c -> total.merge(c, 1, Integer::sum));
    Arrays.stream(s.test()).forEach(i -> inTest.merge(classes.get(i), 1, Integer::sum));
    Arrays.stream(s.validation()).forEach(i -> inValidation.merge(classes.get(i), 1, Integer::sum));
    total.forEach((c, n) -> {
      assertThat((double) inTest.getOrDefault(c, 0)).isCloseTo(n * test, org.assertj.core.data.Offset.offset(1.0));
      assertThat((double) inValidation.getOrDefault(c, 0)).isCloseTo(n * validation,
          org.assertj.core.data.Offset.offset(1.0));
    });
  }

  @Property(tries = 200)
  void theSameSeedAndDataGiveTheSameRows(@ForAll @Size(max = 300) List<@IntRange(min = 0, max = 3) Integer> classes,
      @ForAll long seed, @ForAll boolean stratify) {
    Frame f = frame(classes);
    SplitSpec spec = new SplitSpec(0.25, 0.1, seed, stratify ? "label" : null);
    SplitIndices a = Splitter.split(f, spec);
    SplitIndices b = Splitter.split(frame(List.copyOf(classes)), spec);
    assertThat(a.train()).isEqualTo(b.train());
    assertThat(a.validation()).isEqualTo(b.validation());
    assertThat(a.test()).isEqualTo(b.test());
    assertThat(a.rowCount()).isEqualTo(classes.size());
  }

  @Test
  void anotherSeedChoosesOtherRowsAndPartsMaterialiseAsFrames() {
    Frame f = frame(IntStream.range(0, 1000).map(i -> i % 2).boxed().toList());
    SplitIndices a = Splitter.split(f, SplitSpec.trainTest(0.2, 1, "label"));
    SplitIndices b = Splitter.split(f, SplitSpec.trainTest(0.2, 2, "label"));
    assertThat(a.test()).hasSize(200).isNotEqualTo(b.test());
    Frame test = a.test(f);
    assertThat(test.rowCount()).isEqualTo(200);
    assertThat(test.numeric("x")).isSorted();
    assertThat(Arrays.stream(test.strings("label")).filter("c1"::equals).count()).isEqualTo(100);
  }

  @Test
  void specRejectsFractionsThatLeaveNoTrainingRows() {
    assertThatThrownBy(() -> new SplitSpec(0.7, 0.3, 1, null)).hasMessageContaining("must be below 1");
    assertThatThrownBy(() -> new SplitSpec(-0.1, 0, 1, null)).hasMessageContaining("'test_fraction' is -0.1");
    assertThatThrownBy(() -> Splitter.split(frame(List.of(1)), SplitSpec.trainTest(0.2, 1, "nope")))
        .hasMessageContaining("'nope'");
  }
}
