package dev.cairn.server.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** Logging set up in code logs as the logback.xml it replaced did, and logback finds it. */
class LogbackSetupTest {
  @Test
  void logsInfoAndUpToStderrInTheOldPatternWithChattyLibrariesAtWarn() {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream stderr = System.err;
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter()); // as logback's provider does
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      LogbackSetup.configureInCode(context);
      context.getLogger("dev.cairn.server.CairnServer").info("serving {}", "here");
      context.getLogger("dev.cairn.server.CairnServer").debug("not shown");
      context.getLogger("org.eclipse.jetty.server.Server").info("jetty banner");
      context.getLogger("org.flywaydb.core.Flyway").info("migrating");
      context.getLogger("com.zaxxer.hikari.pool.HikariPool").warn("pool warning");
    } finally {
      context.stop();
      System.setErr(stderr);
    }
    assertThat(captured.toString(StandardCharsets.UTF_8).lines().toList()).satisfiesExactly(
        line -> assertThat(line).matches(
            "\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  \\[.+] dev\\.cairn\\.server\\.CairnServer - serving here"),
        line -> assertThat(line).matches(
            "\\d\\d:\\d\\d:\\d\\d\\.\\d{3} WARN  \\[.+] com\\.zaxxer\\.hikari\\.pool\\.HikariPool - pool warning"));
  }

  @Test
  void logbackFindsTheSetupAsAService() {
    assertThat(ServiceLoader.load(Configurator.class).stream().map(ServiceLoader.Provider::type))
        .contains(LogbackSetup.class);
  }
}
