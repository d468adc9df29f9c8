package dev.cairn.identity;

import dev.cairn.core.CairnException;
import java.util.Locale;
import java.util.Objects;

/**
 * Where a role grant applies: everywhere, one experiment (by id) or one registered model (by name).
 * Rendered as {@code global}, {@code experiment:ID} or {@code registered_model:NAME}.
 */
public record Scope(Kind kind, String target) {
  /** The kinds of scope. */
  public enum Kind { GLOBAL, EXPERIMENT, REGISTERED_MODEL }

  public static final Scope GLOBAL = new Scope(Kind.GLOBAL, "");
  static final int MAX_TARGET_LENGTH = 256;

  public Scope {
    Objects.requireNonNull(kind, "kind");
    target = target == null ? "" : target;
    if (kind == Kind.GLOBAL && !target.isEmpty()) {
      throw CairnException.invalid("a global scope has no target, got '" + target + "'");
    }
    if (kind != Kind.GLOBAL && (target.isEmpty() || target.length() > MAX_TARGET_LENGTH)) {
      throw CairnException.invalid("scope " + kind.name().toLowerCase(Locale.ROOT) + " needs a target of 1 to "
          + MAX_TARGET_LENGTH + " characters, got " + target.length());
    }
  }

  public static Scope experiment(String experimentId) {
    return new Scope(Kind.EXPERIMENT, experimentId);
  }

  public static Scope registeredModel(String name) {
    return new Scope(Kind.REGISTERED_MODEL, name);
  }

  /** Reads {@code global}, {@code experiment:ID} or {@code registered_model:NAME} (also {@code model:NAME}). */
  public static Scope parse(String text) {
    if (text == null || text.isBlank() || text.strip().equalsIgnoreCase("global")) {
      return GLOBAL;
    }
    int colon = text.indexOf(':');
    String kind = colon < 0 ? text : text.substring(0, colon).toLowerCase(Locale.ROOT);
    String target = colon < 0 ? "" : text.substring(colon + 1);
    return switch (kind) {
      case "experiment" -> experiment(target);
      case "registered_model", "registered-model", "model" -> registeredModel(target);
      default -> throw CairnException.invalid("scope '" + text
          + "' is unknown; use global, experiment:ID or registered_model:NAME");
    };
  }

  @Override
  public String toString() {
    return kind == Kind.GLOBAL ? "global" : kind.name().toLowerCase(Locale.ROOT) + ":" + target;
  }
}
