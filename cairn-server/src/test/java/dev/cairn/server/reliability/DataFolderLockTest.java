package dev.cairn.server.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.server.CairnServer;
import dev.cairn.server.CairnServer.ServerConfig;
import dev.cairn.store.DataFolderLock;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** One server per SQLite data folder: a second one is refused at start, naming the holder. */
class DataFolderLockTest {
  @TempDir Path dir;

  private ServerConfig config() {
    return new ServerConfig("127.0.0.1", 0, "sqlite:" + dir.resolve("data/cairn.db"),
        "file:" + dir.resolve("data/artifacts"));
  }

  @Test
  @Timeout(60)
  void secondServerInTheSameProcessIsRefusedUntilTheFirstCloses() {
    CairnServer first = CairnServer.start(config());
    try {
      assertThatThrownBy(() -> CairnServer.start(config()))
          .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT))
          .hasMessageContaining("pid " + ProcessHandle.current().pid())
          .hasMessageContaining(first.url())
          .hasMessageContaining(dir.resolve("data").toString());
      assertThat(DataFolderLock.holder(dir.resolve("data")))
          .hasValueSatisfying(h -> assertThat(h.url()).isEqualTo(first.url()));
    } finally {
      first.close();
    }
    CairnServer again = CairnServer.start(config());
    again.close();
  }

  @Test
  @Timeout(120)
  void serverInAnotherProcessIsNamedAndItsLockDiesWithIt() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
        ChildServerMain.class.getName(), config().backendStoreUri(), config().artifactsUri())
        .redirectErrorStream(true).start();
    try {
      int port = readPort(child);
      assertThat(DataFolderLock.holder(dir.resolve("data"))).hasValueSatisfying(h -> {
        assertThat(h.pid()).isEqualTo(child.pid());
        assertThat(h.url()).endsWith(":" + port);
      });
      assertThatThrownBy(() -> CairnServer.start(config()))
          .isInstanceOf(CairnException.class)
          .hasMessageContaining("pid " + child.pid())
          .hasMessageContaining(":" + port);
    } finally {
      child.destroyForcibly();
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    // SIGKILL leaves the lock file behind, but the OS released the lock: it holds no one back
    assertThat(DataFolderLock.holder(dir.resolve("data"))).isEmpty();
    CairnServer after = CairnServer.start(config());
    after.close();
  }

  private static int readPort(Process p) throws Exception {
    BufferedReader reader = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    StringBuilder seen = new StringBuilder();
    for (String line; (line = reader.readLine()) != null; ) {
      if (line.startsWith("PORT=")) {
        return Integer.parseInt(line.substring(5).trim());
      }
      seen.append(line).append('\n');
    }
    throw new IllegalStateException("child server exited before printing its port:\n" + seen);
  }
}
