package dev.cairn.serving.serve;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.registry.ModelVersion;
import dev.cairn.store.ArtifactStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.function.Function;

/** Where a model version's files come from: copies them into a local folder the runtime can load. */
@FunctionalInterface
public interface BundleFiles {
  /** Copies the files of {@code version} into the empty folder {@code into}. */
  void copy(ModelVersion version, Path into) throws IOException;

  /**
   * The files under the artifact-store path {@code storePath} gives for a version (e.g. its logged model's artifact
   * location); a version with no stored files is RESOURCE_DOES_NOT_EXIST.
   */
  static BundleFiles fromArtifactStore(ArtifactStore artifacts, Function<ModelVersion, String> storePath) {
    return (version, into) -> {
      String root = storePath.apply(version);
      if (root == null) {
        throw CairnException.notFound("model " + version.name() + " version " + version.version()
            + " has no files in the artifact store (its logged model has no artifact location)");
      }
      copyTree(artifacts, root, root, into);
    };
  }

  private static void copyTree(ArtifactStore artifacts, String root, String dir, Path into) throws IOException {
    for (ArtifactStore.ArtifactEntry e : artifacts.list(dir)) {
      String path = e.path(); // entries carry full paths from the store root
      String relative = root.isEmpty() ? path : path.substring(Math.min(path.length(), root.length() + 1));
      if (relative.isEmpty() || !(root.isEmpty() || path.startsWith(root + "/"))) {
        throw new CairnException(ErrorCode.INVALID_STATE, "artifact '" + e.path() + "' lies outside '" + root + "'");
      }
      Path target = into.resolve(relative).normalize();
      if (e.isDir()) {
        Files.createDirectories(target);
        copyTree(artifacts, root, path, into);
      } else {
        Files.createDirectories(target.getParent());
        try (InputStream in = artifacts.open(path)) {
          Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }
}
