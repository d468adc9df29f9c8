package dev.cairn.registry.integrity;

import dev.cairn.core.CairnException;
import dev.cairn.registry.integrity.VerificationReport.Kind;
import dev.cairn.registry.integrity.VerificationReport.Problem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Checks a local copy of a model version's artifacts against its {@link ArtifactManifest}: every file named
 * must be there with the same size and SHA-256, and no other file may be there. Files are hashed in constant
 * memory; nothing is changed on disk.
 */
public final class ManifestVerifier {
  private ManifestVerifier() {}

  /** Verifies {@code root} against {@code manifest} with no progress reports. */
  public static VerificationReport verify(Path root, ArtifactManifest manifest) {
    return verify(root, manifest, HashProgress.NONE);
  }

  /**
   * Verifies {@code root} against {@code manifest}, naming every missing, extra or changed file. Symbolic
   * links are never followed: a link where the manifest names a file is reported as CHANGED.
   */
  public static VerificationReport verify(Path root, ArtifactManifest manifest, HashProgress progress) {
    if (!Files.isDirectory(root)) {
      throw CairnException.notFound("folder " + root + " does not exist or is not a folder");
    }
    List<Problem> problems = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (Path file : listAll(root)) {
      String path = relativePath(root, file);
      seen.add(path);
      if (manifest.file(path) == null) {
        boolean regular = Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS);
        problems.add(new Problem(Kind.EXTRA, path, null, null, -1, regular ? sizeOf(file) : -1));
      }
    }
    StreamingHasher hasher = new StreamingHasher(progress, manifest.totalSize());
    int verified = 0;
    for (ManifestEntry expected : manifest.files()) {
      Path file = root.resolve(expected.path());
      if (!seen.contains(expected.path())) {
        problems.add(new Problem(Kind.MISSING, expected.path(), expected.sha256(), null, expected.size(), -1));
      } else if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
        problems.add(new Problem(Kind.CHANGED, expected.path(), expected.sha256(), null, expected.size(), -1));
      } else {
        StreamingHasher.Result actual = hasher.hash(file, expected.path());
        if (actual.size() != expected.size() || !actual.sha256().equals(expected.sha256())) {
          problems.add(new Problem(Kind.CHANGED, expected.path(), expected.sha256(), actual.sha256(),
              expected.size(), actual.size()));
        } else {
          verified++;
        }
      }
    }
    problems.sort((a, b) -> ArtifactManifest.PATH_ORDER.compare(a.path(), b.path()));
    return new VerificationReport(verified, hasher.bytesDone(), problems);
  }

  /** Regular files under root (refusing symbolic links and other special files), sorted. */
  static List<Path> listFiles(Path root) {
    if (!Files.isDirectory(root)) {
      throw CairnException.notFound("folder " + root + " does not exist or is not a folder");
    }
    List<Path> files = listAll(root);
    for (Path file : files) {
      if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
        throw CairnException.invalid(root.relativize(file) + " under " + root
            + " is a symbolic link or special file; a manifest only names regular files");
      }
    }
    return files;
  }

  /** Everything under root that is not a directory (links not followed), sorted by path. */
  private static List<Path> listAll(Path root) {
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(p -> !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + root, e);
    }
  }

  private static long sizeOf(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return -1;
    }
  }

  static String relativePath(Path root, Path file) {
    StringBuilder path = new StringBuilder();
    for (Path part : root.relativize(file)) {
      if (!path.isEmpty()) {
        path.append('/');
      }
      path.append(part);
    }
    return path.toString();
  }
}
