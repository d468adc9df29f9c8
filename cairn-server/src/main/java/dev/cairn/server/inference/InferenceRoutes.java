package dev.cairn.server.inference;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Json;
import dev.cairn.registry.ModelVersion;
import dev.cairn.serving.deploy.DeploymentStore;
import dev.cairn.serving.deploy.Sticky;
import dev.cairn.serving.log.PredictionLog;
import dev.cairn.serving.log.PredictionSink;
import dev.cairn.serving.log.PredictionStore;
import dev.cairn.serving.protocol.Limits;
import dev.cairn.serving.runtime.ModelRuntime;
import dev.cairn.serving.serve.ModelCache;
import dev.cairn.store.registry.ModelRegistryStore;
import dev.cairn.store.sql.SqlDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import dev.cairn.serving.protocol.MlflowCodec;
import dev.cairn.serving.protocol.OipCodec;
import dev.cairn.serving.protocol.ScoringRequest;
import dev.cairn.serving.serve.Answer;
import dev.cairn.serving.serve.BundleFiles;
import dev.cairn.serving.serve.InferenceTables;
import dev.cairn.serving.serve.SingleModel;
import dev.cairn.serving.serve.Served;
import dev.cairn.serving.serve.ServingTable;
import dev.cairn.serving.serve.ServingTables;
import dev.cairn.server.http.Responses;
import dev.cairn.server.mlflow.ArtifactLocations;
import dev.cairn.store.ArtifactStore;
import dev.cairn.store.loggedmodels.LoggedModelStore;
import io.javalin.Javalin;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Inference over the deployments' serving tables, all routes in one place:
 * <pre>
 * GET  /v2/health/live                                  the server process answers
 * GET  /v2/health/ready                                 the server can take inference requests
 * GET  /v2/models/{deployment}                          OIP metadata of the deployment's first route
 * GET  /v2/models/{deployment}/ready                    its models are loaded (503 when they cannot be)
 * POST /v2/models/{deployment}/infer                    OIP v2 inference, routed by weight or sticky key
 * GET  /v2/models/{deployment}/versions/{v}             as above, for the route serving model version v
 * GET  /v2/models/{deployment}/versions/{v}/ready
 * POST /v2/models/{deployment}/versions/{v}/infer
 * POST /deployments/{deployment}/invocations            MLflow scoring (dataframe_split, dataframe_records,
 *                                                       instances, inputs, text/csv)
 * </pre>
 * OIP routes answer errors as {@code {"error": "..."}}; /invocations as MLflow's {@code {"error_code","message"}}.
 * Every answer names the model version that answered (OIP {@code model_version}, header {@value #VERSION_HEADER})
 * and the prediction ids of its rows (OIP {@code parameters.prediction_ids}, header {@value #IDS_HEADER}).
 */
public final class InferenceRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(InferenceRoutes.class);
  /** Comma-separated prediction ids, one per row, on every inference answer. */
  public static final String IDS_HEADER = "X-Cairn-Prediction-Ids";
  /** {@code NAME/VERSION} of the model version that answered. */
  public static final String VERSION_HEADER = "X-Cairn-Model-Version";
  static final String PLATFORM = "cairn";

  private final InferenceTables tables;
  private final ServingMetrics metrics;

  private InferenceRoutes(InferenceTables tables, ServingMetrics metrics) {
    this.tables = tables;
    this.metrics = metrics;
  }

  public static void register(RoutesConfig routes, InferenceTables tables) {
    register(routes, tables, null);
  }

  /** As above, counting every inference request, answered or failed, in {@code metrics} (null: not counted). */
  public static void register(RoutesConfig routes, InferenceTables tables, ServingMetrics metrics) {
    InferenceRoutes r = new InferenceRoutes(tables, metrics);
    routes.get("/v2/health/live", ctx -> Responses.json(ctx, 200, Json.MAPPER.createObjectNode().put("live", true)));
    routes.get("/v2/health/ready", ctx -> Responses.json(ctx, 200,
        Json.MAPPER.createObjectNode().put("ready", true)));
    routes.get("/v2/models/{deployment}", ctx -> r.oip(ctx, () -> r.metadata(ctx, null)));
    routes.get("/v2/models/{deployment}/ready", ctx -> r.oip(ctx, () -> r.ready(ctx, null)));
    routes.post("/v2/models/{deployment}/infer", ctx -> r.oip(ctx, () -> r.infer(ctx, null)));
    routes.get("/v2/models/{deployment}/versions/{version}", ctx -> r.oip(ctx, () -> r.metadata(ctx, version(ctx))));
    routes.get("/v2/models/{deployment}/versions/{version}/ready", ctx -> r.oip(ctx, () -> r.ready(ctx, version(ctx))));
    routes.post("/v2/models/{deployment}/versions/{version}/infer",
        ctx -> r.oip(ctx, () -> r.infer(ctx, version(ctx))));
    routes.post("/deployments/{deployment}/invocations", ctx -> r.invocations(ctx, ctx.pathParam("deployment")));
  }

  /**
   * A server for one model ({@code cairn serve}): the OIP routes with the model's name as {@code {deployment}}, and
   * MLflow's {@code POST /invocations} as {@code mlflow models serve} has it. Errors as above; the caller stops it.
   */
  public static Javalin standalone(SingleModel model, String host, int port) {
    InferenceRoutes r = new InferenceRoutes(model, null);
    Javalin app = Javalin.create(cfg -> {
      cfg.startup.showJavalinBanner = false;
      cfg.startup.showOldJavalinVersionWarning = false;
      cfg.startup.startupWatcherEnabled = false;
      cfg.jetty.modifyHttpConfiguration(http -> http.setSendServerVersion(false));
      cfg.routes.exception(CairnException.class, (e, ctx) -> Responses.error(ctx, e.code(), e.getMessage()));
      cfg.routes.exception(Exception.class, (e, ctx) -> {
        LOG.error("{} {} failed", ctx.method().name(), ctx.path(), e);
        Responses.error(ctx, ErrorCode.INTERNAL_ERROR, "internal error; the log has the details");
      });
      register(cfg.routes, model);
      cfg.routes.post("/invocations", ctx -> r.invocations(ctx, model.name()));
    });
    return app.start(host, port);
  }

  /**
   * Where the server's serving tables read a version's bundle: its logged model's artifact location (or, for a
   * version registered from a path, its source) inside the server's artifact store; with {@code tracking}, a version
   * registered from a run ({@code runs:/RUN/PATH}, as {@code cairn models register --run} and MLflow 2 clients do) is
   * read from that run's artifacts, as {@code cairn score} reads it.
   */
  public static BundleFiles bundleFiles(ArtifactStore artifacts, LoggedModelStore loggedModels,
      dev.cairn.store.MetadataStore tracking) {
    Function<ModelVersion, String> storePath = v -> {
      String location = v.modelId() != null ? loggedModels.artifactLocation(v.modelId()).orElse(null) : null;
      if (location == null && tracking != null && v.source() != null && v.source().startsWith("runs:/")) {
        dev.cairn.registry.ModelUri run = dev.cairn.registry.ModelUri.parse(v.source());
        String root = tracking.getRun(run.runId()).info().artifactUri();
        location = root == null ? null : root.replaceAll("/+$", "") + (run.path().isEmpty() ? "" : "/" + run.path());
      } else if (location == null) {
        location = v.source();
      }
      return ArtifactLocations.storePath(location, artifacts.rootUri());
    };
    return BundleFiles.fromArtifactStore(artifacts, storePath);
  }

  /**
   * The prediction log of a serving process (the server, and every serving replica beside it): a bounded queue
   * written in the background to {@code database}, never blocking serving. One place, so every process logs alike.
   */
  public static PredictionLog predictionLog(SqlDatabase database, dev.cairn.server.deployments.ServingSettings settings) {
    return new PredictionLog(new PredictionStore(database), PredictionLogSettings.configured(database)
        .withSampleRate(settings.sampleRate()).withCapacity(settings.logCapacity(), 500));
  }

  /** How often the background refresher looks for moved aliases and changed routes, in seconds. */
  public static final long REFRESH_SECONDS = Long.getLong("cairn.serving.refresh-seconds", 5);

  /**
   * The serving tables of a server: deployments in {@code database}, bundles from the artifact store into a
   * temporary cache folder, every scored request handed to {@code sink} (the server's prediction log), versions
   * registered from a run ({@code runs:/}) read through {@code tracking}, refreshed every {@link #REFRESH_SECONDS}
   * seconds.
   */
  public static ServingTables tables(SqlDatabase database, ModelRegistryStore registry, ArtifactStore artifacts,
      LoggedModelStore loggedModels, PredictionSink sink, dev.cairn.store.MetadataStore tracking) {
    return tables(database, registry, artifacts, loggedModels, sink, tracking,
        REFRESH_SECONDS > 0 ? Duration.ofSeconds(REFRESH_SECONDS) : null);
  }

  /**
   * As above, reading versions registered from a run ({@code runs:/}) through {@code tracking} (null: such versions
   * are not served), refreshed every {@code refresh} (null: never in the background).
   */
  public static ServingTables tables(SqlDatabase database, ModelRegistryStore registry, ArtifactStore artifacts,
      LoggedModelStore loggedModels, PredictionSink sink, dev.cairn.store.MetadataStore tracking, Duration refresh) {
    Path cacheRoot;
    try {
      cacheRoot = Files.createTempDirectory("cairn-serving-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ServingTables tables = new ServingTables(new DeploymentStore(database, registry), registry,
        new ModelCache(bundleFiles(artifacts, loggedModels, tracking), cacheRoot, ModelRuntime.defaults()), sink,
        Limits.DEFAULT);
    if (refresh != null) {
      tables.startRefresher(refresh);
    }
    return tables;
  }

  private static Integer version(Context ctx) {
    String text = ctx.pathParam("version");
    if (!text.matches("\\d{1,9}")) {
      throw CairnException.invalid("path segment 'versions/" + text + "' is not a model version number");
    }
    return Integer.parseInt(text);
  }

  /** Runs an OIP handler, answering failures in OIP's error shape. */
  private void oip(Context ctx, Runnable handler) {
    try {
      handler.run();
    } catch (CairnException e) {
      if (e.code() == ErrorCode.INTERNAL_ERROR) {
        LOG.error("{} {} failed", ctx.method().name(), ctx.path(), e);
      }
      oipError(ctx, e.code().httpStatus(), e.getMessage());
    } catch (RuntimeException e) {
      LOG.error("{} {} failed", ctx.method().name(), ctx.path(), e);
      oipError(ctx, 500, "internal error; the server log has the details");
    }
  }

  private static void oipError(Context ctx, int status, String message) {
    if (status == 503) {
      ctx.header("Retry-After", "1");
    }
    Responses.json(ctx, status, OipCodec.error(message));
  }

  private void metadata(Context ctx, Integer version) {
    String deployment = ctx.pathParam("deployment");
    try (ServingTable.Lease lease = tables.table(deployment).lease()) {
      Served first = version == null ? lease.routes().get(0) : lease.version(version);
      List<String> versions = version == null
          ? lease.routes().stream().map(s -> String.valueOf(s.modelVersion())).distinct().toList()
          : List.of(String.valueOf(version));
      Responses.json(ctx, 200, first.oip().metadata(deployment, versions, PLATFORM));
    }
  }

  private void ready(Context ctx, Integer version) {
    String deployment = ctx.pathParam("deployment");
    ServingTable table;
    try {
      table = tables.table(deployment);
    } catch (CairnException e) {
      if (e.code() == ErrorCode.RESOURCE_DOES_NOT_EXIST) {
        throw e; // no such deployment, or a version it names is gone: 404 names which
      }
      // the deployment exists but its models cannot be loaded now: not ready
      throw new CairnException(ErrorCode.TEMPORARILY_UNAVAILABLE, "deployment '" + deployment + "' is not ready: "
          + e.getMessage());
    }
    try (ServingTable.Lease lease = table.lease()) {
      if (version != null) {
        lease.version(version);
      }
      Responses.json(ctx, 200, Json.MAPPER.createObjectNode().put("name", deployment).put("ready", true));
    }
  }

  private void infer(Context ctx, Integer version) {
    String deployment = ctx.pathParam("deployment");
    long start = System.nanoTime();
    ServingTable table = table(deployment);
    Served served = null;
    try (ServingTable.Lease lease = table.lease()) {
      byte[] body = body(ctx);
      served = version != null ? lease.version(version) : null;
      ScoringRequest request;
      if (served == null && lease.sticky() != null && lease.sticky().source() == Sticky.Source.FIELD) {
        request = lease.routes().get(0).oip().decode(body); // the key is a field: read the rows first
        served = lease.pick(ctx::header, request.rows());
      } else {
        if (served == null) {
          served = lease.pick(ctx::header, null);
        }
        request = served.oip().decode(body);
      }
      Answer answer = lease.score(served, request);
      ObjectNode out = served.oip().encode(deployment, String.valueOf(served.modelVersion()), request.id(),
          answer.scored());
      ObjectNode parameters = out.putObject("parameters");
      parameters.put("model_name", served.modelName());
      ArrayNode ids = parameters.putArray("prediction_ids");
      answer.predictionIds().forEach(ids::add);
      headers(ctx, answer);
      answered(deployment, lease, served, request.rows().size(), start);
      Responses.json(ctx, 200, out);
    } catch (RuntimeException e) {
      failed(deployment, served);
      throw e;
    }
  }

  void invocations(Context ctx, String deployment) {
    long start = System.nanoTime();
    ServingTable table = table(deployment);
    Served served = null;
    try (ServingTable.Lease lease = table.lease()) {
      byte[] body = body(ctx);
      String contentType = ctx.header("Content-Type");
      ScoringRequest request;
      if (lease.sticky() != null && lease.sticky().source() == Sticky.Source.FIELD) {
        request = lease.routes().get(0).mlflow().decode(contentType, body);
        served = lease.pick(ctx::header, request.rows());
      } else {
        served = lease.pick(ctx::header, null);
        request = served.mlflow().decode(contentType, body);
      }
      Answer answer = lease.score(served, request);
      headers(ctx, answer);
      answered(deployment, lease, served, request.rows().size(), start);
      Responses.json(ctx, 200, MlflowCodec.encode(answer.scored()));
    } catch (RuntimeException e) {
      failed(deployment, served);
      throw e;
    }
  }

  /**
   * The deployment's table; a deployment that exists but cannot be served now counts as a failure (one that does
   * not exist is not counted: any name could be asked for, and each would make meters).
   */
  private ServingTable table(String deployment) {
    try {
      return tables.table(deployment);
    } catch (CairnException e) {
      if (e.code() != ErrorCode.RESOURCE_DOES_NOT_EXIST) {
        failed(deployment, null);
      }
      throw e;
    }
  }

  private void answered(String deployment, ServingTable.Lease lease, Served served, int rows, long startNanos) {
    if (metrics != null) {
      metrics.of(deployment, served).answered(rows, System.nanoTime() - startNanos);
      for (Served shadow : lease.shadows()) {
        metrics.of(deployment, shadow).shadowed();
      }
    }
  }

  private void failed(String deployment, Served served) {
    if (metrics != null) {
      (served == null ? metrics.unversioned(deployment) : metrics.of(deployment, served)).failed();
    }
  }

  private static void headers(Context ctx, Answer answer) {
    ctx.header(VERSION_HEADER, answer.served().modelName() + "/" + answer.served().modelVersion());
    ctx.header(IDS_HEADER, String.join(",", answer.predictionIds()));
  }

  /** The request body, refused past the serving limit before more of it is read. */
  private byte[] body(Context ctx) {
    long limit = tables.limits().maxBodyBytes();
    long declared = ctx.req().getContentLengthLong();
    if (declared > limit) {
      throw new CairnException(ErrorCode.REQUEST_TOO_LARGE, "request body is " + declared + " bytes; the limit is "
          + limit + " bytes");
    }
    try {
      byte[] bytes = ctx.req().getInputStream().readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
      if (bytes.length > limit) {
        throw new CairnException(ErrorCode.REQUEST_TOO_LARGE, "request body is over the limit of " + limit
            + " bytes");
      }
      return bytes;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
