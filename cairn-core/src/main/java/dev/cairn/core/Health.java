package dev.cairn.core;

/** The state of one component as {@code /health} reports it. */
public record Health(String component, boolean isUp, String detail) {
  public Health {
    if (component == null || component.isBlank()) {
      throw new IllegalArgumentException("component is required");
    }
    detail = detail == null ? "" : detail;
  }

  public static Health up(String component) {
    return new Health(component, true, "");
  }

  public static Health down(String component, String detail) {
    return new Health(component, false, detail);
  }
}
