package dev.cairn.client;

import dev.cairn.server.CairnServer;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** Tests of a class share one real server on a temporary data folder, a client of it and an experiment. */
abstract class AgainstServer {
  @TempDir static Path serverDir;
  static CairnServer server;
  static CairnClient client;
  static String experimentId;

  @BeforeAll
  static void startServer() {
    server = TestServer.start(serverDir);
    client = CairnClient.connect(server.url());
    experimentId = client.createExperiment("tests");
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }
}
