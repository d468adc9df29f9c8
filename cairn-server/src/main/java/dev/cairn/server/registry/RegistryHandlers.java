package dev.cairn.server.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.core.CairnException;
import dev.cairn.registry.ModelStage;
import dev.cairn.registry.ModelUri;
import dev.cairn.registry.ModelVersion;
import dev.cairn.registry.RegisteredModel;
import dev.cairn.registry.RegistryNames;
import dev.cairn.server.http.RequestFields;
import dev.cairn.store.MetadataStore;
import dev.cairn.store.registry.ModelRegistryStore;
import dev.cairn.store.registry.ModelRegistryStore.NewModelVersion;
import dev.cairn.store.registry.ModelVersionManifests;
import dev.cairn.tracking.Page;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The registry endpoints: each reads its fields, calls one store method and renders MLflow's JSON. Download
 * locations are worked out here from the version's source, its run's artifact location or its logged model.
 */
final class RegistryHandlers {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final ModelRegistryStore store;
  private final MetadataStore tracking;
  private final Function<String, Optional<String>> loggedModelLocations;
  /** Signs new versions' manifests; null when the server keeps none (then the manifest routes say so). */
  private final ModelIntegrity integrity;

  RegistryHandlers(ModelRegistryStore store, MetadataStore tracking,
      Function<String, Optional<String>> loggedModelLocations, ModelIntegrity integrity) {
    this.store = store;
    this.tracking = tracking;
    this.loggedModelLocations = loggedModelLocations;
    this.integrity = integrity;
  }

  /** One request: its fields and the authenticated user, or null when authentication is off. */
  record Call(RequestFields fields, String actor) {}

  // ---- registered models

  JsonNode createRegisteredModel(Call c) {
    RequestFields f = c.fields();
    RegisteredModel m = store.createRegisteredModel(f.requiredString("name"), f.string("description"), tags(f));
    return wrap("registered_model", RegistryJson.registeredModel(m));
  }

  JsonNode getRegisteredModel(Call c) {
    return wrap("registered_model", RegistryJson.registeredModel(store.getRegisteredModel(name(c))));
  }

  JsonNode renameRegisteredModel(Call c) {
    RegisteredModel m = store.renameRegisteredModel(name(c), c.fields().requiredString("new_name"));
    return wrap("registered_model", RegistryJson.registeredModel(m));
  }

  JsonNode updateRegisteredModel(Call c) {
    RegisteredModel m = store.updateRegisteredModel(name(c), c.fields().string("description"));
    return wrap("registered_model", RegistryJson.registeredModel(m));
  }

  JsonNode deleteRegisteredModel(Call c) {
    store.deleteRegisteredModel(name(c));
    return NODES.objectNode();
  }

  JsonNode searchRegisteredModels(Call c) {
    RequestFields f = c.fields();
    Page<RegisteredModel> page = store.searchRegisteredModels(f.string("filter"), f.strings("order_by"),
        f.intValue("max_results", ModelRegistryStore.DEFAULT_MODELS_PAGE, 1, ModelRegistryStore.MAX_MODELS_PAGE),
        f.string("page_token"));
    ObjectNode n = NODES.objectNode();
    ArrayNode items = n.putArray("registered_models");
    page.items().forEach(m -> items.add(RegistryJson.registeredModel(m)));
    if (page.nextPageToken() != null) {
      n.put("next_page_token", page.nextPageToken());
    }
    return n;
  }

  JsonNode setRegisteredModelTag(Call c) {
    RequestFields f = c.fields();
    store.setRegisteredModelTag(name(c), f.requiredString("key"), f.requiredString("value"));
    return NODES.objectNode();
  }

  JsonNode deleteRegisteredModelTag(Call c) {
    store.deleteRegisteredModelTag(name(c), c.fields().requiredString("key"));
    return NODES.objectNode();
  }

  JsonNode getLatestVersions(Call c) {
    return versions(store.getLatestVersions(name(c), c.fields().strings("stages")));
  }

  // ---- aliases

  JsonNode setAlias(Call c) {
    RequestFields f = c.fields();
    store.setAlias(name(c), f.requiredString("alias"), version(c), c.actor());
    return NODES.objectNode();
  }

  JsonNode deleteAlias(Call c) {
    store.deleteAlias(name(c), c.fields().requiredString("alias"), c.actor());
    return NODES.objectNode();
  }

  JsonNode getModelVersionByAlias(Call c) {
    ModelVersion v = store.getModelVersionByAlias(name(c), c.fields().requiredString("alias"));
    return wrap("model_version", RegistryJson.modelVersion(v));
  }

  // ---- model versions

  JsonNode createModelVersion(Call c) {
    RequestFields f = c.fields();
    NewModelVersion nv = new NewModelVersion(name(c), f.requiredString("source"),
        f.string("run_id"), f.string("run_link"), f.string("description"), tags(f), c.actor(), f.string("model_id"));
    if (integrity == null) {
      return wrap("model_version", RegistryJson.modelVersion(store.createModelVersion(nv)));
    }
    // the files are listed before the version exists; the manifest is written in the version's own transaction
    // (an unknown run or a malformed runs:/ source never stopped a registration, and does not now)
    String location;
    try {
      location = downloadUri(nv.source(), nv.modelId());
    } catch (CairnException e) {
      location = null;
    }
    ModelIntegrity.Listing listing = location == null
        ? new ModelIntegrity.Listing(null, "its download location could not be worked out from source "
            + nv.source() + " when it was registered")
        : integrity.list(location); // a store failure fails the registration: nothing is created
    ModelVersion v = store.createModelVersion(nv, integrity.record(listing));
    return wrap("model_version", RegistryJson.modelVersion(v));
  }

  JsonNode getModelVersion(Call c) {
    return wrap("model_version", RegistryJson.modelVersion(store.getModelVersion(name(c), version(c))));
  }

  JsonNode updateModelVersion(Call c) {
    ModelVersion v = store.updateModelVersion(name(c), version(c), c.fields().string("description"));
    return wrap("model_version", RegistryJson.modelVersion(v));
  }

  JsonNode deleteModelVersion(Call c) {
    store.deleteModelVersion(name(c), version(c));
    return NODES.objectNode();
  }

  JsonNode searchModelVersions(Call c) {
    RequestFields f = c.fields();
    Page<ModelVersion> page = store.searchModelVersions(f.string("filter"), f.strings("order_by"),
        f.intValue("max_results", ModelRegistryStore.DEFAULT_VERSIONS_PAGE, 1, ModelRegistryStore.MAX_VERSIONS_PAGE),
        f.string("page_token"));
    ObjectNode n = (ObjectNode) versions(page.items());
    if (page.nextPageToken() != null) {
      n.put("next_page_token", page.nextPageToken());
    }
    return n;
  }

  JsonNode getDownloadUri(Call c) {
    ModelVersion v = store.getModelVersion(name(c), version(c));
    return NODES.objectNode().put("artifact_uri", downloadUri(v));
  }

  JsonNode setModelVersionTag(Call c) {
    RequestFields f = c.fields();
    store.setModelVersionTag(name(c), version(c), f.requiredString("key"), f.requiredString("value"));
    return NODES.objectNode();
  }

  JsonNode deleteModelVersionTag(Call c) {
    store.deleteModelVersionTag(name(c), version(c), c.fields().requiredString("key"));
    return NODES.objectNode();
  }

  JsonNode transitionStage(Call c) {
    RequestFields f = c.fields();
    ModelVersion v = store.transitionStage(name(c), version(c), ModelStage.parse(f.requiredString("stage")),
        bool(f, "archive_existing_versions"));
    return wrap("model_version", RegistryJson.modelVersion(v));
  }

  // ---- Cairn: integrity

  /**
   * {@code {name, version, status, ...}}: status {@code signed} with {@code manifest} (canonical JSON text, the
   * exact bytes signed), {@code sha256}, {@code signature} (base64), {@code public_key} (PEM) and
   * {@code key_fingerprint}; or status {@code none} with {@code reason}.
   */
  JsonNode manifest(Call c) {
    String name = name(c);
    int version = version(c);
    ObjectNode n = NODES.objectNode().put("name", name).put("version", Integer.toString(version));
    if (integrity == null) {
      store.getModelVersion(name, version); // an unknown version is still 404
      return n.put("status", "none").put("reason", "this server keeps no manifests");
    }
    Optional<ModelVersionManifests.Record> found = integrity.get(name, version);
    if (found.isEmpty()) {
      return n.put("status", "none").put("reason", "the version was registered before manifests were kept");
    }
    ModelVersionManifests.Record r = found.get();
    if (r.status() == ModelVersionManifests.Status.NONE) {
      return n.put("status", "none").put("reason", r.reason());
    }
    return n.put("status", "signed").put("manifest", r.manifest()).put("sha256", r.sha256())
        .put("signature", r.signature()).put("key_fingerprint", r.keyFingerprint())
        .put("public_key", integrity.keys().publicKeyPem());
  }

  /** {@code {public_key (PEM), key_fingerprint}}: the key every manifest signature verifies with. */
  JsonNode publicKey(Call c) {
    if (integrity == null) {
      throw CairnException.notFound("this server keeps no manifest signing key");
    }
    return NODES.objectNode().put("public_key", integrity.keys().publicKeyPem())
        .put("key_fingerprint", integrity.keys().fingerprint());
  }

  // ---- Cairn: URI resolution

  /** {@code {name, version, source, download_uri, run_id}} for a models:/ or runs:/ URI. */
  JsonNode resolve(Call c) {
    ModelUri uri = ModelUri.parse(c.fields().requiredString("uri"));
    ObjectNode n = NODES.objectNode();
    if (uri.kind() == ModelUri.Kind.RUN) {
      n.putNull("name");
      n.putNull("version");
      n.put("source", uri.toString());
      n.put("download_uri", runArtifacts(uri.runId(), uri.path()));
      n.put("run_id", uri.runId());
      return n;
    }
    ModelVersion v = store.resolve(uri);
    n.put("name", v.name());
    n.put("version", Integer.toString(v.version()));
    n.put("source", v.source());
    n.put("download_uri", downloadUri(v));
    if (v.runId() == null) {
      n.putNull("run_id");
    } else {
      n.put("run_id", v.runId());
    }
    return n;
  }

  /**
   * Where a version's files are: its MLflow 3 logged model's location when the resolver knows it, the run's
   * artifact location plus the path for a {@code runs:/} source, else the source itself.
   */
  String downloadUri(ModelVersion v) {
    return downloadUri(v.source(), v.modelId());
  }

  private String downloadUri(String source, String modelId) {
    if (modelId != null && !modelId.isEmpty()) {
      Optional<String> location = loggedModelLocations.apply(modelId);
      if (location.isPresent()) {
        return location.get();
      }
    }
    if (source.startsWith("runs:/")) {
      ModelUri run = ModelUri.parse(source);
      return runArtifacts(run.runId(), run.path());
    }
    return source;
  }

  private String runArtifacts(String runId, String path) {
    String root = tracking.getRun(runId).info().artifactUri();
    if (root == null) {
      throw CairnException.notFound("run " + runId + " has no artifact location");
    }
    while (root.endsWith("/")) {
      root = root.substring(0, root.length() - 1);
    }
    return path.isEmpty() ? root : root + "/" + path;
  }

  // ---- fields

  private static String name(Call c) {
    return c.fields().requiredString("name");
  }

  private static int version(Call c) {
    return RegistryNames.parseVersion(c.fields().requiredString("version"));
  }

  private static Map<String, String> tags(RequestFields f) {
    Map<String, String> tags = new LinkedHashMap<>();
    for (RequestFields t : f.objects("tags")) {
      String value = t.string("value");
      tags.put(t.requiredString("key"), value == null ? "" : value);
    }
    return tags;
  }

  /** A bool field: JSON true/false, or "true"/"false" in a query string or as JSON text. */
  private static boolean bool(RequestFields f, String field) {
    JsonNode raw = f.raw(field);
    if (raw != null && raw.isBoolean()) {
      return raw.booleanValue();
    }
    String text = raw != null && raw.isNull() ? null : f.string(field);
    if (text == null) {
      return false;
    }
    return switch (text.strip().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw CairnException.invalid("Invalid value '" + text + "' for parameter '" + field
          + "': expected true or false");
    };
  }

  private static JsonNode versions(List<ModelVersion> versions) {
    ObjectNode n = NODES.objectNode();
    ArrayNode items = n.putArray("model_versions");
    versions.forEach(v -> items.add(RegistryJson.modelVersion(v)));
    return n;
  }

  private static JsonNode wrap(String field, ObjectNode value) {
    ObjectNode n = NODES.objectNode();
    n.set(field, value);
    return n;
  }
}
