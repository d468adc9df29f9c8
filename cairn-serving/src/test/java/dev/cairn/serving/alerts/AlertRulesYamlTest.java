package dev.cairn.serving.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.CairnException;
import dev.cairn.serving.alerts.AlertRule.NotifyTarget;
import java.util.List;
import org.junit.jupiter.api.Test;

class AlertRulesYamlTest {
  static String error(String yaml) {
    try {
      AlertRulesYaml.parse("rules.yaml", yaml);
    } catch (CairnException e) {
      return e.getMessage();
    }
    throw new AssertionError("no error for:\n" + yaml);
  }

  @Test
  void aRulesFileReadsIntoRulesWithDefaults() {
    List<AlertRule> rules = AlertRulesYaml.parse("rules.yaml", """
        rules:
          - name: tenure-drift
            deployment: churn-api
            condition: psi(tenure) > 0.25
            window_minutes: 15
            severity: CRITICAL
            notify:
              - webhook: team-chat
                format: slack
              - webhook: ops
          - name: wrong
            condition: accuracy < 0.8 over 3 windows
        """);
    assertThat(rules).containsExactly(
        new AlertRule("tenure-drift", "churn-api", "psi(tenure) > 0.25", 15, "critical",
            List.of(new NotifyTarget("team-chat", "slack"), new NotifyTarget("ops", "cairn")), null),
        new AlertRule("wrong", "*", "accuracy < 0.8 over 3 windows", 60, "warning", List.of(), null));
    assertThat(rules.get(1).parsedCondition().windowsNeeded()).isEqualTo(3);
  }

  @Test
  void errorsNameTheFileTheLineAndTheKey() {
    assertThat(error("""
        rules:
          - name: a
            condition: drift_share >> 0.3
        """)).startsWith("rules.yaml line 3, key 'rules[0].condition': field 'condition': ")
        .contains("at character 14");
    assertThat(error("""
        rules:
          - name: a
            condition: p99_ms > 1
          - name: b
            condtion: p99_ms > 1
        """)).startsWith("rules.yaml line 5, key 'rules[1].condtion': unknown key");
    assertThat(error("""
        rules:
          - name: a
            condition: p99_ms > 1
            window_minutes: 2000
        """)).startsWith("rules.yaml line 4, key 'rules[0].window_minutes': field 'window_minutes' is 2000");
    assertThat(error("""
        rules:
          - name: a
            condition: p99_ms > 1
            window_minutes: five
        """)).startsWith("rules.yaml line 4, key 'rules[0].window_minutes': window_minutes is a whole number");
    assertThat(error("""
        rules:
          - name: a
            condition: p99_ms > 1
            notify:
              - webhook: x
                format: teams
        """)).startsWith("rules.yaml line 6, key 'rules[0].notify[0].format': field 'notify.format' is 'teams'");
    assertThat(error("""
        rules:
          - name: a
            condition: p99_ms > 1
          - name: a
            condition: p99_ms > 2
        """)).startsWith("rules.yaml line 4, key 'rules[1].name': rule 'a' is also rules[0]");
    assertThat(error("rules: [\n")).startsWith("rules.yaml line ").contains("not valid YAML");
    assertThat(error("alerts: []\n")).startsWith("rules.yaml line 1, key 'rules': a rules file is a mapping");
    assertThat(error("""
        rules:
          - name: a
            condition: accuracy < baseline - 0.01
        """)).contains("key 'rules[0].condition'").contains("no baseline");
  }

  @Test
  void aRuleRefusesBadNamesSeveritiesAndDuplicateTargets() {
    assertThatThrownBy(() -> new AlertRule("a b", null, "p99_ms > 1", 5, null, List.of(), null))
        .hasMessageContaining("field 'name' value 'a b'");
    assertThatThrownBy(() -> new AlertRule("a", null, "p99_ms > 1", 5, "loud", List.of(), null))
        .hasMessageContaining("field 'severity' is 'loud'");
    assertThatThrownBy(() -> new AlertRule("a", null, "p99_ms > 1", 5, null,
        List.of(new NotifyTarget("x", null), new NotifyTarget("x", "slack")), null))
        .hasMessageContaining("names webhook 'x' twice");
  }
}
