package dev.cairn.pipeline.steps;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Json;
import dev.cairn.ml.bundle.MlModelFile;
import dev.cairn.ml.eval.Evaluation;
import dev.cairn.pipeline.ParamType;
import dev.cairn.pipeline.PipelineExecutor;
import dev.cairn.pipeline.Step;
import dev.cairn.pipeline.StepContext;
import dev.cairn.pipeline.StepSpec;
import dev.cairn.registry.ModelVersion;
import dev.cairn.registry.PromotionPolicy;
import dev.cairn.registry.PromotionRequest;
import dev.cairn.store.ArtifactPaths;
import dev.cairn.store.ArtifactStore;
import dev.cairn.store.MetadataStore;
import dev.cairn.store.audit.AuditScope;
import dev.cairn.store.loggedmodels.LoggedModel;
import dev.cairn.store.loggedmodels.LoggedModelStatus;
import dev.cairn.store.loggedmodels.LoggedModelStore;
import dev.cairn.store.loggedmodels.ModelMetric;
import dev.cairn.store.loggedmodels.RunOutput;
import dev.cairn.store.registry.ModelRegistryStore;
import dev.cairn.store.registry.PromotionStore;
import dev.cairn.tracking.Metric;
import dev.cairn.tracking.RunInfo;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Built-in step {@code register}: makes the trained bundle (input {@code model}, a bundle archive) a logged model of
 * the pipeline's run, as MLflow 3 clients log models (its files under the logged model's artifact location, with an
 * {@code MLmodel} file and the evaluation), then a version of registered model {@code name} (created when missing)
 * pointing at it, with lineage to the pipeline run and so to its data. With {@code alias} set: an unprotected alias
 * moves to the new version; a protected one gets a promotion request carrying the evaluation and the gate's
 * decision as evidence, never a direct move. Every change is recorded in the audit log.
 */
public final class RegisterModel implements Step {
  /** The folder of the pipeline run's artifacts the model's files are also listed under. */
  static final String MODEL_PATH = "model";
  /** Beside the bundle in the logged model's files: how this run made it (not part of the bundle's id). */
  static final String PROVENANCE = "provenance.json";

  private final Services services;

  /** The stores the step writes. */
  public record Services(MetadataStore tracking, ArtifactStore artifacts, LoggedModelStore loggedModels,
      ModelRegistryStore registry, PromotionStore promotions) {}

  public RegisterModel(Services services) {
    this.services = services;
  }

  @Override
  public StepSpec spec() {
    return StepSpec.builder()
        .input("model", "bundle")
        .input("evaluation", "evaluation")
        .input("decision", "gate")
        .output("version", "registration")
        .param("name", ParamType.STRING, null)
        .param("alias", ParamType.STRING, "")
        .param("description", ParamType.STRING, "")
        .version("1")
        .build();
  }

  @Override
  public void run(StepContext context) throws Exception {
    String name = context.stringParam("name");
    String alias = context.stringParam("alias");
    String user = System.getProperty("user.name", "unknown");
    Path bundle = context.workDir().resolve("bundle");
    Archives.unzip(context.inputFile("model"), bundle);
    Evaluation evaluation = Evaluation.fromJson(Files.readString(context.inputFile("evaluation")));
    Files.copy(context.inputFile("evaluation"), bundle.resolve(Baselines.EVALUATION));
    String decision = Files.readString(context.inputFile("decision"));

    AuditScope.enter(new AuditScope(user, context.pipelineRunId(), null, "pipeline.register"));
    try {
      RunInfo run = services.tracking().getRun(context.pipelineRunId()).info();
      LoggedModel logged = services.loggedModels().create(new LoggedModelStore.NewLoggedModel(run.experimentId(),
          loggedName(name), "cairn", context.pipelineRunId(), Map.of("cairn.registered_model", name), Map.of()));
      MlModelFile.write(bundle, logged.modelId(), context.pipelineRunId());
      Map<String, Object> provenance = provenance(context, bundle);
      Files.writeString(bundle.resolve(PROVENANCE), Json.write(provenance));
      String base = PipelineExecutor.storePath(logged.artifactLocation(), services.artifacts().rootUri());
      List<String> uploaded = upload(bundle, base);
      context.log("logged model " + logged.modelId() + ": " + uploaded.size() + " files");
      List<ModelMetric> metrics = new ArrayList<>();
      List<Metric> runMetrics = new ArrayList<>();
      long now = System.currentTimeMillis();
      evaluation.metrics().forEach((k, v) -> {
        metrics.add(new ModelMetric(logged.modelId(), k, v, now, 0, context.pipelineRunId(), null, null));
        runMetrics.add(new Metric(k, v, now, 0));
      });
      if (!metrics.isEmpty()) {
        services.loggedModels().logMetrics(metrics);
        services.tracking().logBatch(context.pipelineRunId(), runMetrics, List.of(), List.of());
      }
      services.loggedModels().logOutputs(context.pipelineRunId(), List.of(new RunOutput(logged.modelId(), 0)));
      services.loggedModels().finalizeModel(logged.modelId(), LoggedModelStatus.READY);

      ensureModel(name, context.stringParam("description"));
      ModelVersion version = services.registry().createModelVersion(new ModelRegistryStore.NewModelVersion(name,
          "models:/" + logged.modelId(), context.pipelineRunId(), null, context.stringParam("description"),
          Map.of("cairn.pipeline.run", context.pipelineRunId()), user, logged.modelId()));
      context.log("registered " + name + " version " + version.version());

      Map<String, Object> result = new LinkedHashMap<>();
      result.put("name", name);
      result.put("version", version.version());
      result.put("model_id", logged.modelId());
      if (!alias.isEmpty()) {
        if (isProtected(name, alias)) {
          Map<String, Object> evidence = new LinkedHashMap<>();
          evidence.put("pipeline_run", context.pipelineRunId());
          evidence.put("metrics", evaluation.metrics());
          evidence.put("gate", Json.MAPPER.readTree(decision));
          PromotionRequest request = services.promotions().request(new PromotionStore.NewRequest(name, alias,
              version.version(), user, "pipeline run " + context.pipelineRunId() + " passed its gate",
              Json.write(evidence)));
          result.put("promotion_request", request.requestId());
          context.log("@" + alias + " is protected: promotion request " + request.requestId() + " awaits approval");
        } else {
          services.registry().setAlias(name, alias, version.version(), user);
          result.put("alias", alias);
          context.log("@" + alias + " now names version " + version.version());
        }
      }
      context.writeOutput("version", Json.write(result));
    } finally {
      AuditScope.clear();
    }
  }

  /**
   * What made this model, beyond what its bundle id covers (the bundle's own provenance holds only what decides the
   * model, so that training again gives the same id): the pipeline run, its definition and overrides, the dataset
   * versions it read, each step's cache key and where a cached step's outputs came from, the source (git commit,
   * branch, dirty flag, user, host) and the exact JDK and library versions of this run.
   */
  private Map<String, Object> provenance(StepContext context, Path bundle) throws IOException {
    dev.cairn.tracking.Run run = services.tracking().getRun(context.pipelineRunId());
    Map<String, Object> p = new LinkedHashMap<>();
    Path manifest = bundle.resolve("bundle.json");
    if (Files.isRegularFile(manifest)) {
      p.put("bundle_id", Json.MAPPER.readTree(manifest.toFile()).path("bundle_id").asText());
    }
    p.put("pipeline_run", context.pipelineRunId());
    Map<String, String> tags = new java.util.TreeMap<>();
    run.tags().forEach(t -> tags.put(t.key(), t.value()));
    p.put("run_tags", tags);
    List<Map<String, String>> datasets = new ArrayList<>();
    for (dev.cairn.tracking.DatasetInput in : run.inputs()) {
      Map<String, String> d = new LinkedHashMap<>();
      d.put("name", in.name());
      d.put("digest", in.digest());
      d.put("source", in.source());
      datasets.add(d);
    }
    p.put("datasets", datasets);
    Map<String, Map<String, String>> steps = new java.util.TreeMap<>();
    for (dev.cairn.tracking.Run child : services.tracking().searchRuns(List.of(run.info().experimentId()),
        "tags." + PipelineExecutor.TAG_PARENT + " = '" + context.pipelineRunId() + "'",
        dev.cairn.tracking.ViewType.ACTIVE_ONLY, 1000, List.of(), null).items()) {
      Map<String, String> st = new LinkedHashMap<>();
      st.put("step_run", child.info().runId());
      child.tags().forEach(t -> {
        if (t.key().equals(PipelineExecutor.TAG_CACHE_KEY) || t.key().equals(PipelineExecutor.TAG_CACHED_FROM)) {
          st.put(t.key().substring(t.key().lastIndexOf('.') + 1), t.value());
        }
      });
      child.tags().stream().filter(t -> t.key().equals(PipelineExecutor.TAG_STEP)).findFirst()
          .ifPresent(t -> steps.put(t.value(), st));
    }
    p.put("steps", steps);
    Map<String, String> environment = new LinkedHashMap<>();
    environment.put("java_version", Runtime.version().toString());
    environment.put("java_vendor", System.getProperty("java.vendor", ""));
    environment.put("os", System.getProperty("os.name", "") + " " + System.getProperty("os.arch", ""));
    environment.put("cairn", dev.cairn.pipeline.CairnVersion.current());
    environment.put("tribuo", org.tribuo.Tribuo.VERSION);
    p.put("environment", environment);
    return p;
  }

  /** A logged model's name is one path segment of a runs:/ URI: the registered name with '/' and ':' replaced. */
  static String loggedName(String registeredName) {
    return registeredName.replace('/', '-').replace(':', '-');
  }

  private void ensureModel(String name, String description) {
    try {
      services.registry().getRegisteredModel(name);
    } catch (CairnException e) {
      if (e.code() != ErrorCode.RESOURCE_DOES_NOT_EXIST) {
        throw e;
      }
      try {
        services.registry().createRegisteredModel(name, description.isEmpty() ? null : description, Map.of());
      } catch (CairnException raced) {
        if (raced.code() != ErrorCode.RESOURCE_ALREADY_EXISTS) {
          throw raced;
        }
      }
    }
  }

  private boolean isProtected(String name, String alias) {
    for (PromotionPolicy p : services.promotions().policies(name)) {
      if (p.alias().equals(alias)) {
        return true;
      }
    }
    return false;
  }

  private List<String> upload(Path dir, String base) throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(dir)) {
      files = walk.filter(Files::isRegularFile).sorted().toList();
    }
    List<String> uploaded = new ArrayList<>();
    for (Path f : files) {
      String relative = dir.relativize(f).toString().replace('\\', '/');
      try (InputStream in = Files.newInputStream(f)) {
        services.artifacts().put(ArtifactPaths.join(base, relative), in);
      }
      uploaded.add(relative);
    }
    return uploaded;
  }
}
