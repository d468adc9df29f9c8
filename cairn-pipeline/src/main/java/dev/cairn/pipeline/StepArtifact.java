package dev.cairn.pipeline;

import dev.cairn.core.CairnException;
import dev.cairn.core.Hashing;
import java.util.Objects;

/**
 * An input or output of a step run: the declared name and artifact type, the artifact store path its bytes live
 * at, their SHA-256 and size.
 */
public record StepArtifact(String name, String type, String path, String sha256, long size) {
  public StepArtifact {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(path, "path");
    if (!Hashing.isSha256Hex(sha256)) {
      throw CairnException.invalid("artifact '" + name + "' has sha256 '" + sha256 + "'; expected 64 hex digits");
    }
    if (size < 0) {
      throw CairnException.invalid("artifact '" + name + "' has size " + size + "; sizes are 0 or more");
    }
  }
}
