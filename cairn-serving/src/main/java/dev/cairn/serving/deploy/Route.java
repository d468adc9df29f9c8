package dev.cairn.serving.deploy;

import dev.cairn.core.CairnException;

/** A share of a deployment's traffic: {@code weight} out of 100 goes to {@code target}. */
public record Route(Target target, int weight) {
  public static final int MAX_WEIGHT = 100;

  public Route {
    if (target == null) {
      throw CairnException.invalid("a route needs a target (NAME/VERSION or NAME@ALIAS)");
    }
    if (weight < 0 || weight > MAX_WEIGHT) {
      throw CairnException.invalid("route " + target + " has weight " + weight + "; a weight is 0 to " + MAX_WEIGHT);
    }
  }

  /** Reads {@code TARGET=WEIGHT} (the CLI's form); a bare {@code TARGET} weighs 100. */
  public static Route parse(String field, String text) {
    int eq = text == null ? -1 : text.lastIndexOf('=');
    if (eq < 0) {
      return new Route(Target.parse(field, text), MAX_WEIGHT);
    }
    String w = text.substring(eq + 1).strip();
    if (!w.matches("\\d{1,3}")) {
      throw CairnException.invalid("field '" + field + "' value '" + text + "': weight '" + w
          + "' is not a whole number from 0 to " + MAX_WEIGHT);
    }
    return new Route(Target.parse(field, text.substring(0, eq).strip()), Integer.parseInt(w));
  }

  @Override
  public String toString() {
    return target + "=" + weight;
  }
}
