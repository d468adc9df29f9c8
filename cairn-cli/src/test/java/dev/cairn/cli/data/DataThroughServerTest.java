package dev.cairn.cli.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.cli.Cli;
import dev.cairn.core.CairnException;
import dev.cairn.core.Json;
import dev.cairn.server.CairnServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cairn data add} on a data folder a running server owns goes through the server's REST API: the
 * version and its blobs land in the server's stores while the server is busy writing, with no SQLITE_BUSY.
 */
class DataThroughServerTest {
  @TempDir Path tmp;
  CairnServer server;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  String out;
  String err;

  @BeforeEach
  void start() {
    server = CairnServer.start(new CairnServer.ServerConfig("127.0.0.1", 0, "sqlite:" + tmp.resolve("db/cairn.db"),
        "file:" + tmp.resolve("server-artifacts")));
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  /** Runs a data command on the server's database, with blobs pointed at a folder only the CLI would use. */
  private int run(String... args) {
    Cli.Result r = Cli.onStores(tmp, "cli-artifacts", "data", args);
    out = r.out();
    err = r.err();
    return r.exitCode();
  }

  private HttpResponse<String> post(String path, String json) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(server.url() + path)).timeout(Duration.ofSeconds(60))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode get(String path) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.url() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return Json.MAPPER.readTree(r.body());
  }

  private static long filesUnder(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).count();
    }
  }

  @Test
  void addsGoThroughTheServerWhileItWritesAndNeverHitABusyDatabase() throws Exception {
    HttpResponse<String> run = post("/api/2.0/mlflow/runs/create", "{\"experiment_id\":\"0\",\"start_time\":1}");
    String runId = Json.MAPPER.readTree(run.body()).at("/run/info/run_id").asText();
    AtomicBoolean loading = new AtomicBoolean(true);
    AtomicInteger batches = new AtomicInteger();
    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    ExecutorService load = Executors.newFixedThreadPool(4);
    List<Future<?>> loaders = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int thread = t;
      loaders.add(load.submit(() -> {
        for (int i = 0; loading.get(); i++) {
          StringBuilder metrics = new StringBuilder();
          for (int k = 0; k < 50; k++) {
            metrics.append(k == 0 ? "" : ",").append("{\"key\":\"m").append(k).append("\",\"value\":").append(i)
                .append(",\"timestamp\":").append(i).append(",\"step\":").append(thread * 1_000_000 + i).append('}');
          }
          HttpResponse<String> r = post("/api/2.0/mlflow/runs/log-batch",
              "{\"run_id\":\"" + runId + "\",\"metrics\":[" + metrics + "]}");
          if (r.statusCode() != 200) {
            failures.add(r.statusCode() + " " + r.body());
          }
          batches.incrementAndGet();
        }
        return null;
      }));
    }
    Path data = Files.createDirectories(tmp.resolve("data"));
    int adds = 12;
    try {
      for (int i = 1; i <= adds; i++) {
        Files.writeString(data.resolve("train.csv"), "id,label\n" + i + ",0\n" + (i + 1) + ",1\n");
        Files.writeString(data.resolve("notes-" + i + ".txt"), "note " + i);
        int code = run("add", data.toString(), "--name", "churn", "-m", "cut " + i, "--no-progress");
        assertThat(code).as(out + err).isZero();
        assertThat(out).startsWith("churn@" + i + " added");
      }
    } finally {
      loading.set(false);
      for (Future<?> f : loaders) {
        f.get(60, TimeUnit.SECONDS);
      }
      load.shutdown();
    }

    assertThat(run("add", data.toString(), "--name", "churn", "--no-progress")).as(err).isZero();
    assertThat(out).startsWith("churn@" + adds + " unchanged").contains("hashed 0 files").contains("uploaded 0 blobs");
    assertThat(failures).isEmpty();
    assertThat(batches.get()).isPositive();
    assertThat(err).doesNotContainIgnoringCase("busy").doesNotContainIgnoringCase("locked");
    JsonNode latest = get("/api/cairn/v1/datasets/churn/versions/latest");
    assertThat(latest.path("version").path("version").asInt()).isEqualTo(adds);
    assertThat(latest.path("version").path("message").asText()).isEqualTo("cut " + adds);
    assertThat(latest.path("profile").path("train.csv").path("row_count").asInt()).isEqualTo(2);
    // the blobs went to the server's artifact store, none to the CLI's own
    assertThat(filesUnder(tmp.resolve("server-artifacts/datasets/blobs"))).isGreaterThan(adds);
    assertThat(filesUnder(tmp.resolve("cli-artifacts"))).isZero();
  }

  @Test
  void addsGoThroughAServerInAnotherProcess() throws Exception {
    server.close(); // this test's server runs in a child JVM: the lock is then held by another process
    server = null;
    Path folder = tmp.resolve("db");
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "dev.cairn.cli.Main", "server", "--port", Integer.toString(port),
        "--backend-store-uri", "sqlite:" + folder.resolve("cairn.db"),
        "--artifacts-uri", "file:" + tmp.resolve("server-artifacts"))
        .redirectErrorStream(true).redirectOutput(tmp.resolve("child.log").toFile()).start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      java.util.Optional<dev.cairn.store.DataFolderLock.Holder> holder = java.util.Optional.empty();
      while (holder.map(h -> h.url() == null).orElse(true)) {
        assertThat(System.nanoTime()).as("child server up; its log: %s", Files.exists(tmp.resolve("child.log"))
            ? Files.readString(tmp.resolve("child.log")) : "").isLessThan(deadline);
        assertThat(child.isAlive()).as(Files.readString(tmp.resolve("child.log"))).isTrue();
        Thread.sleep(50);
        holder = dev.cairn.store.DataFolderLock.holder(folder);
      }
      assertThat(holder.get().pid()).isEqualTo(child.pid());
      Path data = Files.createDirectories(tmp.resolve("data"));
      for (int i = 1; i <= 3; i++) {
        Files.writeString(data.resolve("train.csv"), "id,label\n" + i + ",0\n");
        assertThat(run("add", data.toString(), "--name", "churn", "--no-progress")).as(out + err).isZero();
      }
      HttpResponse<String> latest = http.send(HttpRequest.newBuilder(URI.create(holder.get().url()
          + "/api/cairn/v1/datasets/churn/versions/latest")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(Json.MAPPER.readTree(latest.body()).path("version").path("version").asInt()).isEqualTo(3);
      assertThat(filesUnder(tmp.resolve("cli-artifacts"))).isZero();
      assertThat(run("log", "churn")).as(err).isZero();
      assertThat(out.lines().count()).isEqualTo(4);
    } finally {
      child.destroy();
      if (!child.waitFor(30, TimeUnit.SECONDS)) {
        child.destroyForcibly();
      }
    }
  }

  @Test
  void aLargeAddThroughTheServerShowsHashingAndUploadProgress() throws Exception {
    Path data = Files.createDirectories(tmp.resolve("large"));
    byte[] chunk = new byte[1 << 20];
    new java.util.Random(3).nextBytes(chunk);
    try (var file = Files.newOutputStream(data.resolve("big.bin"))) {
      for (long written = 0; written <= ProgressBars.THRESHOLD_BYTES; written += chunk.length) {
        file.write(chunk);
      }
    }
    java.io.ByteArrayOutputStream bars = new java.io.ByteArrayOutputStream();
    java.io.PrintStream stderr = System.err;
    System.setErr(new java.io.PrintStream(bars, true, java.nio.charset.StandardCharsets.UTF_8));
    int code;
    try {
      code = run("add", data.toString(), "--name", "large");
    } finally {
      System.setErr(stderr);
    }

    assertThat(code).as(err).isZero();
    assertThat(out).contains("large@1 added");
    String drawn = bars.toString(java.nio.charset.StandardCharsets.UTF_8);
    assertThat(drawn).contains("hashing").contains("uploading").contains("100%");
  }

  @Test
  void readsWorkBesideTheServerAndDirectWritesAreRefusedNamingIt() throws Exception {
    Path data = Files.createDirectories(tmp.resolve("data"));
    Files.writeString(data.resolve("a.txt"), "alpha");
    assertThat(run("add", data.toString(), "--name", "letters", "--no-progress")).as(err).isZero();

    assertThat(run("log", "letters")).as(err).isZero();
    assertThat(out).contains("@1");

    StoreOptions options = new StoreOptions();
    options.backendStoreUri = "sqlite:" + tmp.resolve("db/cairn.db");
    options.artifactsUri = "file:" + tmp.resolve("server-artifacts");
    options.statCache = tmp.resolve("cache");
    try (StoreOptions.Opened opened = options.open()) {
      assertThat(opened.server).isNotNull();
      assertThat(opened.versioning.show(dev.cairn.data.version.DatasetRef.parse("letters")).version()).isEqualTo(1);
      Files.writeString(data.resolve("a.txt"), "alpha 2");
      assertThatThrownBy(() -> opened.versioning.add(data, "letters", null, "me", Map.of()))
          .isInstanceOf(CairnException.class).hasMessageContaining("owns this data folder")
          .hasMessageContaining(server.url());
    }
    assertThat(get("/api/cairn/v1/datasets/letters/versions").path("versions")).hasSize(1);
  }

  @Test
  void withNoServerTheCliOpensTheDatabaseItself() throws Exception {
    server.close();
    Path data = Files.createDirectories(tmp.resolve("data"));
    Files.writeString(data.resolve("a.txt"), "alpha");

    assertThat(run("add", data.toString(), "--name", "letters", "--no-progress")).as(err).isZero();

    assertThat(filesUnder(tmp.resolve("cli-artifacts/datasets/blobs"))).isEqualTo(2);
    server = CairnServer.start(new CairnServer.ServerConfig("127.0.0.1", 0, "sqlite:" + tmp.resolve("db/cairn.db"),
        "file:" + tmp.resolve("cli-artifacts")));
    assertThat(get("/api/cairn/v1/datasets/letters/versions/1").path("version").path("file_count").asInt())
        .isEqualTo(1);
  }
}
