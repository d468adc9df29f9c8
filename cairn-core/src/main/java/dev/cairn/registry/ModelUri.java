package dev.cairn.registry;

import dev.cairn.core.CairnException;
import java.util.Objects;

/**
 * A parsed model URI: {@code models:/NAME/VERSION}, {@code models:/NAME@ALIAS}, {@code models:/NAME/latest},
 * {@code models:/NAME/STAGE} (e.g. Production) or {@code runs:/RUN_ID/PATH}. Exactly the fields of its kind are set.
 */
public record ModelUri(Kind kind, String name, Integer version, String alias, ModelStage stage, String runId,
    String path) {
  /** What a URI names. */
  public enum Kind { VERSION, ALIAS, LATEST, STAGE, RUN }

  /** The forms a parse error lists. */
  public static final String FORMS = "models:/NAME/VERSION, models:/NAME@ALIAS, models:/NAME/latest, "
      + "models:/NAME/STAGE or runs:/RUN_ID/PATH";

  public ModelUri {
    Objects.requireNonNull(kind, "kind");
  }

  /** Parses {@code uri}; INVALID_PARAMETER_VALUE names the expected forms. */
  public static ModelUri parse(String uri) {
    if (uri == null || uri.isBlank()) {
      throw malformed(uri, "it is empty");
    }
    if (uri.startsWith("runs:/")) {
      String rest = uri.substring("runs:/".length());
      int slash = rest.indexOf('/');
      String runId = slash < 0 ? rest : rest.substring(0, slash);
      String path = slash < 0 ? "" : rest.substring(slash + 1);
      while (path.endsWith("/")) {
        path = path.substring(0, path.length() - 1);
      }
      if (runId.isEmpty() || !runId.matches("[A-Za-z0-9][\\w\\-]{0,255}")) {
        throw malformed(uri, "the run id is missing or not a run id");
      }
      return new ModelUri(Kind.RUN, null, null, null, null, runId, path);
    }
    if (!uri.startsWith("models:/")) {
      throw malformed(uri, "it starts with neither models:/ nor runs:/");
    }
    String rest = uri.substring("models:/".length());
    while (rest.endsWith("/")) {
      rest = rest.substring(0, rest.length() - 1);
    }
    int at = rest.lastIndexOf('@');
    int slash = rest.lastIndexOf('/');
    if (at > 0 && at > slash) {
      String name = rest.substring(0, at);
      String alias = rest.substring(at + 1);
      if (alias.isEmpty() || name.contains("/")) {
        throw malformed(uri, "expected NAME@ALIAS");
      }
      return new ModelUri(Kind.ALIAS, RegistryNames.requireModelName(name), null, alias, null, null, null);
    }
    if (slash <= 0 || slash == rest.length() - 1) {
      throw malformed(uri, "it names no version, alias or stage");
    }
    String name = RegistryNames.requireModelName(rest.substring(0, slash));
    String suffix = rest.substring(slash + 1);
    if (name.contains("/")) {
      throw malformed(uri, "a model name in a URI cannot contain '/'");
    }
    if (suffix.chars().allMatch(c -> c >= '0' && c <= '9')) {
      try {
        return new ModelUri(Kind.VERSION, name, RegistryNames.parseVersion(suffix), null, null, null, null);
      } catch (CairnException e) {
        throw malformed(uri, "versions count from 1 and fit in 32 bits");
      }
    }
    if (suffix.equalsIgnoreCase("latest")) {
      return new ModelUri(Kind.LATEST, name, null, null, null, null, null);
    }
    try {
      return new ModelUri(Kind.STAGE, name, null, null, ModelStage.parse(suffix), null, null);
    } catch (CairnException e) {
      throw malformed(uri, "'" + suffix + "' is not a version number, 'latest' or a stage");
    }
  }

  private static CairnException malformed(String uri, String problem) {
    return CairnException.invalid("malformed model URI '" + uri + "': " + problem + "; expected " + FORMS);
  }

  @Override
  public String toString() {
    return switch (kind) {
      case VERSION -> "models:/" + name + "/" + version;
      case ALIAS -> "models:/" + name + "@" + alias;
      case LATEST -> "models:/" + name + "/latest";
      case STAGE -> "models:/" + name + "/" + stage.wire();
      case RUN -> "runs:/" + runId + (path.isEmpty() ? "" : "/" + path);
    };
  }
}
