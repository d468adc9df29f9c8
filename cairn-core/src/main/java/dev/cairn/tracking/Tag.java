package dev.cairn.tracking;

import java.util.Objects;

/** A key/value tag on an experiment, a run or a dataset input. Tags are last-write-wins. */
public record Tag(String key, String value) {
  public Tag {
    Objects.requireNonNull(key, "key");
    value = value == null ? "" : value;
  }
}
