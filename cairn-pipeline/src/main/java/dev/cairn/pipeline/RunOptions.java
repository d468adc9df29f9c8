package dev.cairn.pipeline;

import dev.cairn.core.CairnException;
import dev.cairn.store.MetadataStore;
import java.nio.file.Path;
import java.util.Map;

/**
 * How to run a pipeline: the MLflow experiment its runs go to, the user recorded on them, whether to skip cache
 * look-ups ({@code noCache}: every cacheable step runs, and its result replaces the cache entry), how many steps
 * may run at once, where steps' scratch directories go (null: the system temp directory), and the Cairn version
 * hashed into cache keys, and tags for the pipeline's run (never part of a cache key).
 */
public record RunOptions(String experimentId, String user, boolean noCache, int parallelism, Path workRoot,
    String cairnVersion, Map<String, String> tags) {
  public static final int MAX_PARALLELISM = 256;

  public RunOptions {
    if (experimentId == null || experimentId.isBlank()) {
      throw CairnException.invalid("experiment id is empty");
    }
    if (parallelism < 1 || parallelism > MAX_PARALLELISM) {
      throw CairnException.invalid("parallelism is " + parallelism + "; it must be 1 to " + MAX_PARALLELISM);
    }
    if (cairnVersion == null || cairnVersion.isBlank()) {
      throw CairnException.invalid("cairn version is empty");
    }
    tags = tags == null ? Map.of() : Map.copyOf(tags);
  }

  /** Default experiment, the OS user, the cache on, one step per core. */
  public static RunOptions defaults() {
    return new RunOptions(MetadataStore.DEFAULT_EXPERIMENT_ID, System.getProperty("user.name", "unknown"), false,
        Runtime.getRuntime().availableProcessors(), null, CairnVersion.current(), Map.of());
  }

  public RunOptions withExperimentId(String id) {
    return new RunOptions(id, user, noCache, parallelism, workRoot, cairnVersion, tags);
  }

  public RunOptions withUser(String newUser) {
    return new RunOptions(experimentId, newUser, noCache, parallelism, workRoot, cairnVersion, tags);
  }

  public RunOptions withNoCache(boolean value) {
    return new RunOptions(experimentId, user, value, parallelism, workRoot, cairnVersion, tags);
  }

  public RunOptions withParallelism(int value) {
    return new RunOptions(experimentId, user, noCache, value, workRoot, cairnVersion, tags);
  }

  public RunOptions withWorkRoot(Path value) {
    return new RunOptions(experimentId, user, noCache, parallelism, value, cairnVersion, tags);
  }

  /** Tags set on the pipeline's run besides Cairn's own (the CLI adds the source: git commit, user, JDK). */
  public RunOptions withTags(Map<String, String> value) {
    return new RunOptions(experimentId, user, noCache, parallelism, workRoot, cairnVersion, value);
  }

  public RunOptions withCairnVersion(String value) {
    return new RunOptions(experimentId, user, noCache, parallelism, workRoot, value, tags);
  }
}
