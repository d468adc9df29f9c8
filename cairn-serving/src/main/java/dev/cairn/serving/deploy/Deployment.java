package dev.cairn.serving.deploy;

import dev.cairn.core.CairnException;
import java.util.regex.Pattern;

/**
 * A named deployment as stored: its spec, the version counter every update must name (optimistic concurrency), and
 * who created and last changed it when (epoch milliseconds).
 */
public record Deployment(String name, DeploymentSpec spec, long version, String createdBy, long createdAt,
    String updatedBy, long updatedAt) {
  /** As registered model names' limit (the column size). */
  public static final int MAX_NAME_LENGTH = 256;
  /**
   * Narrower than model names: a deployment's name is a path segment of its inference URLs
   * ({@code /v2/models/{name}/infer}), so it keeps to characters that need no escaping.
   */
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

  public Deployment {
    requireName(name);
    if (spec == null) {
      throw CairnException.invalid("deployment '" + name + "' has no spec");
    }
  }

  /** Checks a deployment name; returns it. */
  public static String requireName(String name) {
    if (name == null || name.isEmpty()) {
      throw CairnException.invalid("field 'name' is empty; a deployment needs a name");
    }
    if (name.length() > MAX_NAME_LENGTH) {
      throw CairnException.invalid("field 'name' has " + name.length() + " characters; the limit is "
          + MAX_NAME_LENGTH);
    }
    if (!NAME.matcher(name).matches()) {
      throw CairnException.invalid("field 'name' value '" + name + "' must start with a letter or digit and hold"
          + " only letters, digits, '.', '_' and '-' (it is part of the inference URLs)");
    }
    return name;
  }
}
