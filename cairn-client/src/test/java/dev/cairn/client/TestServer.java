package dev.cairn.client;

import dev.cairn.server.CairnServer;
import dev.cairn.server.CairnServer.ServerConfig;
import java.nio.file.Path;

/** A real Cairn server on a free loopback port, with SQLite and artifacts in a test's temp directory. */
final class TestServer {
  private TestServer() {}

  static CairnServer start(Path dir) {
    return CairnServer.start(new ServerConfig("127.0.0.1", 0,
        "sqlite:" + dir.resolve("cairn.db"), "file:" + dir.resolve("artifacts")));
  }
}
