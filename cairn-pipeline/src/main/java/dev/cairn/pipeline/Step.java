package dev.cairn.pipeline;

import java.util.Map;

/**
 * A pipeline step: a class that declares typed inputs, outputs and parameters ({@link #spec}) and does its work in
 * {@link #run}, reading inputs and writing every declared output through the {@link StepContext}.
 *
 * <p>A step's implementation fingerprint, part of its cache key, is its class name and {@link StepSpec#version}:
 * change the version when the step's behaviour changes. Hashing the class bytes instead was rejected: the bytes
 * change with the compiler and debug flags (a rebuild would bust every cache) and do not cover the helpers and
 * libraries the step calls (a real change could keep a stale hit). The Cairn version is also in the key, so a new
 * Cairn release re-runs built-in steps. Steps used from YAML by class name need a public no-argument constructor.
 * One instance may run in several pipeline runs at once: keep no per-run state in fields.
 */
public interface Step {
  StepSpec spec();

  /** Does the step's work; throwing fails the step (and the pipeline run) with the exception's message. */
  void run(StepContext context) throws Exception;

  /** The implementation fingerprint hashed into the cache key: class name and declared version. */
  default String fingerprint() {
    return getClass().getName() + "@" + spec().version();
  }

  /**
   * What the step reads from outside the pipeline, as names to content hashes or versions, hashed into its cache
   * key: a step loading a dataset returns the version's content hash, a gate the model version an alias names. Asked
   * before the cache is, with the step's parameters; it must be cheap (no reading of data) and must not write.
   * Without it a step whose source changed would be served its old output. Throwing fails the step.
   */
  default Map<String, String> externalState(Map<String, Object> params) throws Exception {
    return Map.of();
  }

  /** As {@link #externalState(Map)}, for a step whose external state depends on its inputs (their hashes). */
  default Map<String, String> externalState(Map<String, Object> params, Map<String, StepArtifact> inputs)
      throws Exception {
    return externalState(params);
  }

  /**
   * Called instead of {@link #run} when the step is served from the cache, with a context on the new step run (its
   * outputs are the cached ones): for what a run must record besides outputs, such as the dataset a loading step
   * logs as an input of the pipeline's run, which lineage follows. Must be cheap; throwing fails the step.
   */
  default void onCacheHit(StepContext context) throws Exception {}
}
