package dev.cairn.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import org.junit.jupiter.api.Test;

class TrackingValidationTest {
  @Test
  void normalizePathMatchesPosixNormpath() {
    assertThat(TrackingValidation.normalizePath("a/b")).isEqualTo("a/b");
    assertThat(TrackingValidation.normalizePath("a//b/")).isEqualTo("a/b");
    assertThat(TrackingValidation.normalizePath("a/./b")).isEqualTo("a/b");
    assertThat(TrackingValidation.normalizePath("a/../..")).isEqualTo("..");
    assertThat(TrackingValidation.normalizePath("/../a")).isEqualTo("/a");
    assertThat(TrackingValidation.normalizePath("")).isEqualTo(".");
  }

  @Test
  void namesThatAliasOtherPathsAreRejected() {
    for (String bad : new String[] {"a/../b", "./a", "a/", ".", "/a", "..", "a b\tc"}) {
      assertThatThrownBy(() -> TrackingValidation.metricName(bad)).isInstanceOf(CairnException.class)
          .satisfies(e -> assertThat(((CairnException) e).code()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE));
    }
    TrackingValidation.metricName("train/loss.v2-a b");
    TrackingValidation.metricName("génération");
  }

  @Test
  void searchMaxResultsMustBeBetween1And50000() {
    TrackingValidation.searchMaxResults(50000);
    assertThatThrownBy(() -> TrackingValidation.searchMaxResults(50001)).hasMessageContaining("at most 50000");
    assertThatThrownBy(() -> TrackingValidation.searchMaxResults(0)).hasMessageContaining("positive integer");
  }

  @Test
  void aBatchChecksEveryPointsTimestampAndEveryDistinctName() {
    java.util.List<Metric> goodThenBadTimestamp = java.util.List.of(new Metric("loss", 1, 10, 0),
        new Metric("loss", 2, 11, 1), new Metric("loss", 3, -1, 2));
    assertThatThrownBy(() -> TrackingValidation.logBatch(goodThenBadTimestamp, java.util.List.of(), java.util.List.of()))
        .hasMessageContaining("Got invalid timestamp -1 for metric 'loss'");
    java.util.List<Metric> badNameLate = java.util.List.of(new Metric("loss", 1, 10, 0), new Metric("loss", 2, 11, 1),
        new Metric("bad key!", 3, 12, 2));
    assertThatThrownBy(() -> TrackingValidation.logBatch(badNameLate, java.util.List.of(), java.util.List.of()))
        .hasMessageContaining("Invalid metric name: 'bad key!'");
  }
}
