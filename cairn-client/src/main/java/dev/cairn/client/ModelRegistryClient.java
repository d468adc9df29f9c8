package dev.cairn.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.registry.ModelStage;
import dev.cairn.registry.ModelUri;
import dev.cairn.registry.ModelVersion;
import dev.cairn.registry.ModelVersionStatus;
import dev.cairn.registry.RegisteredModel;
import dev.cairn.registry.integrity.ArtifactManifest;
import dev.cairn.registry.integrity.Ed25519Signer;
import dev.cairn.registry.integrity.ManifestVerifier;
import dev.cairn.registry.integrity.SigningKeys;
import dev.cairn.registry.integrity.VerificationReport;
import dev.cairn.tracking.Page;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The model registry of a Cairn (or MLflow) server: registered models, their versions and aliases, and
 * {@code models:/} URIs resolved and downloaded. Get one from {@link CairnClient#models()}. Errors are
 * {@link CairnException}s with the server's code: an unknown model, version or alias is
 * {@link ErrorCode#RESOURCE_DOES_NOT_EXIST}, a taken name {@link ErrorCode#RESOURCE_ALREADY_EXISTS}, a reserved
 * alias ({@code latest}, {@code v<digits>}) {@link ErrorCode#INVALID_PARAMETER_VALUE}. Thread-safe.
 */
public final class ModelRegistryClient {
  static final String RESOLVE = "/api/cairn/v1/models/resolve";
  static final String MANIFEST = "/api/cairn/v1/models/manifest";
  static final String PUBLIC_KEY = "/api/cairn/v1/models/public-key";

  private final Http http;
  private final ArtifactTransfer artifacts;

  ModelRegistryClient(Http http, ArtifactTransfer artifacts) {
    this.http = http;
    this.artifacts = artifacts;
  }

  /**
   * Where a model URI points: the version it names ({@code name} and {@code version} null for a {@code runs:/} URI),
   * its source as registered, and the location its files download from.
   */
  public record Resolved(String name, Integer version, String source, String downloadUri, String runId) {}

  /**
   * A version's integrity record as the server keeps it. When {@link #signed()}: {@code manifest} (its files with
   * sizes and SHA-256, subject {@code models:/NAME/VERSION}), {@code manifestJson} (the canonical text, the exact bytes
   * hashed), {@code sha256}, {@code signature} (base64 Ed25519) and the server's {@code publicKeyPem}; otherwise
   * only {@code reason} (e.g. the files are outside the server's artifact store).
   */
  public record VersionManifest(String name, int version, boolean signed, String reason, ArtifactManifest manifest,
      String manifestJson, String sha256, String signature, String publicKeyPem) {}

  /** Creates a registered model with no versions. */
  public RegisteredModel createModel(String name) {
    return createModel(name, null, Map.of());
  }

  /** Creates a registered model with a description (may be null) and tags. */
  public RegisteredModel createModel(String name, String description, Map<String, String> tags) {
    ObjectNode body = Wire.object().put("name", name);
    Wire.putIfPresent(body, "description", description);
    body.set("tags", tagArray(tags));
    return model(http.post(CairnClient.API + "registered-models/create", body).path("registered_model"));
  }

  public RegisteredModel getModel(String name) {
    return model(http.get(CairnClient.API + "registered-models/get", Map.of("name", name)).path("registered_model"));
  }

  /**
   * Registered models matching an MLflow filter ({@code name LIKE 'churn%'}, {@code tags.team = 'growth'}; null for
   * all), by name; {@code maxResults} 0 for the server's default page, {@code pageToken} from the previous page.
   */
  public Page<RegisteredModel> searchModels(String filter, int maxResults, String pageToken) {
    Map<String, String> query = new LinkedHashMap<>();
    query.put("filter", filter);
    query.put("max_results", maxResults > 0 ? Integer.toString(maxResults) : null);
    query.put("page_token", pageToken);
    JsonNode r = http.get(CairnClient.API + "registered-models/search", query);
    List<RegisteredModel> items = new ArrayList<>();
    r.path("registered_models").forEach(m -> items.add(model(m)));
    return new Page<>(items, nextToken(r));
  }

  /** Registers a new version of {@code name} whose files are at {@code source}; {@code runId} may be null. */
  public ModelVersion createVersion(String name, String source, String runId) {
    return createVersion(name, source, runId, null, null);
  }

  /**
   * Registers a new version of {@code name} as MLflow 3 registers a logged model: {@code source}
   * {@code models:/<modelId>} and {@code modelId} set. {@code runId}, {@code modelId} and {@code description} may be
   * null.
   */
  public ModelVersion createVersion(String name, String source, String runId, String modelId, String description) {
    ObjectNode body = Wire.object().put("name", name).put("source", source);
    Wire.putIfPresent(body, "run_id", runId);
    Wire.putIfPresent(body, "model_id", modelId);
    Wire.putIfPresent(body, "description", description);
    return version(http.post(CairnClient.API + "model-versions/create", body).path("model_version"));
  }

  /** Registers the run's artifact folder {@code path} (e.g. "model") as a new version: source {@code runs:/RUN/path}. */
  public ModelVersion registerRunArtifacts(String name, String runId, String path) {
    String relative = ArtifactTransfer.normalise(path);
    return createVersion(name, "runs:/" + runId + (relative.isEmpty() ? "" : "/" + relative), runId);
  }

  public ModelVersion getVersion(String name, int version) {
    return version(http.get(CairnClient.API + "model-versions/get",
        Map.of("name", name, "version", Integer.toString(version))).path("model_version"));
  }

  /**
   * Versions matching an MLflow filter ({@code name = 'churn'}, {@code run_id IN ('a','b')}, {@code tags.k = 'v'},
   * {@code version_number > 2}; null for all), by name then newest version first.
   */
  public Page<ModelVersion> searchVersions(String filter, int maxResults, String pageToken) {
    Map<String, String> query = new LinkedHashMap<>();
    query.put("filter", filter);
    query.put("max_results", maxResults > 0 ? Integer.toString(maxResults) : null);
    query.put("page_token", pageToken);
    JsonNode r = http.get(CairnClient.API + "model-versions/search", query);
    List<ModelVersion> items = new ArrayList<>();
    r.path("model_versions").forEach(v -> items.add(version(v)));
    return new Page<>(items, nextToken(r));
  }

  /** Points {@code alias} of model {@code name} at {@code version}, moving it from any version that held it. */
  public void setAlias(String name, String alias, int version) {
    http.post(CairnClient.API + "registered-models/alias",
        Wire.object().put("name", name).put("alias", alias).put("version", Integer.toString(version)));
  }

  /** Removes an alias; removing one that is not set is no error. */
  public void deleteAlias(String name, String alias) {
    byte[] body;
    try {
      body = Http.READER.writeValueAsBytes(Wire.object().put("name", name).put("alias", alias));
    } catch (IOException e) {
      throw new IllegalStateException("cannot serialise request body", e);
    }
    http.sendJson(HttpRequest.newBuilder(http.uri(CairnClient.API + "registered-models/alias", Map.of()))
        .header("Content-Type", "application/json")
        .method("DELETE", HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  public ModelVersion getVersionByAlias(String name, String alias) {
    return version(http.get(CairnClient.API + "registered-models/alias", Map.of("name", name, "alias", alias))
        .path("model_version"));
  }

  /**
   * Resolves {@code models:/NAME/3}, {@code models:/NAME@alias}, {@code models:/NAME/latest} or
   * {@code runs:/RUN_ID/path}; a malformed URI fails before any request, naming the expected forms.
   */
  public Resolved resolve(String uri) {
    ModelUri.parse(uri);
    JsonNode r = http.get(RESOLVE, Map.of("uri", uri));
    return new Resolved(text(r, "name"), r.hasNonNull("version") ? Integer.valueOf(r.get("version").asText()) : null,
        text(r, "source"), text(r, "download_uri"), text(r, "run_id"));
  }

  /**
   * The integrity record of version {@code version} of {@code name}. A signed one is checked before it is returned:
   * the manifest text hashes to {@code sha256}, names {@code models:/NAME/VERSION}, and the signature verifies with
   * the server's public key; a failure raises INVALID_STATE saying which.
   */
  public VersionManifest manifest(String name, int version) {
    JsonNode r = http.get(MANIFEST, Map.of("name", name, "version", Integer.toString(version)));
    if (!"signed".equals(r.path("status").asText())) {
      return new VersionManifest(name, version, false, text(r, "reason"), null, null, null, null, null);
    }
    String json = r.path("manifest").asText();
    String sha256 = r.path("sha256").asText();
    String signature = r.path("signature").asText();
    String pem = r.path("public_key").asText();
    ArtifactManifest manifest = ArtifactManifest.parse(json.getBytes(StandardCharsets.UTF_8));
    String subject = "models:/" + name + "/" + version;
    if (!manifest.sha256().equals(sha256) || !subject.equals(manifest.subject())) {
      throw new CairnException(ErrorCode.INVALID_STATE, "the server's manifest of " + subject + " is inconsistent: "
          + "it hashes to " + manifest.sha256() + " and names " + manifest.subject() + ", but the server says "
          + sha256 + " for " + subject);
    }
    PublicKey key = SigningKeys.parsePublicKey(pem, "the server's public key");
    try {
      Ed25519Signer.verify(key, manifest, signature);
    } catch (CairnException e) {
      throw new CairnException(ErrorCode.INVALID_STATE, "the manifest of " + subject + " is not signed by the "
          + "server's key: " + e.getMessage(), e);
    }
    return new VersionManifest(name, version, true, null, manifest, json, sha256, signature, pem);
  }

  /** The server's manifest signing public key, as PEM text. */
  public String publicKeyPem() {
    return http.get(PUBLIC_KEY, Map.of()).path("public_key").asText();
  }

  /**
   * Downloads the files a model URI names into {@code destDir} (the contents of the version's folder, or its one
   * file) and returns {@code destDir}. Only locations the server's artifact proxy serves ({@code mlflow-artifacts:})
   * can be downloaded through it; others fail with INVALID_STATE naming the location.
   *
   * <p>When the version has a signed manifest ({@link #manifest}), the files are downloaded into a fresh folder
   * inside {@code destDir} first and checked against it: only when every file matches (and no other came) are they
   * moved into {@code destDir}. A mismatch raises INVALID_STATE naming the first bad file, and {@code destDir} is
   * left as it was (nothing of the user's is deleted or overwritten).
   */
  public Path download(String uri, Path destDir) {
    return download(uri, destDir, CairnClient.Progress.NONE);
  }

  /** As {@link #download(String, Path)}, reporting bytes received per file. */
  public Path download(String uri, Path destDir, CairnClient.Progress progress) {
    return downloadVerified(uri, destDir, progress).folder();
  }

  /** What {@link #downloadVerified} wrote, and the manifest it checked the files against (null when none). */
  public record Download(Path folder, VersionManifest manifest) {}

  /** As {@link #download(String, Path, CairnClient.Progress)}, also returning the manifest the files matched. */
  public Download downloadVerified(String uri, Path destDir, CairnClient.Progress progress) {
    Resolved resolved = resolve(uri);
    VersionManifest manifest = resolved.name() == null ? null : manifest(resolved.name(), resolved.version());
    if (manifest == null || !manifest.signed()) {
      return new Download(fetch(uri, resolved, destDir, progress), manifest);
    }
    Path staging;
    try {
      Files.createDirectories(destDir);
      staging = Files.createTempDirectory(destDir, ".cairn-download-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a folder in " + destDir, e);
    }
    try {
      fetch(uri, resolved, staging, progress);
      VerificationReport report = ManifestVerifier.verify(staging, manifest.manifest());
      if (!report.isVerified()) {
        int more = report.problems().size() - 1;
        throw new CairnException(ErrorCode.INVALID_STATE, uri + " (" + manifest.manifest().subject()
            + ") does not match its signed manifest: " + report.firstProblem().describe()
            + (more > 0 ? " (and " + more + " more)" : "") + "; nothing was written to " + destDir);
      }
      moveInto(staging, destDir);
    } finally {
      deleteTree(staging);
    }
    return new Download(destDir, manifest);
  }

  private static void moveInto(Path from, Path to) {
    try (java.util.stream.Stream<Path> walk = Files.walk(from)) {
      for (Path file : walk.filter(Files::isRegularFile).toList()) {
        Path target = to.resolve(from.relativize(file).toString());
        Files.createDirectories(target.getParent());
        Files.move(file, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot move downloaded files into " + to, e);
    }
  }

  private static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (java.util.stream.Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // the staging folder is ours; leaving it behind is untidy, not wrong
    }
  }

  private Path fetch(String uri, Resolved resolved, Path destDir, CairnClient.Progress progress) {
    String location = resolved.downloadUri();
    if (location == null || !location.startsWith("mlflow-artifacts:")) {
      throw new CairnException(ErrorCode.INVALID_STATE, uri + " is stored at " + location
          + ", which the server's artifact proxy does not serve; fetch it from there directly");
    }
    String rest = location.substring("mlflow-artifacts:".length());
    if (rest.startsWith("//")) {
      int slash = rest.indexOf('/', 2);
      rest = slash < 0 ? "" : rest.substring(slash);
    }
    String root = ArtifactTransfer.normalise(rest);
    List<ArtifactFile> children = artifacts.list(root, "");
    if (children.isEmpty()) { // one file, or nothing: the proxy answers a missing file with 404
      int slash = root.lastIndexOf('/');
      artifacts.download(slash < 0 ? "" : root.substring(0, slash), root.substring(slash + 1), destDir, progress);
      return destDir;
    }
    for (ArtifactFile child : children) {
      artifacts.download(root, child.path(), destDir, progress);
    }
    return destDir;
  }

  // ---------------------------------------------------------------- wire

  private static ArrayNode tagArray(Map<String, String> tags) {
    ArrayNode a = Wire.object().arrayNode();
    (tags == null ? Map.<String, String>of() : tags).forEach((k, v) -> a.addObject().put("key", k).put("value", v));
    return a;
  }

  static RegisteredModel model(JsonNode n) {
    Map<String, Integer> aliases = new LinkedHashMap<>();
    n.path("aliases").forEach(a -> aliases.put(a.path("alias").asText(), Integer.valueOf(a.path("version").asText())));
    List<ModelVersion> latest = new ArrayList<>();
    n.path("latest_versions").forEach(v -> latest.add(version(v)));
    return new RegisteredModel(n.path("name").asText(), n.path("creation_timestamp").asLong(),
        n.path("last_updated_timestamp").asLong(), text(n, "description"), tags(n.path("tags")), aliases, latest);
  }

  static ModelVersion version(JsonNode n) {
    List<String> aliases = new ArrayList<>();
    n.path("aliases").forEach(a -> aliases.add(a.asText()));
    String status = n.path("status").asText("READY");
    return new ModelVersion(n.path("name").asText(), Integer.parseInt(n.path("version").asText()),
        n.path("creation_timestamp").asLong(), n.path("last_updated_timestamp").asLong(), text(n, "user_id"),
        ModelStage.parse(n.path("current_stage").asText("None")), text(n, "description"), n.path("source").asText(""),
        text(n, "run_id"), text(n, "run_link"), ModelVersionStatus.valueOf(status), text(n, "status_message"),
        tags(n.path("tags")), aliases, text(n, "model_id"));
  }

  private static Map<String, String> tags(JsonNode array) {
    Map<String, String> tags = new LinkedHashMap<>();
    array.forEach(t -> tags.put(t.path("key").asText(), t.path("value").asText("")));
    return tags;
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  private static String nextToken(JsonNode r) {
    String token = r.path("next_page_token").asText("");
    return token.isEmpty() ? null : token;
  }
}
