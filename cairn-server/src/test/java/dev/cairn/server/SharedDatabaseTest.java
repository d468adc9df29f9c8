package dev.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The server opens its database once for tracking and datasets: one migration run (none on a restart of an up-to-date
 * database), one writer, one pool set.
 */
class SharedDatabaseTest {
  @TempDir Path dir;

  /** Flyway's validation and migration messages logged while {@code action} runs. */
  private static List<String> flywayMessages(Runnable action) {
    Logger flyway = (Logger) LoggerFactory.getLogger("org.flywaydb");
    Level before = flyway.getLevel();
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    flyway.addAppender(appender);
    flyway.setLevel(Level.INFO);
    try {
      action.run();
    } finally {
      flyway.detachAppender(appender);
      flyway.setLevel(before);
    }
    return appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
  }

  private static List<String> threadNames(String prefix) {
    return Thread.getAllStackTraces().keySet().stream().map(Thread::getName).filter(n -> n.startsWith(prefix))
        .toList();
  }

  @Test
  void aServerStartRunsFlywayOnceAndOpensOneWriterForAllTablesAndARestartSkipsIt() {
    String db = "shared-once.db";
    TestServer[] server = new TestServer[1];
    List<String> fresh = flywayMessages(() -> server[0] = TestServer.start(dir, "sqlite:" + dir.resolve(db),
        "file:" + dir.resolve("artifacts"), Map.of()));
    try {
      assertThat(fresh.stream().filter(m -> m.startsWith("Successfully validated"))).hasSize(1);
      // one run applies every module's migrations (tracking and datasets) to the fresh database
      assertThat(fresh.stream().filter(m -> m.startsWith("Successfully applied ") && m.contains(" migrations")))
          .hasSize(1);
      assertThat(threadNames("cairn-sqlite-writer-" + db)).hasSize(1);
      assertThat(threadNames("cairn-datasets")).isEmpty();
      // both stores answer on the one database
      assertThat(server[0].get("/api/cairn/v1/datasets").status()).isEqualTo(200);
      assertThat(server[0].get("/health").status()).isEqualTo(200);
    } finally {
      server[0].close();
    }

    List<String> again = flywayMessages(() -> TestServer.start(dir, "sqlite:" + dir.resolve(db),
        "file:" + dir.resolve("artifacts"), Map.of()).close());
    // a restart finds the history listing exactly the build's migrations: Flyway does not run at all
    assertThat(again).isEmpty();
    assertThat(threadNames("cairn-sqlite-writer-" + db)).isEmpty();
  }
}
