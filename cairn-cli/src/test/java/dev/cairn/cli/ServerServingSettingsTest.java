package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.CairnException;
import dev.cairn.server.deployments.ServingSettings;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code cairn server}'s serving settings: flags, else their CAIRN_SERVER_* variables, else the defaults. */
class ServerServingSettingsTest {
  static ServingSettings parse(Map<String, String> env, String... args) {
    CommandLine cl = Main.commandLine(env);
    String[] all = new String[args.length + 1];
    all[0] = "server";
    System.arraycopy(args, 0, all, 1, args.length);
    CommandLine.ParseResult parsed = cl.parseArgs(all);
    return ((ServerCommand) parsed.subcommand().commandSpec().userObject()).servingSettings();
  }

  @Test
  void flagsWinOverVariablesWhichWinOverDefaults() {
    ServingSettings s = parse(Map.of("CAIRN_SERVER_PREDICTION_LOG_SAMPLE_RATE", "0.25",
        "CAIRN_SERVER_MONITOR_INTERVAL_SECONDS", "15", "CAIRN_SERVER_PREDICTION_LOG_CAPACITY", "7"),
        "--prediction-log-capacity", "500", "--replica-id", "replica-1");
    assertThat(s.sampleRate()).isEqualTo(0.25);
    assertThat(s.logCapacity()).isEqualTo(500);
    assertThat(s.monitorIntervalSeconds()).isEqualTo(15);
    assertThat(s.replicaId()).isEqualTo("replica-1");

    ServingSettings defaults = parse(Map.of());
    assertThat(defaults.sampleRate()).isEqualTo(1.0);
    assertThat(defaults.logCapacity()).isEqualTo(10_000);
    assertThat(defaults.monitorIntervalSeconds()).isEqualTo(60);
    assertThat(defaults.replicaId()).as("host and process id").endsWith("-" + ProcessHandle.current().pid());
  }

  @Test
  void outOfRangeValuesAreRefusedNamingTheSettingAndItsLimits() {
    assertThatThrownBy(() -> parse(Map.of(), "--prediction-log-sample-rate", "1.5"))
        .isInstanceOf(CairnException.class).hasMessageContaining("sample rate is 1.5").hasMessageContaining("0 to 1");
    assertThatThrownBy(() -> parse(Map.of(), "--prediction-log-capacity", "0"))
        .isInstanceOf(CairnException.class).hasMessageContaining("capacity is 0");
    assertThatThrownBy(() -> parse(Map.of(), "--monitor-interval-seconds", "-1"))
        .isInstanceOf(CairnException.class).hasMessageContaining("monitor interval is -1");
    // the server's own reading of the variables (a server embedded without the CLI)
    assertThatThrownBy(() -> ServingSettings.from(Map.of("CAIRN_SERVER_PREDICTION_LOG_CAPACITY", "many")::get))
        .isInstanceOf(CairnException.class).hasMessageContaining("CAIRN_SERVER_PREDICTION_LOG_CAPACITY 'many'");
    assertThat(ServingSettings.from(Map.of("CAIRN_SERVER_MONITOR_INTERVAL_SECONDS", "0")::get)
        .monitorIntervalSeconds()).isZero();
    assertThat(parse(Map.of("CAIRN_SERVER_MONITOR_RETENTION_DAYS", "7")).retentionDays()).isEqualTo(7);
    assertThatThrownBy(() -> parse(Map.of("CAIRN_SERVER_MONITOR_RETENTION_DAYS", "1")))
        .isInstanceOf(CairnException.class).hasMessageContaining("retention is 1 days");
  }

  @Test
  void anEmbeddedServerReadsSystemPropertiesBeforeTheEnvironment() {
    System.setProperty("cairn.server.monitor-interval-seconds", "7");
    System.setProperty("cairn.server.prediction-log-sample-rate", "0.5");
    try {
      ServingSettings s = ServingSettings.fromEnvironment();
      assertThat(s.monitorIntervalSeconds()).isEqualTo(7);
      assertThat(s.sampleRate()).isEqualTo(0.5);
    } finally {
      System.clearProperty("cairn.server.monitor-interval-seconds");
      System.clearProperty("cairn.server.prediction-log-sample-rate");
    }
  }
}
