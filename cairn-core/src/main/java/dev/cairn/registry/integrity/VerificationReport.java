package dev.cairn.registry.integrity;

import java.util.List;

/**
 * What {@link ManifestVerifier} found: how many manifest files matched, how many bytes it hashed, and every
 * problem, sorted by path.
 */
public record VerificationReport(int filesVerified, long bytesHashed, List<Problem> problems) {
  public VerificationReport {
    problems = List.copyOf(problems);
  }

  /** True when every manifest file is present and unchanged and no other file is there. */
  public boolean isVerified() {
    return problems.isEmpty();
  }

  /** The first problem by path, or null. */
  public Problem firstProblem() {
    return problems.isEmpty() ? null : problems.get(0);
  }

  /** What is wrong with one path. */
  public enum Kind {
    /** Named in the manifest, absent from the folder. */
    MISSING,
    /** In the folder, not named in the manifest. */
    EXTRA,
    /** Present, but its content (hash or size) differs, or it is not a regular file. */
    CHANGED
  }

  /**
   * One bad path. {@code expectedSha256}/{@code expectedSize} come from the manifest (null/-1 for EXTRA);
   * {@code actualSha256}/{@code actualSize} from the folder (null/-1 for MISSING and for a path that is not a
   * regular file; an EXTRA file's size is given but it is not hashed).
   */
  public record Problem(Kind kind, String path, String expectedSha256, String actualSha256,
      long expectedSize, long actualSize) {

    /** One line for people: {@code changed model.bin: expected sha256 ab.. (12 bytes), found cd.. (13 bytes)}. */
    public String describe() {
      return switch (kind) {
        case MISSING -> "missing " + path + ": expected sha256 " + expectedSha256 + " (" + expectedSize + " bytes)";
        case EXTRA -> "extra " + path + ": not in the manifest"
            + (actualSize < 0 ? " (a symbolic link or special file)" : " (" + actualSize + " bytes)");
        case CHANGED -> "changed " + path + ": expected sha256 " + expectedSha256 + " (" + expectedSize
            + " bytes), found " + (actualSha256 == null ? "something that is not a regular file"
            : "sha256 " + actualSha256 + " (" + actualSize + " bytes)");
      };
    }
  }
}
