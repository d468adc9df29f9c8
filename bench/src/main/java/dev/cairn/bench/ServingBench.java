package dev.cairn.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.core.Json;
import dev.cairn.ml.bundle.ModelBundle;
import dev.cairn.ml.frame.Frame;
import dev.cairn.ml.train.ModelTrainer;
import dev.cairn.ml.train.Task;
import dev.cairn.ml.transform.FeatureSpec;
import dev.cairn.ml.transform.FittedFeatures;
import dev.cairn.server.CairnServer;
import dev.cairn.server.CairnServer.ServerConfig;
import dev.cairn.serving.runtime.LoadedModel;
import dev.cairn.serving.runtime.ModelRuntime;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Serving throughput over HTTP with wrk ({@code -t2 -c16}, keep-alive), issue 10's targets: a 20-feature logistic
 * regression and a random forest of {@code trees} CART trees (default 100), trained here, logged as MLflow-3 logged
 * models over REST, registered and deployed on an in-process server on the embedded stores. One run measures, per
 * round: {@code GET /v2/health/live} (the HTTP ceiling), OIP v2 single-row infer and /invocations
 * {@code dataframe_split} single row for both models, each with its ratio to the same round's health rate; the
 * bundle's own predict (and the runtime's, input checks included) in process on the same row; and OIP infer of both
 * models on a second server whose prediction log keeps nothing (sample rate 0) against the first (sample rate 1, or
 * the fourth argument), alternated, giving the log's throughput cost. Usage:
 * {@code ServingBench [seconds per run, 10] [rounds, 3] [trees, 100] [sample rate, 1]}. The load average is printed with each run.
 */
public final class ServingBench {
  private static final int FEATURES = 20;
  private static final int CONNECTIONS = 16;

  private record Bench(String label, String deployment, Path bundle) {}

  private record Row(String model, String request, int round, TrackingBench.WrkResult result, double health,
      String load) {}

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    int trees = args.length > 2 ? Integer.parseInt(args[2]) : 100;
    String rate = args.length > 3 ? args[3] : "1"; // the logging server's sample rate
    Path dir = Files.createTempDirectory("cairn-bench-serving");
    Path lua = TrackingBench.locateWrkScripts().resolve("post_body.lua");
    System.out.printf(Locale.ROOT, "# ServingBench: wrk -t2 -c%d keep-alive, %d s per run, %d rounds, %d cores, Java %s,"
        + " load average %s%n", CONNECTIONS, seconds, rounds, Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"), HttpCeilingBench.loadAverage());

    Map<String, Object> row = new LinkedHashMap<>();
    List<Bench> benches = train(dir, trees, row);

    System.out.println("\n## In process, one row per call (best of 3 rounds of 2 s)");
    System.out.println("| model | bundle predict rows/s | runtime predict rows/s (input checks included) |");
    System.out.println("|---|---|---|");
    for (Bench b : benches) {
      try (LoadedModel loaded = ModelRuntime.defaults().load(b.bundle());
          var bundle = ModelBundle.load(b.bundle())) {
        List<Map<String, Object>> rows = List.of(row);
        double direct = 0;
        double served = 0;
        for (int i = 0; i < 3; i++) {
          direct = Math.max(direct, rate(() -> bundle.predict(rows)));
          served = Math.max(served, rate(() -> loaded.predict(rows)));
        }
        System.out.printf(Locale.ROOT, "| %s | %,.0f | %,.0f |%n", b.label(), direct, served);
      }
    }

    String oipBody = oip(row);
    String splitBody = dataframeSplit(row);
    Path onDir = Files.createDirectories(dir.resolve("log-on"));
    Path offDir = Files.createDirectories(dir.resolve("log-off"));
    try (CairnServer on = start(onDir, rate); CairnServer off = start(offDir, "0")) {
      for (CairnServer s : List.of(on, off)) {
        deploy(s, benches);
        for (Bench b : benches) { // each answers once before wrk starts: a wrong body fails here, not as non-2xx
          post(s.url() + "/v2/models/" + b.deployment() + "/infer", oipBody);
          post(s.url() + "/deployments/" + b.deployment() + "/invocations", splitBody);
        }
      }
      // warm the JIT on every route before anything is measured
      int warm = Math.max(3, seconds / 2);
      TrackingBench.wrk(on.url() + "/v2/health/live", null, CONNECTIONS, warm, Map.of());
      for (Bench b : benches) {
        for (CairnServer s : List.of(on, off)) {
          wrkPost(s, lua, "/v2/models/" + b.deployment() + "/infer", oipBody, warm);
        }
        wrkPost(on, lua, "/deployments/" + b.deployment() + "/invocations", splitBody, warm);
      }

      System.out.println("\n## Over HTTP, one row per request, prediction log on (sample rate " + rate + ")");
      System.out.println("| model | request | round | requests/s | p50 | p99 | of health | non-2xx | socket errors |"
          + " load average (1 min) |");
      System.out.println("|---|---|---|---|---|---|---|---|---|---|");
      List<Row> all = new ArrayList<>();
      for (int round = 1; round <= rounds; round++) {
        String load = HttpCeilingBench.loadAverage();
        TrackingBench.WrkResult health = TrackingBench.wrk(on.url() + "/v2/health/live", null, CONNECTIONS, seconds,
            Map.of());
        all.add(print(new Row("-", "GET /v2/health/live", round, health, health.rps(), load)));
        for (Bench b : benches) {
          load = HttpCeilingBench.loadAverage();
          all.add(print(new Row(b.label(), "OIP v2 infer", round,
              wrkPost(on, lua, "/v2/models/" + b.deployment() + "/infer", oipBody, seconds), health.rps(), load)));
          load = HttpCeilingBench.loadAverage();
          all.add(print(new Row(b.label(), "/invocations dataframe_split", round,
              wrkPost(on, lua, "/deployments/" + b.deployment() + "/invocations", splitBody, seconds), health.rps(),
              load)));
        }
      }
      System.out.println("\nMedians over the rounds:");
      System.out.println("| model | request | requests/s | p99 (median) | of health |");
      System.out.println("|---|---|---|---|---|");
      for (Row first : all.subList(0, 1 + 2 * benches.size())) {
        List<Row> same = all.stream().filter(r -> r.model().equals(first.model())
            && r.request().equals(first.request())).toList();
        System.out.printf(Locale.ROOT, "| %s | %s | %,.0f | %.2f ms | %.0f%% |%n", first.model(), first.request(),
            median(same.stream().mapToDouble(r -> r.result().rps()).toArray()),
            median(same.stream().mapToDouble(r -> millis(r.result().p99())).toArray()),
            100 * median(same.stream().mapToDouble(r -> r.result().rps() / r.health()).toArray()));
      }

      System.out.println("\n## Prediction log on (sample rate " + rate + ") against off (sample rate 0), OIP v2 infer,"
          + " alternated");
      System.out.println("| model | round | log on requests/s | p99 | log off requests/s | p99 | cost | load average |");
      System.out.println("|---|---|---|---|---|---|---|---|");
      for (Bench b : benches) {
        List<Double> costs = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
          String load = HttpCeilingBench.loadAverage();
          // the order alternates so a load change during the pair does not always favour the same side
          TrackingBench.WrkResult logOn;
          TrackingBench.WrkResult logOff;
          if (round % 2 == 1) {
            logOn = wrkPost(on, lua, "/v2/models/" + b.deployment() + "/infer", oipBody, seconds);
            logOff = wrkPost(off, lua, "/v2/models/" + b.deployment() + "/infer", oipBody, seconds);
          } else {
            logOff = wrkPost(off, lua, "/v2/models/" + b.deployment() + "/infer", oipBody, seconds);
            logOn = wrkPost(on, lua, "/v2/models/" + b.deployment() + "/infer", oipBody, seconds);
          }
          double cost = 100 * (1 - logOn.rps() / logOff.rps());
          costs.add(cost);
          System.out.printf(Locale.ROOT, "| %s | %d | %,.0f | %s | %,.0f | %s | %.1f%% | %s -> %s |%n", b.label(), round,
              logOn.rps(), logOn.p99(), logOff.rps(), logOff.p99(), cost, load, HttpCeilingBench.loadAverage());
        }
        System.out.printf(Locale.ROOT, "| %s | median | | | | | %.1f%% | |%n", b.label(),
            median(costs.stream().mapToDouble(Double::doubleValue).toArray()));
      }
    }
    // both servers are closed: the log wrote what it had queued
    System.out.printf(Locale.ROOT, "%nprediction log rows stored: %,d with sample rate %s, %,d with sample rate 0"
        + " (rows beyond its queue of 10,000 are dropped and counted, never waited for)%n",
        storedPredictions(onDir), rate, storedPredictions(offDir));
  }

  /** Trains both models on a 5,000-row table of 20 standardised numeric features; fills {@code row} with one input. */
  private static List<Bench> train(Path dir, int trees, Map<String, Object> row) throws Exception {
    Random r = new Random(1);
    StringBuilder csv = new StringBuilder();
    StringBuilder spec = new StringBuilder("{\"columns\": [");
    for (int f = 0; f < FEATURES; f++) {
      csv.append('f').append(f).append(',');
      spec.append(f == 0 ? "" : ",").append("{\"column\": \"f").append(f)
          .append("\", \"steps\": [{\"op\": \"standardise\"}]}");
    }
    spec.append("]}");
    csv.append("y\n");
    for (int i = 0; i < 5_000; i++) {
      double score = 0;
      for (int f = 0; f < FEATURES; f++) {
        double v = r.nextGaussian();
        score += (f % 3 - 1) * v;
        csv.append(Math.round(v * 1e4) / 1e4).append(',');
      }
      csv.append(score + r.nextGaussian() > 0 ? "yes" : "no").append('\n');
    }
    for (int f = 0; f < FEATURES; f++) {
      row.put("f" + f, Math.round(r.nextGaussian() * 1e4) / 1e4);
    }
    Frame frame = Frame.read(Files.writeString(dir.resolve("train.csv"), csv));
    FittedFeatures features = FeatureSpec.fromJson(spec.toString()).fit(frame);
    List<Bench> benches = new ArrayList<>();
    Map<String, Map<String, Object>> models = new LinkedHashMap<>();
    models.put("logistic_regression", Map.of());
    models.put("random_forest", Map.of("n_trees", (long) trees, "seed", 7L));
    for (Map.Entry<String, Map<String, Object>> m : models.entrySet()) {
      long start = System.nanoTime();
      ModelTrainer trainer = ModelTrainer.of(Task.CLASSIFICATION, m.getKey(), m.getValue());
      Path written = ModelBundle.builder(features, trainer.train(features.apply(frame), frame.column("y")), "y")
          .trainer(trainer.spec()).build().write(dir.resolve(m.getKey()));
      String label = m.getKey().equals("random_forest") ? "random forest, " + trees + " trees" : "logistic regression";
      System.out.printf(Locale.ROOT, "trained %s on 5,000 rows x %d features in %.1f s%n", label, FEATURES,
          (System.nanoTime() - start) / 1e9);
      benches.add(new Bench(label, m.getKey().equals("random_forest") ? "tree" : "lr", written));
    }
    return benches;
  }

  private static CairnServer start(Path dir, String sampleRate) {
    System.setProperty("cairn.server.prediction-log-sample-rate", sampleRate); // read once, at start
    try {
      return CairnServer.start(new ServerConfig("127.0.0.1", 0, "sqlite:" + dir.resolve("cairn.db"),
          "file:" + dir.resolve("artifacts")));
    } finally {
      System.clearProperty("cairn.server.prediction-log-sample-rate");
    }
  }

  /** Logs each bundle as an MLflow 3 client would (logged model, files, version) and deploys it alone. */
  private static void deploy(CairnServer server, List<Bench> benches) throws Exception {
    String url = server.url();
    String experiment = post(url + "/api/2.0/mlflow/experiments/create", "{\"name\":\"serving-bench\"}")
        .get("experiment_id").asText();
    for (Bench b : benches) {
      String model = "bench-" + b.deployment();
      post(url + "/api/2.0/mlflow/registered-models/create", "{\"name\":\"" + model + "\"}");
      JsonNode info = post(url + "/api/2.0/mlflow/logged-models", "{\"experiment_id\":\"" + experiment
          + "\",\"name\":\"" + model + "\"}").at("/model/info");
      String artifactUri = info.get("artifact_uri").asText();
      String storePath = artifactUri.substring("mlflow-artifacts:/".length());
      try (Stream<Path> files = Files.walk(b.bundle())) {
        for (Path f : files.filter(Files::isRegularFile).toList()) {
          send(HttpRequest.newBuilder(URI.create(url + "/api/2.0/mlflow-artifacts/artifacts/" + storePath + "/model/"
              + b.bundle().relativize(f).toString().replace('\\', '/')))
              .PUT(HttpRequest.BodyPublishers.ofByteArray(Files.readAllBytes(f))));
        }
      }
      post(url + "/api/2.0/mlflow/model-versions/create", "{\"name\":\"" + model + "\",\"source\":\"" + artifactUri
          + "\",\"model_id\":\"" + info.get("model_id").asText() + "\"}");
      post(url + "/api/cairn/v1/deployments", "{\"name\":\"" + b.deployment() + "\",\"routes\":[{\"target\":\""
          + model + "/1\",\"weight\":100}]}");
    }
  }

  private static String oip(Map<String, Object> row) {
    ObjectNode root = Json.MAPPER.createObjectNode();
    ArrayNode inputs = root.putArray("inputs");
    row.forEach((name, value) -> {
      ObjectNode t = inputs.addObject();
      t.put("name", name);
      t.putArray("shape").add(1);
      t.put("datatype", "FP64");
      t.putArray("data").add((Double) value);
    });
    return root.toString();
  }

  private static String dataframeSplit(Map<String, Object> row) {
    ObjectNode split = Json.MAPPER.createObjectNode();
    ObjectNode frame = split.putObject("dataframe_split");
    ArrayNode columns = frame.putArray("columns");
    ArrayNode values = frame.putArray("data").addArray();
    row.forEach((name, value) -> {
      columns.add(name);
      values.add((Double) value);
    });
    return split.toString();
  }

  private static TrackingBench.WrkResult wrkPost(CairnServer server, Path lua, String path, String body, int seconds)
      throws Exception {
    return TrackingBench.wrk(server.url(), lua, CONNECTIONS, seconds, Map.of("CAIRN_PATH", path, "CAIRN_BODY", body,
        "CAIRN_CONTENT_TYPE", "application/json"));
  }

  private static Row print(Row r) {
    System.out.printf(Locale.ROOT, "| %s | %s | %d | %,.0f | %s | %s | %.0f%% | %d | %d | %s -> %s |%n", r.model(),
        r.request(), r.round(), r.result().rps(), r.result().p50(), r.result().p99(), 100 * r.result().rps() / r.health(),
        r.result().non2xx(), r.result().socketErrors(), r.load(), HttpCeilingBench.loadAverage());
    return r;
  }

  /** Calls per second of {@code call} over about 2 seconds. */
  private static double rate(Runnable call) {
    long end = System.nanoTime() + 2_000_000_000L;
    long start = System.nanoTime();
    long n = 0;
    while (System.nanoTime() < end) {
      for (int i = 0; i < 100; i++) {
        call.run();
      }
      n += 100;
    }
    return n / ((System.nanoTime() - start) / 1e9);
  }

  private static double median(double[] values) {
    double[] v = values.clone();
    java.util.Arrays.sort(v);
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  /** wrk's latency text ("812.00us", "1.20ms", "2.01s") in milliseconds. */
  static double millis(String wrkLatency) {
    String t = wrkLatency.strip();
    if (t.endsWith("us")) {
      return Double.parseDouble(t.substring(0, t.length() - 2)) / 1000;
    }
    if (t.endsWith("ms")) {
      return Double.parseDouble(t.substring(0, t.length() - 2));
    }
    if (t.endsWith("s")) {
      return Double.parseDouble(t.substring(0, t.length() - 1)) * 1000;
    }
    return Double.NaN;
  }

  private static long storedPredictions(Path dir) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("cairn.db"));
        ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM predictions")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static JsonNode post(String url, String json) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  private static JsonNode send(HttpRequest.Builder request) throws Exception {
    HttpResponse<String> r = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException(r.request().uri() + " -> " + r.statusCode() + " " + r.body());
    }
    return r.body().isEmpty() ? Json.MAPPER.createObjectNode() : Json.MAPPER.readTree(r.body());
  }
}
