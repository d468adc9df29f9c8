package dev.cairn.data.version;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.CairnException;
import org.junit.jupiter.api.Test;

class DatasetRefTest {
  @Test
  void parsesNameAtNumber() {
    assertThat(DatasetRef.parse("churn@3")).isEqualTo(new DatasetRef("churn", 3));
  }

  @Test
  void bareNameAndLatestMeanTheNewestVersion() {
    assertThat(DatasetRef.parse("churn").isLatest()).isTrue();
    assertThat(DatasetRef.parse("churn@latest")).isEqualTo(DatasetRef.latest("churn"));
    assertThat(DatasetRef.parse("team.churn_v2@LATEST").name()).isEqualTo("team.churn_v2");
  }

  @Test
  void rejectsVersionZeroWords() {
    assertThatThrownBy(() -> DatasetRef.parse("churn@0")).isInstanceOf(CairnException.class)
        .hasMessageContaining("below 1");
    assertThatThrownBy(() -> DatasetRef.parse("churn@three")).hasMessageContaining("whole number");
    assertThatThrownBy(() -> DatasetRef.parse("churn@")).hasMessageContaining("nothing after '@'");
    assertThatThrownBy(() -> DatasetRef.parse("@3")).hasMessageContaining("no name");
    assertThatThrownBy(() -> DatasetRef.parse("a@1@2")).hasMessageContaining("more than one '@'");
    assertThatThrownBy(() -> DatasetRef.parse("")).hasMessageContaining("empty");
  }

  @Test
  void rejectsNamesWithSpacesOrLeadingDots() {
    assertThatThrownBy(() -> DatasetRef.parse("my data")).hasMessageContaining("not allowed");
    assertThatThrownBy(() -> DatasetRef.parse("../x@1")).hasMessageContaining("not allowed");
  }

  @Test
  void printsAsNameAtVersion() {
    assertThat(new DatasetRef("churn", 3)).hasToString("churn@3");
    assertThat(DatasetRef.latest("churn")).hasToString("churn@latest");
  }
}
