package dev.cairn.client;

import dev.cairn.server.CairnServer;
import dev.cairn.server.CairnServer.ServerConfig;
import java.nio.file.Path;

/** A real Cairn server on a loopback port, with SQLite and artifacts in a test's temp directory. */
final class TestServer {
  private TestServer() {}

  /** On a free port. */
  static CairnServer start(Path dir) {
    return start(dir, 0);
  }

  /** On {@code port}, e.g. to restart a stopped server where its clients expect it. */
  static CairnServer start(Path dir, int port) {
    return CairnServer.start(new ServerConfig("127.0.0.1", port,
        "sqlite:" + dir.resolve("cairn.db"), "file:" + dir.resolve("artifacts")));
  }
}
