package dev.cairn.server.registry;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.registry.ModelVersion;
import dev.cairn.registry.integrity.ArtifactManifest;
import dev.cairn.registry.integrity.Ed25519Signer;
import dev.cairn.registry.integrity.ManifestEntry;
import dev.cairn.registry.integrity.SigningKeys;
import dev.cairn.server.mlflow.ArtifactLocations;
import dev.cairn.store.ArtifactStore;
import dev.cairn.store.ArtifactStore.StoredBlob;
import dev.cairn.store.artifacts.ArtifactManifests;
import dev.cairn.store.registry.ModelRegistryStore.InSameWrite;
import dev.cairn.store.registry.ModelVersionManifests;
import dev.cairn.store.registry.ModelVersionManifests.Record;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Signs the manifest of every model version whose files are in the server's artifact store.
 *
 * <p>Atomicity: the files are listed (sizes and SHA-256 the store recorded when it wrote them) <em>before</em>
 * the version is created, outside any transaction; the version number, the manifest bound to
 * {@code models:/NAME/VERSION}, its signature and the version row are then written in one transaction. A
 * failure to read the store fails the registration with nothing created; a version whose files are elsewhere
 * ({@code s3://}, {@code file:}, ...) or absent gets a record saying so, never a half-written manifest.
 */
public final class ModelIntegrity {
  /** Environment variable naming the folder of the server's signing key pair. */
  public static final String KEY_DIR_ENV = "CAIRN_SERVER_SIGNING_KEY_DIR";
  /** System property doing the same (wins over the environment; tests and embedding). */
  public static final String KEY_DIR_PROPERTY = "cairn.server.signing-key-dir";
  /** Folder of the key pair below the data folder when neither is set. */
  public static final String KEY_FOLDER = "signing";

  private final ArtifactStore artifacts;
  private final Path keyFolder;
  private final ModelVersionManifests manifests;
  private SigningKeys keys; // guarded by this

  /**
   * Signs with the key pair in {@code keyFolder}. A pair already there is loaded now, so a damaged or half pair
   * stops the server at start; a new pair is created when the first manifest is signed (or the public key is
   * asked for), so a server that never signs leaves no key behind.
   */
  public ModelIntegrity(ArtifactStore artifacts, Path keyFolder, ModelVersionManifests manifests) {
    this.artifacts = artifacts;
    this.keyFolder = keyFolder;
    this.manifests = manifests;
    if (java.nio.file.Files.exists(keyFolder.resolve(SigningKeys.PRIVATE_KEY_FILE))
        || java.nio.file.Files.exists(keyFolder.resolve(SigningKeys.PUBLIC_KEY_FILE))) {
      keys();
    }
  }

  /**
   * The key folder: {@value #KEY_DIR_PROPERTY} or {@value #KEY_DIR_ENV} when set, else {@code signing/} in the data
   * folder ({@code dataFolder}: the SQLite file's folder, else {@code ./cairn-data}).
   */
  public static Path keyFolder(Optional<Path> dataFolder) {
    String configured = System.getProperty(KEY_DIR_PROPERTY, System.getenv(KEY_DIR_ENV));
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured.strip());
    }
    return dataFolder.orElse(Path.of("cairn-data")).resolve(KEY_FOLDER);
  }

  /** The server's key pair, created in the key folder on first use. */
  public synchronized SigningKeys keys() {
    if (keys == null) {
      keys = SigningKeys.loadOrCreate(keyFolder);
    }
    return keys;
  }

  /** What was found at a version's download location before the version is created. */
  record Listing(List<ManifestEntry> files, String reason) {}

  /**
   * Lists the files at {@code downloadUri} when it lies in the server's artifact store; otherwise (or when nothing
   * is stored there) the reason there will be no manifest. Store failures propagate: no version gets created.
   */
  Listing list(String downloadUri) {
    if (downloadUri == null || !downloadUri.startsWith(ArtifactLocations.PROXY_ROOT)) {
      return new Listing(null, "its files are at " + downloadUri + ", outside the server's artifact store ("
          + ArtifactLocations.PROXY_ROOT + "); the server signs only files it stores");
    }
    List<ManifestEntry> files = files(ArtifactLocations.storePath(downloadUri, artifacts.rootUri()));
    if (files == null) {
      return new Listing(null, "nothing was stored at " + downloadUri + " when the version was registered");
    }
    keys(); // a new pair is made here, outside the version's transaction
    return new Listing(files, null);
  }

  /** The files under {@code path} (or the one file at it), or null when nothing is stored there. */
  private List<ManifestEntry> files(String path) {
    try {
      return ArtifactManifests.of(artifacts, path, null).files();
    } catch (CairnException e) {
      if (e.code() != ErrorCode.RESOURCE_DOES_NOT_EXIST) {
        throw e;
      }
    }
    StoredBlob one = path.isEmpty() ? null : artifacts.stat(path); // a version may be one file
    if (one == null || one.sha256() == null) {
      return null;
    }
    return List.of(new ManifestEntry(path.substring(path.lastIndexOf('/') + 1), one.size(), one.sha256()));
  }

  /** The write that records the listing as the new version's signed manifest (or as the reason it has none). */
  InSameWrite record(Listing listing) {
    return (h, versionId, created) -> ModelVersionManifests.insert(h, versionId, recordOf(listing, created));
  }

  private Record recordOf(Listing listing, ModelVersion created) {
    if (listing.files() == null) {
      return Record.none(listing.reason());
    }
    ArtifactManifest manifest = ArtifactManifest.of(subject(created.name(), created.version()), listing.files());
    return Record.signed(new String(manifest.canonicalJson(), java.nio.charset.StandardCharsets.UTF_8),
        manifest.sha256(), new Ed25519Signer(keys()).sign(manifest), keys().fingerprint());
  }

  /** What a version's manifest is bound to. */
  public static String subject(String name, int version) {
    return "models:/" + name + "/" + version;
  }

  /** The version's record; empty when it was registered before manifests were kept. */
  Optional<Record> get(String name, int version) {
    return manifests.get(name, version);
  }
}
