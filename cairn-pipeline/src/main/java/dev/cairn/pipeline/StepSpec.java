package dev.cairn.pipeline;

import dev.cairn.core.CairnException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What a step declares: named inputs and outputs with their artifact types, typed parameters with defaults, and a
 * version string that is part of the step's cache key (bump it when the step's behaviour changes).
 *
 * <p>Artifact types are free names ({@code "table"}, {@code "model"}, {@code "file"}); wiring an output to an
 * input requires equal types, except that an input of type {@link #ANY} takes any output.
 */
public record StepSpec(Map<String, String> inputs, Map<String, String> outputs, Map<String, ParamSpec> params,
    String version) {
  /** The input type that accepts an output of any type. */
  public static final String ANY = "any";
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]{0,99}");

  public StepSpec {
    inputs = Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
    outputs = Collections.unmodifiableMap(new LinkedHashMap<>(outputs));
    params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
    if (version == null || version.isBlank()) {
      throw CairnException.invalid("step version is empty; declare one (e.g. \"1\") and change it when the step's "
          + "behaviour changes");
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  static void requireName(String what, String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw CairnException.invalid(what + " name '" + name + "' is not valid; names start with a letter or _ and "
          + "use letters, digits, _ and -, at most 100 characters");
    }
  }

  /** Builds a {@link StepSpec}; declaration order is kept (it is the order shown to users). */
  public static final class Builder {
    private final Map<String, String> inputs = new LinkedHashMap<>();
    private final Map<String, String> outputs = new LinkedHashMap<>();
    private final Map<String, ParamSpec> params = new LinkedHashMap<>();
    private String version = "1";

    private Builder() {}

    public Builder input(String name, String artifactType) {
      requireName("input", name);
      requireName("artifact type of input '" + name + "'", artifactType);
      if (inputs.put(name, artifactType) != null) {
        throw CairnException.invalid("input '" + name + "' is declared twice");
      }
      return this;
    }

    public Builder output(String name, String artifactType) {
      requireName("output", name);
      requireName("artifact type of output '" + name + "'", artifactType);
      if (outputs.put(name, artifactType) != null) {
        throw CairnException.invalid("output '" + name + "' is declared twice");
      }
      return this;
    }

    /** A parameter; {@code defaultValue} null makes it required. */
    public Builder param(String name, ParamType type, Object defaultValue) {
      if (params.put(name, new ParamSpec(name, type, defaultValue)) != null) {
        throw CairnException.invalid("parameter '" + name + "' is declared twice");
      }
      return this;
    }

    public Builder version(String version) {
      this.version = version;
      return this;
    }

    public StepSpec build() {
      return new StepSpec(inputs, outputs, params, version);
    }
  }
}
