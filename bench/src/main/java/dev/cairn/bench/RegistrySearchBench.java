package dev.cairn.bench;

import dev.cairn.server.CairnServer;
import dev.cairn.server.CairnServer.ServerConfig;
import dev.cairn.store.MetadataStore;
import dev.cairn.store.MetadataStores;
import dev.cairn.store.registry.ModelRegistryStore;
import dev.cairn.store.registry.ModelRegistryStore.NewModelVersion;
import dev.cairn.store.sql.SqlDatabase;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Registry search and alias resolution over HTTP at 10,000 models x 10 versions (issue 7: search p50 < 20 ms).
 * The fixture is written through {@link ModelRegistryStore} (8 callers sharing SQLite's writer): model-NNNNN with
 * tag team red/blue, versions with source runs:/RUN/model, one run id per model, tag quality gold on one version
 * in ten, alias champion on version 10. Each query is then timed from a Java client over HTTP, one call at a time,
 * {@code calls} calls after 3 unmeasured ones. Usage: {@code RegistrySearchBench [models] [calls]};
 * {@code -Dbench.dir=DIR} keeps the database for the next run. wrk figures for alias resolution are the
 * coordinator's (bench/wrk).
 */
public final class RegistrySearchBench {
  static final int VERSIONS = 10;

  public static void main(String[] args) throws Exception {
    int models = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int calls = args.length > 1 ? Integer.parseInt(args[1]) : 50;
    String keep = System.getProperty("bench.dir");
    Path dir = keep != null ? Files.createDirectories(Path.of(keep)) : Files.createTempDirectory("cairn-bench-registry");
    String backend = "sqlite:" + dir.resolve("cairn.db");
    SqlDatabase database = MetadataStores.openDatabase(backend, List.of());
    try (MetadataStore tracking = MetadataStores.open(database, "mlflow-artifacts:");
        ModelRegistryStore store = ModelRegistryStore.on(database)) {
      fixture(tracking, store, models);
    }
    try (CairnServer server = CairnServer.start(new ServerConfig("127.0.0.1", 0, backend,
        "file:" + dir.resolve("artifacts")))) {
      String some = String.format(Locale.ROOT, "model-%05d", models / 2);
      HttpClient http = HttpClient.newHttpClient();
      String run = dev.cairn.core.Json.MAPPER.readTree(http.send(HttpRequest.newBuilder(URI.create(server.url()
          + "/api/2.0/mlflow/model-versions/get?name=" + some + "&version=1")).GET().build(),
          HttpResponse.BodyHandlers.ofString()).body()).at("/model_version/run_id").asText();
      // a second store on the same file, for the in-process CPU column (SQLite readers do not block each other)
      try (ModelRegistryStore store = ModelRegistryStore.open(backend)) {
        List<Query> queries = List.of(
            models("models: no filter (first 100 by name)", null, null, store),
            models("models: name LIKE 'model-012%'", "name LIKE 'model-012%'", null, store),
            models("models: name ILIKE '%99%'", "name ILIKE '%99%'", null, store),
            models("models: tags.team = 'red'", "tags.team = 'red'", null, store),
            models("models: order by last_updated_timestamp DESC", null, "last_updated_timestamp DESC", store),
            versions("versions: name = '" + some + "'", "name = '" + some + "'", store),
            versions("versions: run_id = (one model's run)", "run_id = '" + run + "'", store),
            versions("versions: tags.quality = 'gold'", "tags.quality = 'gold'", store),
            versions("versions: no filter", null, store),
            versions("versions: name LIKE 'model-01%' AND version_number > 8",
                "name LIKE 'model-01%' AND version_number > 8", store),
            new Query("alias: registered-models/alias (get by alias)",
                "/api/2.0/mlflow/registered-models/alias?name=" + some + "&alias=champion",
                () -> store.getModelVersionByAlias(some, "champion")),
            new Query("alias: /api/cairn/v1/models/resolve models:/NAME@champion",
                "/api/cairn/v1/models/resolve?uri=" + q("models:/" + some + "@champion"),
                () -> store.resolve(dev.cairn.registry.ModelUri.parse("models:/" + some + "@champion"))));
        System.out.printf(Locale.ROOT, "# RegistrySearchBench: %d models x %d versions, %d calls per query, load %s%n",
            models, VERSIONS, calls, HttpCeilingBench.loadAverage());
        System.out.println("| query | p50 | p90 | max | items returned | store CPU p50 |");
        System.out.println("|---|---|---|---|---|---|");
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        for (Query query : queries) {
          double[] ms = new double[calls];
          double[] cpu = new double[calls];
          int returned = 0;
          for (int i = -3; i < calls; i++) {
            long t0 = System.nanoTime();
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.url() + query.path())).GET()
                .build(), HttpResponse.BodyHandlers.ofString());
            double elapsed = (System.nanoTime() - t0) / 1e6;
            if (r.statusCode() != 200) {
              throw new IllegalStateException(query.label() + " -> " + r.statusCode() + " " + r.body());
            }
            long c0 = threads.getCurrentThreadCpuTime();
            query.storeCall().run();
            double cpuMs = (threads.getCurrentThreadCpuTime() - c0) / 1e6;
            if (i >= 0) {
              ms[i] = elapsed;
              cpu[i] = cpuMs;
              var body = dev.cairn.core.Json.MAPPER.readTree(r.body());
              returned = body.has("registered_models") ? body.get("registered_models").size()
                  : body.has("model_versions") ? body.get("model_versions").size() : 1;
            }
          }
          Arrays.sort(ms);
          Arrays.sort(cpu);
          System.out.printf(Locale.ROOT, "| %s | %.1f ms | %.1f ms | %.1f ms | %d | %.1f ms |%n", query.label(),
              ms[calls / 2], ms[(int) (calls * 0.9)], ms[calls - 1], returned, cpu[calls / 2]);
        }
      }
    }
  }

  /** One timed query: its label, its REST path, and the same search on the store in-process. */
  record Query(String label, String path, Runnable storeCall) {}

  private static Query models(String label, String filter, String orderBy, ModelRegistryStore store) {
    List<String> order = orderBy == null ? List.of() : List.of(orderBy);
    String path = "/api/2.0/mlflow/registered-models/search?max_results=100"
        + (filter == null ? "" : "&filter=" + q(filter)) + (orderBy == null ? "" : "&order_by=" + q(orderBy));
    return new Query(label, path, () -> store.searchRegisteredModels(filter, order, 100, null));
  }

  private static Query versions(String label, String filter, ModelRegistryStore store) {
    String path = "/api/2.0/mlflow/model-versions/search?max_results=100" + (filter == null ? "" : "&filter=" + q(filter));
    return new Query(label, path, () -> store.searchModelVersions(filter, List.of(), 100, null));
  }

  private static String q(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }


  /** Writes the fixture unless the database already holds it: one run per model, its versions sourced from it. */
  static void fixture(MetadataStore tracking, ModelRegistryStore store, int models) throws Exception {
    String last = String.format(Locale.ROOT, "model-%05d", models - 1);
    try {
      if (store.getRegisteredModel(last).latestVersions().stream().anyMatch(v -> v.version() == VERSIONS)) {
        return;
      }
    } catch (dev.cairn.core.CairnException missing) {
      // written below
    }
    long t0 = System.nanoTime();
    String experiment = tracking.createExperiment("registry-bench-" + System.currentTimeMillis(), null, List.of());
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<?>> futures = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      futures.add(pool.submit(() -> {
        for (int i = thread; i < models; i += threads) {
          String name = String.format(Locale.ROOT, "model-%05d", i);
          String runId = tracking.createRun(experiment, "bench", 1_700_000_000_000L + i, "train-" + i, List.of()).runId();
          store.createRegisteredModel(name, "bench model " + i, Map.of("team", i % 2 == 0 ? "red" : "blue"));
          for (int n = 1; n <= VERSIONS; n++) {
            store.createModelVersion(new NewModelVersion(name, "runs:/" + runId + "/model", runId, null, null,
                n % 10 == 3 ? Map.of("quality", "gold") : Map.of(), "bench", null));
          }
          store.setAlias(name, "champion", VERSIONS);
        }
        return null;
      }));
    }
    for (Future<?> f : futures) {
      f.get();
    }
    pool.shutdown();
    pool.awaitTermination(1, TimeUnit.MINUTES);
    System.out.printf(Locale.ROOT, "# fixture: %d models x %d versions written in %.1f s%n", models, VERSIONS,
        (System.nanoTime() - t0) / 1e9);
  }
}
