package dev.cairn.ml.bundle;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Hashing;
import dev.cairn.core.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.Comparator;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A bundle directory on disk, whatever its runtime: reading it with its id and model file hash checked, writing it
 * atomically, and the id itself. One place, so every runtime's bundles are named and verified the same way.
 */
final class BundleFiles {
  private BundleFiles() {}

  /** A bundle read from disk whose content matched its recorded id. */
  record Verified(BundleManifest manifest, byte[] modelBytes) {}

  /** The bundle id: SHA-256 (hex) of the canonical manifest without its id, a newline, and the model file's bytes. */
  static String bundleId(byte[] canonicalManifest, byte[] modelBytes) {
    MessageDigest md = Hashing.sha256();
    md.update(canonicalManifest);
    md.update((byte) '\n');
    md.update(modelBytes);
    return Hashing.hex(md.digest());
  }

  /** A map passed through JSON, so a manifest holds the same values a reload would give. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> jsonMap(Map<String, ?> value) {
    return Json.MAPPER.convertValue(value, Map.class);
  }

  /** The id of {@code manifest} (its own id ignored) with {@code modelBytes}. */
  static String bundleId(BundleManifest manifest, byte[] modelBytes) {
    ObjectNode content = Json.MAPPER.valueToTree(manifest.withBundleId(null));
    return bundleId(CanonicalJson.bytes(content), modelBytes);
  }

  /**
   * Reads the bundle in {@code dir} and checks that the model file has its recorded SHA-256, that the content hashes
   * to the recorded id, and that the id is {@code expectedId} (when not null); any mismatch is INVALID_STATE.
   */
  static Verified read(Path dir, String expectedId) {
    JsonNode tree;
    byte[] modelBytes;
    BundleManifest manifest;
    try {
      tree = Json.MAPPER.readTree(Files.readAllBytes(dir.resolve(ModelBundle.MANIFEST_FILE)));
      if (!(tree instanceof ObjectNode)) {
        throw CairnException.invalid("'" + dir.resolve(ModelBundle.MANIFEST_FILE) + "' is not a JSON object");
      }
      manifest = Json.MAPPER.treeToValue(tree, BundleManifest.class);
      modelBytes = Files.readAllBytes(dir.resolve(manifest.model().file()));
    } catch (NoSuchFileException e) {
      throw CairnException.notFound("bundle '" + dir + "' has no file '" + e.getFile() + "'");
    } catch (JsonProcessingException e) {
      throw CairnException.invalid("'" + dir.resolve(ModelBundle.MANIFEST_FILE) + "' is not a valid bundle manifest: "
          + originalMessage(e));
    } catch (IOException e) {
      throw new CairnException(ErrorCode.INTERNAL_ERROR, "cannot read bundle '" + dir + "': " + e, e);
    }
    String recorded = manifest.bundleId();
    String fileHash = Hashing.sha256Hex(modelBytes);
    if (!fileHash.equals(manifest.model().sha256())) {
      throw new CairnException(ErrorCode.INVALID_STATE, "bundle '" + dir + "' is damaged or was modified: model file '"
          + manifest.model().file() + "' has SHA-256 " + fileHash + " but bundle.json records " + manifest.model().sha256());
    }
    ObjectNode content = ((ObjectNode) tree).deepCopy();
    content.remove("bundle_id");
    String computed = bundleId(CanonicalJson.bytes(content), modelBytes);
    if (!computed.equals(recorded)) {
      throw new CairnException(ErrorCode.INVALID_STATE, "bundle '" + dir + "' is damaged or was modified: its content"
          + " hashes to " + computed + " but its recorded id is " + recorded);
    }
    if (expectedId != null && !expectedId.equals(recorded)) {
      throw new CairnException(ErrorCode.INVALID_STATE, "bundle '" + dir + "' has id " + recorded + ", not the expected "
          + expectedId);
    }
    return new Verified(manifest, modelBytes);
  }

  /** The recorded runtime of the bundle in {@code dir}, read without checking anything else. */
  static String runtime(Path dir) {
    try {
      JsonNode tree = Json.MAPPER.readTree(Files.readAllBytes(dir.resolve(ModelBundle.MANIFEST_FILE)));
      return tree.path("model").path("runtime").asText(null);
    } catch (NoSuchFileException e) {
      throw CairnException.notFound("bundle '" + dir + "' has no file '" + e.getFile() + "'");
    } catch (IOException e) {
      throw CairnException.invalid("'" + dir.resolve(ModelBundle.MANIFEST_FILE) + "' is not a valid bundle manifest: "
          + e.getMessage());
    }
  }

  private static String originalMessage(JsonProcessingException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof CairnException c) {
        return c.getMessage();
      }
    }
    return e.getOriginalMessage();
  }

  /**
   * Writes {@code bundle} to directory {@code dir} atomically: files go to a temporary sibling directory that is then
   * renamed. An existing bundle with the same id is left as it is; anything else already at {@code dir} is an error.
   */
  static Path write(Bundle bundle, Path dir) {
    Path target = dir.toAbsolutePath().normalize();
    BundleManifest manifest = bundle.manifest();
    try {
      if (Files.isDirectory(target) && Files.exists(target.resolve(ModelBundle.MANIFEST_FILE))) {
        String existing = read(target, null).manifest().bundleId();
        if (existing.equals(bundle.id())) {
          return target;
        }
        throw CairnException.exists("directory '" + target + "' already holds bundle " + existing + "; not "
            + "overwriting it with bundle " + bundle.id());
      }
      Files.createDirectories(target.getParent());
      Path temp = target.resolveSibling("." + target.getFileName() + ".tmp-" + UUID.randomUUID());
      Files.createDirectory(temp);
      try {
        Files.write(temp.resolve(manifest.model().file()), bundle.modelBytes());
        Files.write(temp.resolve(ModelBundle.MANIFEST_FILE), manifestText(manifest).getBytes(StandardCharsets.UTF_8));
        move(temp, target);
      } finally {
        deleteRecursively(temp);
      }
      return target;
    } catch (IOException e) {
      throw new CairnException(ErrorCode.INTERNAL_ERROR, "cannot write bundle to '" + target + "': " + e, e);
    }
  }

  private static String manifestText(BundleManifest manifest) throws JsonProcessingException {
    return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(
        CanonicalJson.sorted(Json.MAPPER.valueToTree(manifest))) + "\n";
  }

  private static void move(Path temp, Path target) throws IOException {
    try {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
      throw CairnException.exists("directory '" + target + "' already exists and is not empty; a bundle needs its own"
          + " directory");
    } catch (AtomicMoveNotSupportedException e) {
      throw new CairnException(ErrorCode.INTERNAL_ERROR, "cannot rename a directory atomically into '" + target
          + "' on this file system", e);
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}
