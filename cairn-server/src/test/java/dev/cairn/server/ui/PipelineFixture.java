package dev.cairn.server.ui;

import dev.cairn.core.Json;
import dev.cairn.data.version.DatasetVersionStore;
import dev.cairn.data.version.DatasetVersioning;
import dev.cairn.data.version.StatCache;
import dev.cairn.data.version.TableProfiler;
import dev.cairn.ml.eval.Evaluation;
import dev.cairn.pipeline.Pipeline;
import dev.cairn.pipeline.PipelineExecutor;
import dev.cairn.pipeline.PipelineRun;
import dev.cairn.pipeline.PipelineStatus;
import dev.cairn.pipeline.PipelineStore;
import dev.cairn.pipeline.RunOptions;
import dev.cairn.pipeline.Step;
import dev.cairn.pipeline.StepContext;
import dev.cairn.pipeline.StepRun;
import dev.cairn.pipeline.StepSpec;
import dev.cairn.pipeline.StepStatus;
import dev.cairn.pipeline.steps.Baselines;
import dev.cairn.pipeline.steps.EvaluateModel;
import dev.cairn.pipeline.steps.FitTransforms;
import dev.cairn.pipeline.steps.GateStep;
import dev.cairn.pipeline.steps.LoadDataset;
import dev.cairn.pipeline.steps.RegisterModel;
import dev.cairn.pipeline.steps.SplitTable;
import dev.cairn.pipeline.steps.TrainModel;
import dev.cairn.registry.ModelVersion;
import dev.cairn.server.CairnServer;
import dev.cairn.server.ui.ModelFixture.Answer;
import dev.cairn.store.ArtifactStore;
import dev.cairn.store.MetadataStore;
import dev.cairn.store.loggedmodels.LoggedModelStore;
import dev.cairn.store.registry.ModelRegistryStore;
import dev.cairn.store.registry.PromotionStore;
import dev.cairn.store.sql.SqlDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A real server on SQLite whose database holds real pipeline runs, recorded by {@link PipelineExecutor} with the
 * built-in steps on the server's own database and artifact store: {@link #first} (load a CSV as a dataset version,
 * split, transform, train, evaluate, gate, register the model {@link #MODEL} as version 1 under @champion), {@link
 * #second} (the same pipeline again: every step a cache hit), {@link #failed} (a step that throws with markup in
 * its message, the step after it skipped, an independent step that succeeds) and {@link #running} (recorded by hand,
 * one step still running). With authentication on, eve may view {@link #otherExperiment} only.
 */
final class PipelineFixture implements AutoCloseable {
  static final String MODEL = "churn <b>&";
  static final String MARKUP = "<img src=x onerror=alert(1)>";
  static final List<String> MAIN_STEPS = List.of("load", "split", "transform", "train", "evaluate", "gate", "register");
  /** The main pipeline's wiring, as from-step → to-step, one per input. */
  static final List<String> MAIN_WIRES = List.of("load→split", "split→transform", "split→train", "transform→train",
      "train→evaluate", "split→evaluate", "evaluate→gate", "train→register", "evaluate→register", "gate→register");
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  final CairnServer server;
  final String admin;
  final String experiment;
  final String otherExperiment;
  final PipelineRun first;
  final PipelineRun second;
  final PipelineRun failed;
  final String running;
  final Evaluation evaluation;
  final ModelVersion version;

  /** Fails with markup in its message. */
  public static final class Boom implements Step {
    @Override
    public StepSpec spec() {
      return StepSpec.builder().output("data", "table").build();
    }

    @Override
    public void run(StepContext context) {
      context.log("about to fail");
      throw new IllegalStateException("bad row " + MARKUP);
    }
  }

  /** Writes a tiny table. */
  public static final class Tiny implements Step {
    @Override
    public StepSpec spec() {
      return StepSpec.builder().output("data", "table").build();
    }

    @Override
    public void run(StepContext context) throws IOException {
      context.writeOutput("data", "id,y\n1,0\n2,1\n");
    }
  }

  PipelineFixture(Path dir, boolean auth) throws IOException {
    server = CairnServer.start(auth
        ? new CairnServer.ServerConfig("127.0.0.1", 0, "sqlite:" + dir.resolve("cairn.db"),
            "file:" + dir.resolve("artifacts"), Map.of(), true, dir.resolve("admin-token").toString())
        : new CairnServer.ServerConfig("127.0.0.1", 0, "sqlite:" + dir.resolve("cairn.db"),
            "file:" + dir.resolve("artifacts")));
    admin = auth ? "Bearer " + Files.readString(dir.resolve("admin-token")).strip() : null;
    SqlDatabase db = server.database();
    MetadataStore tracking = server.metadataStore();
    ArtifactStore artifacts = server.artifactStore();
    ModelRegistryStore registry = ModelRegistryStore.on(db);
    LoggedModelStore loggedModels = LoggedModelStore.on(db);
    DatasetVersioning datasets = new DatasetVersioning(DatasetVersionStore.on(db), artifacts, StatCache.inMemory(),
        TableProfiler.NONE);
    PipelineStore store = PipelineStore.on(db);
    PipelineExecutor executor = new PipelineExecutor(tracking, artifacts, store);
    experiment = tracking.createExperiment("pipelines", null, List.of());
    otherExperiment = tracking.createExperiment("elsewhere", null, List.of());
    writeCustomers(dir.resolve("raw").resolve("customers.csv"));
    RunOptions options = RunOptions.defaults().withExperimentId(experiment).withWorkRoot(dir.resolve("work"))
        .withParallelism(2);
    Pipeline pipeline = Pipeline.builder("churn")
        .step("load", new LoadDataset(datasets, dir), s -> s.param("name", "customers").param("path",
            "raw/customers.csv"))
        .step("split", new SplitTable(), s -> s.input("data", "load.data").param("stratify", "y").param("seed", 3L))
        .step("transform", new FitTransforms(dir), s -> s.input("train", "split.train").param("label", "y")
            .param("exclude", "id"))
        .step("train", new TrainModel(), s -> s.input("train", "split.train").input("features", "transform.features")
            .param("label", "y").param("algorithm", "logistic_regression").param("epochs", 20L))
        .step("evaluate", new EvaluateModel(), s -> s.input("model", "train.model").input("test", "split.test")
            .param("slices", "g").param("min_slice_size", 5L))
        .step("gate", new GateStep(new Baselines(registry, artifacts, loggedModels)),
            s -> s.input("evaluation", "evaluate.evaluation").param("checks", "accuracy >= 0.6").param("model", MODEL))
        .step("register", new RegisterModel(new RegisterModel.Services(tracking, artifacts, loggedModels, registry,
            PromotionStore.on(db, registry))), s -> s.input("model", "train.model")
            .input("evaluation", "evaluate.evaluation").input("decision", "gate.decision").param("name", MODEL)
            .param("alias", "champion").param("description", MARKUP))
        .build();
    first = executor.run(pipeline, options, e -> { });
    check(first, PipelineStatus.SUCCEEDED);
    second = executor.run(pipeline, options, e -> { });
    check(second, PipelineStatus.SUCCEEDED);
    if (second.steps().stream().anyMatch(s -> s.status() != StepStatus.CACHED)) {
      throw new AssertionError("the second run should be all cache hits: " + second.steps());
    }
    failed = executor.run(Pipeline.builder("broken")
        .step("source", new Boom())
        .step("after", new SplitTable(), s -> s.input("data", "source.data"))
        .step("other", new Tiny())
        .build(), options.withExperimentId(otherExperiment), e -> { });
    check(failed, PipelineStatus.FAILED);
    running = tracking.createRun(experiment, "ada", System.currentTimeMillis(), "live", List.of()).runId();
    Pipeline live = Pipeline.builder("live").step("source", new Tiny()).step("next", new SplitTable(),
        s -> s.input("data", "source.data")).build();
    store.createRun(running, "live", experiment, live.definitionSha256(), Json.write(live.describe()),
        System.currentTimeMillis());
    String step = tracking.createRun(experiment, "ada", System.currentTimeMillis(), "source", List.of()).runId();
    store.insertStep(new StepRun(step, running, "source", 1, "Tiny", StepStatus.RUNNING, null, null,
        System.currentTimeMillis(), null, Map.of(), null, null, List.of(), List.of()));
    version = registry.getModelVersionByAlias(MODEL, "champion");
    evaluation = new Baselines(registry, artifacts, loggedModels).evaluation(version);
    if (auth) {
      api("/api/cairn/v1/users", Map.of("name", "eve", "password", ModelFixture.password("eve")));
      api("/api/cairn/v1/users/eve/grants", Map.of("role", "viewer", "scope", "experiment:" + otherExperiment));
    }
  }

  private static void check(PipelineRun run, PipelineStatus expected) {
    if (run.status() != expected) {
      throw new AssertionError(run.pipelineName() + " ended " + run.status() + ": " + run.error() + " " + run.steps());
    }
  }

  /** 300 customers: y is 1 when x is large (10% flipped), g an irrelevant group. */
  private static void writeCustomers(Path file) throws IOException {
    Files.createDirectories(file.getParent());
    SplittableRandom r = new SplittableRandom(7);
    StringBuilder csv = new StringBuilder("id,x,g,y\n");
    for (int i = 0; i < 300; i++) {
      double x = r.nextDouble() * 10;
      boolean y = x > 5 ^ r.nextDouble() < 0.1;
      csv.append(String.format(Locale.ROOT, "%d,%.3f,%s,%d%n", i, x, r.nextBoolean() ? "a" : "b", y ? 1 : 0));
    }
    Files.writeString(file, csv);
  }

  private void api(String path, Map<String, Object> body) {
    Answer a = send("POST", path, Map.of("Content-Type", "application/json", "Authorization", admin),
        Json.write(body));
    if (a.status() != 200) {
      throw new AssertionError(path + ": " + a.status() + " " + a.body());
    }
  }

  /** A page as the admin (or anonymously with authentication off), asking for HTML. */
  Answer page(String path) {
    return send("GET", path, admin == null ? Map.of("Accept", "text/html")
        : Map.of("Accept", "text/html", "Authorization", admin), null);
  }

  /** A page as {@code user} with their password (Basic), asking for HTML. */
  Answer pageAs(String user, String path) {
    String basic = Base64.getEncoder().encodeToString((user + ":" + ModelFixture.password(user))
        .getBytes(StandardCharsets.UTF_8));
    return send("GET", path, Map.of("Accept", "text/html", "Authorization", "Basic " + basic), null);
  }

  Answer send(String method, String path, Map<String, String> headers, String body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + path));
    headers.forEach(b::header);
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    try {
      HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Answer(r.statusCode(), r.body(), r);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  String url(String path) {
    return server.url() + path;
  }

  @Override
  public void close() {
    server.close();
  }
}
