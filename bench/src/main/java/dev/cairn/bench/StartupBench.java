package dev.cairn.bench;

import dev.cairn.data.version.DatasetVersionStore;
import dev.cairn.server.CairnServer;
import dev.cairn.server.CairnServer.ServerConfig;
import dev.cairn.store.ArtifactStore;
import dev.cairn.store.ArtifactStores;
import dev.cairn.store.MetadataStore;
import dev.cairn.store.MetadataStores;
import dev.cairn.store.sql.SqlDatabase;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where server start-up time goes: each run is a fresh JVM that opens the parts in the order CairnServer does
 * (artifact store, the one database with every module's migrations, the metadata and dataset stores on it, the HTTP
 * server) and prints the milliseconds of each phase, class loading and JIT included, as a cold start pays them. Runs
 * alternate a fresh data folder (every migration runs) and the previous run's (the schema is checked with one query
 * and Flyway does not run).
 * Usage: {@code StartupBench [runs]}.
 */
public final class StartupBench {
  public static void main(String[] args) throws Exception {
    if (args.length > 1 && args[0].equals("child")) {
      child(Path.of(args[1]));
      return;
    }
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    String java = ProcessHandle.current().info().command().orElse("java");
    String classpath = System.getProperty("java.class.path");
    System.out.printf(Locale.ROOT, "# StartupBench: %d runs per folder state, %d cores, load %s%n", runs,
        Runtime.getRuntime().availableProcessors(), HttpCeilingBench.loadAverage());
    System.out.println("| folder | JVM to main | artifact store | database (migrations) | metadata and dataset stores "
        + "| HTTP server | first /health | total to ready | load average |");
    System.out.println("|---|---|---|---|---|---|---|---|---|");
    for (int i = 0; i < runs; i++) {
      Path dir = Files.createTempDirectory("cairn-bench-startup");
      for (String state : List.of("fresh", "existing")) {
        List<String> command = new ArrayList<>(List.of(java, "-cp", classpath));
        command.addAll(List.of(StartupBench.class.getName(), "child", dir.toString()));
        Process p = new ProcessBuilder(command).redirectErrorStream(false).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        p.waitFor();
        String line = out.lines().filter(l -> l.startsWith("phases ")).findFirst()
            .orElseThrow(() -> new IllegalStateException("child printed no phases:\n" + out));
        String[] ms = line.substring("phases ".length()).split(" ");
        System.out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | **%s** | %s |%n", state, ms[0], ms[1],
            ms[2], ms[3], ms[4], ms[5], ms[6], HttpCeilingBench.loadAverage());
      }
    }
  }

  private static void child(Path dir) throws Exception {
    long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
    long t0 = System.currentTimeMillis();
    String backend = "sqlite:" + dir.resolve("cairn.db");
    long[] marks = new long[7];
    marks[0] = t0 - jvmStart;
    long t = System.nanoTime();
    ArtifactStore artifacts = ArtifactStores.open("file:" + dir.resolve("artifacts"), java.util.Map.of());
    marks[1] = lap(t);
    t = System.nanoTime();
    SqlDatabase database = MetadataStores.openDatabase(backend, CairnServer.MIGRATIONS);
    marks[2] = lap(t);
    t = System.nanoTime();
    MetadataStore metadata = MetadataStores.open(database, "mlflow-artifacts:"); // closes the database when closed
    DatasetVersionStore datasets = DatasetVersionStore.on(database);
    marks[3] = lap(t);
    t = System.nanoTime();
    try (CairnServer server = CairnServer.start(new ServerConfig("127.0.0.1", 0, backend, "file:" + dir), metadata,
        artifacts)) {
      marks[4] = lap(t);
      t = System.nanoTime();
      // a raw request: the JDK's HttpClient would load ~400 classes of its own (TLS included) into this phase
      try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.port())) {
        socket.getOutputStream().write(
            "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        String status = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        if (!status.startsWith("HTTP/1.1 200")) {
          throw new IllegalStateException("health: " + status.lines().findFirst().orElse(""));
        }
      }
      marks[5] = lap(t);
      marks[6] = System.currentTimeMillis() - jvmStart;
      System.out.println("phases " + String.join(" ", java.util.Arrays.stream(marks).mapToObj(Long::toString).toList()));
    } finally {
      datasets.close();
    }
  }

  private static long lap(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }
}
