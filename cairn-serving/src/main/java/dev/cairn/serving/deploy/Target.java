package dev.cairn.serving.deploy;

import dev.cairn.core.CairnException;
import dev.cairn.registry.RegistryNames;

/**
 * What a route or shadow sends requests to: one model version ({@code NAME/VERSION}) or whatever version an alias
 * points at ({@code NAME@ALIAS}, which follows the alias when it moves). Exactly one of version and alias is set.
 */
public record Target(String model, Integer version, String alias) {
  public Target {
    RegistryNames.requireModelName(model);
    if ((version == null) == (alias == null)) {
      throw CairnException.invalid("target of model '" + model + "' must name exactly one of a version or an alias");
    }
    if (version != null && version < 1) {
      throw CairnException.invalid("target version of model '" + model + "' is " + version + "; versions count from 1");
    }
    if (alias != null) {
      RegistryNames.requireAlias(alias);
    }
  }

  /**
   * Reads {@code NAME/VERSION} or {@code NAME@ALIAS} (the last {@code @} or {@code /} splits, so model names may
   * hold either); {@code field} names the request field in the error.
   */
  public static Target parse(String field, String text) {
    if (text == null || text.isBlank()) {
      throw CairnException.invalid("field '" + field + "' is empty; expected NAME/VERSION or NAME@ALIAS");
    }
    int at = text.lastIndexOf('@');
    int slash = text.lastIndexOf('/');
    try {
      if (at > 0 && at > slash) {
        return new Target(text.substring(0, at), null, text.substring(at + 1));
      }
      if (slash > 0 && text.substring(slash + 1).matches("\\d{1,9}")) {
        return new Target(text.substring(0, slash), Integer.parseInt(text.substring(slash + 1)), null);
      }
    } catch (CairnException e) {
      throw CairnException.invalid("field '" + field + "' value '" + text + "': " + e.getMessage());
    }
    throw CairnException.invalid("field '" + field + "' value '" + text
        + "' is not a model version target; expected NAME/VERSION (e.g. churn/3) or NAME@ALIAS (e.g. churn@champion)");
  }

  @Override
  public String toString() {
    return version != null ? model + "/" + version : model + "@" + alias;
  }
}
