package dev.cairn.pipeline;

/**
 * Progress of a pipeline run, for a terminal or a UI. {@code stepName} and {@code stepRunId} are null for the
 * pipeline's own events; {@code durationMillis} is set on the events that end something; {@code message} holds
 * the error of a failure, the reason of a skip or the step run a cache hit came from.
 */
public record PipelineEvent(Kind kind, String pipelineRunId, String stepName, String stepRunId, long timeMillis,
    Long durationMillis, String message) {
  public enum Kind {
    PIPELINE_STARTED, STEP_STARTED, STEP_FINISHED, STEP_CACHED,
    /** On resume: a step that finished in an earlier attempt of the same run, taken as it was. */
    STEP_REUSED,
    STEP_FAILED, STEP_SKIPPED, PIPELINE_FINISHED
  }

  /** Receives events from the executor's threads (several at once when steps run in parallel). */
  @FunctionalInterface
  public interface Listener {
    Listener NONE = e -> {};

    void onEvent(PipelineEvent event);
  }
}
