package dev.cairn.server.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.List;

/**
 * Cairn's logging set-up, in code rather than a logback.xml: reading XML cost the server and every CLI command
 * that touches the database ~450 more classes (JAXP, Joran) and 60 to 150 ms of CPU at start. Logback finds this
 * class through {@code META-INF/services}; a {@code logback-test.xml} on the classpath or a
 * {@code -Dlogback.configurationFile} still wins (the class then steps aside for logback's own search).
 */
public final class LogbackSetup extends ContextAwareBase implements Configurator {
  /** One line per event on stderr, stdout being the CLI's output. */
  static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level [%thread] %logger{36} - %msg%n";
  /** Libraries whose INFO lines say nothing a user acts on (start-up banners, pool sizes, migration steps). */
  static final List<String> WARN_ONLY = List.of("org.eclipse.jetty", "io.javalin", "org.flywaydb", "com.zaxxer.hikari");

  public LogbackSetup() {}

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (System.getProperty("logback.configurationFile") != null
        || LogbackSetup.class.getClassLoader().getResource("logback-test.xml") != null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    configureInCode(context);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  /** What the logback.xml said: INFO and up to stderr, {@link #WARN_ONLY} libraries at WARN. */
  static void configureInCode(LoggerContext context) {
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(PATTERN);
    encoder.start();
    ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
    stderr.setContext(context);
    stderr.setName("STDERR");
    stderr.setTarget("System.err");
    stderr.setEncoder(encoder);
    stderr.start();
    ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.INFO);
    root.addAppender(stderr);
    for (String name : WARN_ONLY) {
      context.getLogger(name).setLevel(Level.WARN);
    }
  }
}
