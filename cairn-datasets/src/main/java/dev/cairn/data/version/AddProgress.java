package dev.cairn.data.version;

/** Progress of a long add or get, for a progress bar; calls are serialised, possibly from worker threads. */
public interface AddProgress {
  AddProgress NONE = new AddProgress() {};

  /** A phase ("hashing", "uploading", "restoring") starts with this many bytes of work. */
  default void phase(String name, long totalBytes) {}

  default void advance(long bytes) {}

  default void done() {}
}
