package dev.cairn.core;

/**
 * The state of one component as {@code /health} reports it: up, down, or up but degraded (it still works, but some
 * part of it has been failing, e.g. a background loop's recent rounds; worth a look, no reason to stop traffic).
 */
public record Health(String component, boolean isUp, String detail, boolean isDegraded) {
  public Health {
    if (component == null || component.isBlank()) {
      throw new IllegalArgumentException("component is required");
    }
    detail = detail == null ? "" : detail;
    isDegraded = isUp && isDegraded; // down says more than degraded
  }

  public Health(String component, boolean isUp, String detail) {
    this(component, isUp, detail, false);
  }

  public static Health up(String component) {
    return new Health(component, true, "");
  }

  public static Health down(String component, String detail) {
    return new Health(component, false, detail);
  }

  public static Health degraded(String component, String detail) {
    return new Health(component, true, detail, true);
  }
}
