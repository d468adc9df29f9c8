package dev.cairn.server.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.server.http.RequestFields;
import dev.cairn.server.http.Responses;
import dev.cairn.server.http.StreamedJson;
import dev.cairn.store.ArtifactStore;
import dev.cairn.store.MetadataStore;
import dev.cairn.store.loggedmodels.LoggedModelStore;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.List;
import java.util.function.Function;

/**
 * Every MLflow tracking route in one list, each served under {@code /api/2.0/mlflow/} and
 * {@code /ajax-api/2.0/mlflow/} with the HTTP method MLflow's service.proto gives it. GET reads the
 * query string (repeated keys for lists), POST a JSON body.
 */
public final class MlflowRoutes {
  public static final List<String> PREFIXES = List.of("/api/2.0/mlflow/", "/ajax-api/2.0/mlflow/");

  enum Method { GET, POST }

  /** One endpoint: method, path below the prefix, and the handler, answering a {@link JsonNode} or a {@link StreamedJson}. */
  record Route(Method method, String path, Function<RequestFields, Object> action) {}

  private MlflowRoutes() {}

  static List<Route> routes(TrackingHandlers h) {
    return List.of(
        new Route(Method.POST, "experiments/create", h::createExperiment),
        new Route(Method.GET, "experiments/get", h::getExperiment),
        new Route(Method.GET, "experiments/get-by-name", h::getExperimentByName),
        new Route(Method.POST, "experiments/search", h::searchExperiments),
        new Route(Method.GET, "experiments/search", h::searchExperiments),
        new Route(Method.POST, "experiments/update", h::updateExperiment),
        new Route(Method.POST, "experiments/delete", h::deleteExperiment),
        new Route(Method.POST, "experiments/restore", h::restoreExperiment),
        new Route(Method.POST, "experiments/set-experiment-tag", h::setExperimentTag),
        new Route(Method.POST, "experiments/delete-experiment-tag", h::deleteExperimentTag),
        new Route(Method.POST, "runs/create", h::createRun),
        new Route(Method.GET, "runs/get", h::getRun),
        new Route(Method.POST, "runs/update", h::updateRun),
        new Route(Method.POST, "runs/delete", h::deleteRun),
        new Route(Method.POST, "runs/restore", h::restoreRun),
        new Route(Method.POST, "runs/search", h::searchRuns),
        new Route(Method.POST, "runs/log-metric", h::logMetric),
        new Route(Method.POST, "runs/log-parameter", h::logParam),
        new Route(Method.POST, "runs/set-tag", h::setTag),
        new Route(Method.POST, "runs/delete-tag", h::deleteTag),
        new Route(Method.POST, "runs/log-batch", h::logBatch),
        new Route(Method.POST, "runs/log-inputs", h::logInputs),
        new Route(Method.GET, "metrics/get-history", h::getMetricHistory),
        new Route(Method.GET, "metrics/get-history-bulk-interval", h::getMetricHistoryBulkInterval),
        new Route(Method.GET, "artifacts/list", h::listArtifacts));
  }

  public static void register(RoutesConfig config, MetadataStore store, ArtifactStore artifacts) {
    register(config, store, artifacts, null);
  }

  /**
   * As {@link #register(RoutesConfig, MetadataStore, ArtifactStore)}, with MLflow 3's links between runs and logged
   * models: runs/get lists the models a run produced, and metrics logged with a model_id are linked to that model.
   * A null {@code loggedModels} serves runs without them.
   */
  public static void register(RoutesConfig config, MetadataStore store, ArtifactStore artifacts,
      LoggedModelStore loggedModels) {
    TrackingHandlers handlers = new TrackingHandlers(store, artifacts, loggedModels);
    for (Route route : routes(handlers)) {
      for (String prefix : PREFIXES) {
        String path = prefix + route.path();
        if (route.method() == Method.GET) {
          config.get(path, ctx -> respond(ctx, route.action().apply(RequestFields.ofQuery(ctx.queryParamMap()))));
        } else {
          config.post(path, ctx -> respond(ctx, route.action().apply(RequestFields.ofJsonBody(ctx.req().getInputStream()))));
        }
      }
    }
  }

  private static void respond(Context ctx, Object body) {
    if (body instanceof StreamedJson streamed) {
      StreamedJson.send(ctx, streamed);
    } else {
      Responses.json(ctx, 200, (JsonNode) body);
    }
  }
}
