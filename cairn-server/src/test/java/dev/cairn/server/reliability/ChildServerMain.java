package dev.cairn.server.reliability;

import dev.cairn.server.CairnServer;
import dev.cairn.server.CairnServer.ServerConfig;

/** Entry point of the server a reliability test runs in a child JVM: prints its port, then serves until killed. */
public final class ChildServerMain {
  private ChildServerMain() {}

  public static void main(String[] args) throws Exception {
    CairnServer server = CairnServer.start(new ServerConfig("127.0.0.1", 0, args[0], args[1]));
    System.out.println("PORT=" + server.port());
    System.out.flush();
    Thread.currentThread().join();
  }
}
