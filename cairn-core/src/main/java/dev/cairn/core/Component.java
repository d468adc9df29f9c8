package dev.cairn.core;

/** A part of Cairn whose health {@code /health} aggregates. */
public interface Component {
  /** Checks the component cheaply (a round trip at most); never throws. */
  Health check();
}
