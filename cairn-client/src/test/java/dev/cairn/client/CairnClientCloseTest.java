package dev.cairn.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.CairnException;
import dev.cairn.server.CairnServer;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * close() ends the client's network thread, which a JVM otherwise waits for at exit while it sits in native
 * code (up to 0.3 s of every short CLI command). Run with the launcher's --add-opens, as the pom sets.
 */
class CairnClientCloseTest {
  @Test
  void closeEndsTheHttpClientsSelectorThreadAndLaterCallsFail(@TempDir Path dir) throws Exception {
    try (CairnServer server = TestServer.start(dir)) {
      Set<Thread> before = selectorThreads();
      CairnClient client = CairnClient.connect(server.url());
      client.createExperiment("close");
      List<Thread> mine = selectorThreads().stream().filter(t -> !before.contains(t)).toList();
      assertThat(mine).as("the new client's selector thread").hasSize(1);
      assertThat(mine.get(0).isAlive()).isTrue();

      client.close();

      mine.get(0).join(10_000);
      assertThat(mine.get(0).isAlive()).as("selector thread after close()").isFalse();
      assertThatThrownBy(() -> client.createExperiment("after")).isInstanceOf(CairnException.class);
    }
  }

  private static Set<Thread> selectorThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().contains("SelectorManager") && t.isAlive())
        .collect(Collectors.toSet());
  }
}
