package dev.cairn.registry.integrity;

/** Told how far a hashing pass has got; called on the hashing thread, at most every few MiB and after each file. */
@FunctionalInterface
public interface HashProgress {
  /** Reports nothing. */
  HashProgress NONE = (bytesDone, bytesTotal, currentPath) -> {};

  /**
   * @param bytesDone bytes hashed so far over all files
   * @param bytesTotal bytes expected over all files (sizes seen before hashing started)
   * @param currentPath the manifest path being hashed
   */
  void onProgress(long bytesDone, long bytesTotal, String currentPath);
}
