package dev.cairn.serving.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class RouteAssignmentTest {
  private static final int KEYS = 20_000;

  /** 1 to 5 weights of 0..100 that sum to 100. */
  @Provide
  Arbitrary<List<Integer>> weights() {
    return Arbitraries.integers().between(1, 5).flatMap(n -> Arbitraries.integers().between(0, 100).list().ofSize(n - 1)
        .map(cuts -> {
          List<Integer> sorted = new ArrayList<>(cuts);
          sorted.add(0);
          sorted.add(100);
          sorted.sort(null);
          List<Integer> w = new ArrayList<>();
          for (int i = 1; i < sorted.size(); i++) {
            w.add(sorted.get(i) - sorted.get(i - 1));
          }
          return w;
        }));
  }

  @Property(tries = 50)
  void stickyKeysSpreadLikeTheWeights(@ForAll("weights") List<Integer> weights, @ForAll long salt) {
    RouteAssignment a = RouteAssignment.of(weights);
    int[] counts = new int[weights.size()];
    for (int i = 0; i < KEYS; i++) {
      counts[a.pick("user-" + salt + "-" + i)]++;
    }
    for (int r = 0; r < weights.size(); r++) {
      double share = 100.0 * counts[r] / KEYS;
      // 20,000 keys: one standard deviation is at most 0.35 points; 2 points is far beyond chance
      assertThat(share).as("share of route %d with weight %d in %s", r, weights.get(r), weights)
          .isCloseTo(weights.get(r), org.assertj.core.data.Offset.offset(2.0));
      if (weights.get(r) == 0) {
        assertThat(counts[r]).isZero();
      }
    }
  }

  @Property(tries = 50)
  void randomPicksSpreadLikeTheWeights(@ForAll("weights") List<Integer> weights, @ForAll long seed) {
    RouteAssignment a = RouteAssignment.of(weights);
    SplittableRandom random = new SplittableRandom(seed);
    int[] counts = new int[weights.size()];
    for (int i = 0; i < KEYS; i++) {
      counts[a.pick(random)]++;
    }
    for (int r = 0; r < weights.size(); r++) {
      assertThat(100.0 * counts[r] / KEYS).isCloseTo(weights.get(r), org.assertj.core.data.Offset.offset(2.0));
    }
  }

  @Property
  void aStickyKeyAlwaysGetsTheSameRouteWhileWeightsStay(@ForAll("weights") List<Integer> weights,
      @ForAll @StringLength(max = 40) String key) {
    int first = RouteAssignment.of(weights).pick(key);
    for (int i = 0; i < 5; i++) {
      assertThat(RouteAssignment.of(weights).pick(key)).isEqualTo(first);
    }
    assertThat(weights.get(first)).isPositive();
  }

  @Property
  void movingWeightFromOneRouteToTheNextOnlyMovesKeysBetweenThem(@ForAll @AlphaChars @StringLength(min = 1, max = 20)
      String key, @ForAll("split") int[] split) {
    // a canary ramp: 90/10 -> 70/30 keeps every key of the second route there
    int before = RouteAssignment.of(List.of(split[0], 100 - split[0])).pick(key);
    int after = RouteAssignment.of(List.of(split[1], 100 - split[1])).pick(key);
    if (before == 1) {
      assertThat(after).isEqualTo(1);
    }
  }

  @Provide
  Arbitrary<int[]> split() {
    return Combinators.combine(Arbitraries.integers().between(0, 100), Arbitraries.integers().between(0, 100))
        .as((a, b) -> new int[] {Math.max(a, b), Math.min(a, b)});
  }

  @Test
  void bucketsAreFixed() {
    // pinned: a change of the hash would move every sticky user to another route
    assertThat(RouteAssignment.bucket("alice")).isEqualTo(RouteAssignment.bucket("alice"));
    assertThat(List.of(RouteAssignment.bucket(""), RouteAssignment.bucket("alice"), RouteAssignment.bucket("bob")))
        .containsExactly(3, 72, 64);
  }

  @Test
  void aSingleRouteTakesEverythingAndBadWeightsAreRefused() {
    RouteAssignment one = RouteAssignment.of(List.of(30));
    assertThat(one.pick("x")).isZero();
    assertThat(one.pick(new SplittableRandom(1))).isZero();
    assertThatThrownBy(() -> RouteAssignment.of(List.of(50, 40))).hasMessageContaining("sum to 100");
    assertThatThrownBy(() -> RouteAssignment.of(List.of())).hasMessageContaining("at least one");
  }
}
