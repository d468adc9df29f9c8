package dev.cairn.serving.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.core.Json;
import dev.cairn.data.drift.DriftOptions;
import dev.cairn.data.stats.Profile;
import dev.cairn.data.stats.Profiler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PSI per input feature in every window, against the bundle's reference, by the drift library's PSI. */
class MonitorWindowPsiTest {
  @TempDir
  Path dir;

  Profile reference() throws IOException {
    Random random = new Random(1);
    StringBuilder csv = new StringBuilder("tenure,charges,contract,churn\n");
    for (int i = 0; i < 5000; i++) {
      Map<String, Object> c = MonitorWindowTest.customer(random, 0);
      csv.append(((Double) c.get("tenure")).longValue()).append(',').append(c.get("charges")).append(',')
          .append(c.get("contract")).append(',').append(MonitorWindowTest.churn(random)).append('\n');
    }
    Path file = dir.resolve("train.csv");
    Files.writeString(file, csv);
    return Profile.fromJson(Profiler.profile(file).toJson());
  }

  MonitorWindow window(Profile reference, int tenureShift) {
    return MonitorWindow.compute(MonitorWindowTest.INPUTS, MonitorWindowTest.OUTPUT, reference, "churn-live", "churn",
        1, 0, 60_000, MonitorWindowTest.traffic(2000, 2, tenureShift), DriftOptions.DEFAULT);
  }

  @Test
  void psiIsSmallOnTheSameDistributionAndLargeForTheShiftedFeatureOnly() throws IOException {
    Profile reference = reference();
    MonitorWindow same = window(reference, 0);
    assertThat(same.psi()).containsOnlyKeys("charges", "contract", "tenure");
    assertThat(same.psi().values()).allSatisfy(v -> assertThat(v).isBetween(0.0, 0.05));

    MonitorWindow shifted = window(reference, 30);
    assertThat(shifted.psi().get("tenure")).as("30 more months of tenure").isGreaterThan(1.0);
    assertThat(shifted.psi().get("charges")).isLessThan(0.05);
    assertThat(shifted.psi().get("contract")).isLessThan(0.05);
    // the drift verdicts still come from the default tests; PSI is an extra figure
    assertThat(shifted.drift().column("tenure").method().id()).isNotEqualTo("psi");
  }

  @Test
  void psiSurvivesJsonAndAnOldStoredWindowReadsWithAnEmptyMap() throws IOException {
    MonitorWindow w = window(reference(), 30);
    JsonNode json = Json.MAPPER.valueToTree(w);
    assertThat(json.at("/psi/tenure").asDouble()).isCloseTo(w.psi().get("tenure"), within(1e-12));
    MonitorWindow back = Json.MAPPER.convertValue(json, MonitorWindow.class);
    assertThat(back.psi()).isEqualTo(w.psi());
    assertThat(back).usingRecursiveComparison().isEqualTo(w);

    ((com.fasterxml.jackson.databind.node.ObjectNode) json).remove("psi");
    assertThat(Json.MAPPER.convertValue(json, MonitorWindow.class).psi()).isNotNull().isEmpty();
  }

  @Test
  void withoutReferenceOrRowsThePsiMapIsEmptyNeverNull() throws IOException {
    assertThat(MonitorWindow.compute(MonitorWindowTest.INPUTS, MonitorWindowTest.OUTPUT, null, "d", "m", 1, 0, 1,
        MonitorWindowTest.traffic(10, 1, 0), DriftOptions.DEFAULT).psi()).isEmpty();
    assertThat(MonitorWindow.compute(MonitorWindowTest.INPUTS, MonitorWindowTest.OUTPUT, reference(), "d", "m", 1, 0, 1,
        List.of(), DriftOptions.DEFAULT).psi()).isEmpty();
  }
}
