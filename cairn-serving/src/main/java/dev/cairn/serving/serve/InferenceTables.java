package dev.cairn.serving.serve;

import dev.cairn.serving.protocol.Limits;

/** What the inference endpoints serve: a serving table per name, and the request limits. */
public interface InferenceTables extends AutoCloseable {
  /** The table served as {@code name}, loaded; RESOURCE_DOES_NOT_EXIST when there is none. */
  ServingTable table(String name);

  Limits limits();

  @Override
  void close();
}
