package dev.cairn.pipeline;

import java.util.Objects;

/**
 * A declared step parameter: its name, type and default ({@code null}: the parameter is required and a pipeline
 * that gives no value is refused on load).
 */
public record ParamSpec(String name, ParamType type, Object defaultValue) {
  public ParamSpec {
    StepSpec.requireName("parameter", name);
    Objects.requireNonNull(type, "type");
    if (defaultValue != null) {
      defaultValue = type.require(defaultValue, "default of parameter '" + name + "'");
    }
  }

  public boolean isRequired() {
    return defaultValue == null;
  }
}
