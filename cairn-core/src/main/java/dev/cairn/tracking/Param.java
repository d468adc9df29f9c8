package dev.cairn.tracking;

import java.util.Objects;

/** A run parameter. Immutable once logged: logging the same value again is fine, another value is an error. */
public record Param(String key, String value) {
  public Param {
    Objects.requireNonNull(key, "key");
    value = value == null ? "" : value;
  }
}
