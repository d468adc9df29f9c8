package dev.cairn.server.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.server.http.RequestFields;
import dev.cairn.server.http.Responses;
import dev.cairn.server.mlflow.MlflowRoutes;
import dev.cairn.store.MetadataStore;
import dev.cairn.store.registry.ModelRegistryStore;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Every model registry route in one list: MLflow's (model_registry.proto's paths and HTTP methods, each under
 * {@link MlflowRoutes#PREFIXES}) and Cairn's URI resolution. GET reads the query string; POST and PATCH a JSON
 * body; DELETE a JSON body, or the query string when the body is empty (clients differ).
 */
public final class RegistryRoutes {
  /** Cairn's resolver of models:/ and runs:/ URIs: {@code GET ?uri=models:/NAME@ALIAS}. */
  public static final String RESOLVE_PATH = "/api/cairn/v1/models/resolve";
  /** A version's signed manifest: {@code GET ?name=NAME&version=N}. */
  public static final String MANIFEST_PATH = "/api/cairn/v1/models/manifest";
  /** The server's manifest signing public key (PEM). */
  public static final String PUBLIC_KEY_PATH = "/api/cairn/v1/models/public-key";
  /** The user a request is made by, put there by the authentication layer; absent when it is off. */
  static final String ACTOR_ATTRIBUTE = "cairn.actor";

  enum Method { GET, POST, PATCH, DELETE }

  /** One endpoint: method, path (below the MLflow prefixes unless absolute), handler. */
  record Route(Method method, String path, Function<RegistryHandlers.Call, JsonNode> action) {}

  /** One served endpoint, e.g. {@code DELETE /api/2.0/mlflow/registered-models/alias}. */
  public record Endpoint(String method, String path) {}

  private RegistryRoutes() {}

  /**
   * Every endpoint these routes serve, both prefixes included: the surface an authorisation rule table must cover.
   * All but the resolver and the public key name their registered model in the request field {@code name}; the
   * resolver in {@code uri}; the public key none.
   */
  public static List<Endpoint> endpoints() {
    List<Endpoint> out = new java.util.ArrayList<>();
    for (Route route : routes(new RegistryHandlers(null, null, id -> Optional.empty(), null))) {
      for (String path : paths(route)) {
        out.add(new Endpoint(route.method().name(), path));
      }
    }
    return out;
  }

  private static List<String> paths(Route route) {
    return route.path().startsWith("/") ? List.of(route.path())
        : MlflowRoutes.PREFIXES.stream().map(p -> p + route.path()).toList();
  }

  static List<Route> routes(RegistryHandlers h) {
    return List.of(
        new Route(Method.POST, "registered-models/create", h::createRegisteredModel),
        new Route(Method.GET, "registered-models/get", h::getRegisteredModel),
        new Route(Method.POST, "registered-models/rename", h::renameRegisteredModel),
        new Route(Method.PATCH, "registered-models/update", h::updateRegisteredModel),
        new Route(Method.DELETE, "registered-models/delete", h::deleteRegisteredModel),
        new Route(Method.GET, "registered-models/search", h::searchRegisteredModels),
        new Route(Method.POST, "registered-models/set-tag", h::setRegisteredModelTag),
        new Route(Method.DELETE, "registered-models/delete-tag", h::deleteRegisteredModelTag),
        new Route(Method.POST, "registered-models/get-latest-versions", h::getLatestVersions),
        new Route(Method.GET, "registered-models/get-latest-versions", h::getLatestVersions),
        new Route(Method.POST, "registered-models/alias", h::setAlias),
        new Route(Method.DELETE, "registered-models/alias", h::deleteAlias),
        new Route(Method.GET, "registered-models/alias", h::getModelVersionByAlias),
        new Route(Method.POST, "model-versions/create", h::createModelVersion),
        new Route(Method.GET, "model-versions/get", h::getModelVersion),
        new Route(Method.PATCH, "model-versions/update", h::updateModelVersion),
        new Route(Method.DELETE, "model-versions/delete", h::deleteModelVersion),
        new Route(Method.GET, "model-versions/search", h::searchModelVersions),
        new Route(Method.GET, "model-versions/get-download-uri", h::getDownloadUri),
        new Route(Method.POST, "model-versions/set-tag", h::setModelVersionTag),
        new Route(Method.DELETE, "model-versions/delete-tag", h::deleteModelVersionTag),
        new Route(Method.POST, "model-versions/transition-stage", h::transitionStage),
        new Route(Method.GET, RESOLVE_PATH, h::resolve),
        new Route(Method.GET, MANIFEST_PATH, h::manifest),
        new Route(Method.GET, PUBLIC_KEY_PATH, h::publicKey));
  }

  /**
   * Registers the routes. {@code loggedModelLocations} maps an MLflow 3 logged model id to its artifact location
   * (empty when unknown: the version's source is used).
   */
  public static void register(RoutesConfig config, ModelRegistryStore store, MetadataStore tracking,
      Function<String, Optional<String>> loggedModelLocations) {
    register(config, store, tracking, loggedModelLocations, null);
  }

  /** As the four-argument register, signing each new version's manifest with {@code integrity} (null: none). */
  public static void register(RoutesConfig config, ModelRegistryStore store, MetadataStore tracking,
      Function<String, Optional<String>> loggedModelLocations, ModelIntegrity integrity) {
    RegistryHandlers handlers = new RegistryHandlers(store, tracking, loggedModelLocations, integrity);
    for (Route route : routes(handlers)) {
      for (String path : paths(route)) {
        switch (route.method()) {
          case GET -> config.get(path, ctx -> respond(ctx, route, RequestFields.ofQuery(ctx.queryParamMap())));
          case POST -> config.post(path, ctx -> respond(ctx, route, RequestFields.ofJsonBody(ctx.req().getInputStream())));
          case PATCH -> config.patch(path, ctx -> respond(ctx, route, RequestFields.ofJsonBody(ctx.req().getInputStream())));
          case DELETE -> config.delete(path, ctx -> respond(ctx, route, deleteFields(ctx)));
        }
      }
    }
  }

  private static RequestFields deleteFields(Context ctx) throws java.io.IOException {
    byte[] body = ctx.req().getInputStream().readNBytes(RequestFields.MAX_JSON_BYTES + 1);
    if (body.length == 0 || new String(body, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
      return RequestFields.ofQuery(ctx.queryParamMap());
    }
    return RequestFields.ofJsonBody(new java.io.ByteArrayInputStream(body));
  }

  private static void respond(Context ctx, Route route, RequestFields fields) {
    Object actor = ctx.attribute(ACTOR_ATTRIBUTE);
    JsonNode body = route.action().apply(new RegistryHandlers.Call(fields, actor == null ? null : actor.toString()));
    Responses.json(ctx, 200, body);
  }
}
