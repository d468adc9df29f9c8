package dev.cairn.store.loggedmodels;

import dev.cairn.core.CairnException;
import dev.cairn.tracking.TrackingValidation;

/**
 * One metric point linked to a logged model (MLflow 3 logs a run's metrics with a {@code model_id}); the run and
 * the dataset it was measured on are optional.
 */
public record ModelMetric(String modelId, String key, double value, long timestamp, long step, String runId,
    String datasetName, String datasetDigest) {
  public ModelMetric {
    if (modelId == null || modelId.isEmpty()) {
      throw CairnException.invalid("metric '" + key + "' has no model_id");
    }
    if (key == null || key.isEmpty() || key.length() > TrackingValidation.MAX_ENTITY_KEY_LENGTH) {
      throw CairnException.invalid("metric key '" + key + "' must have 1 to "
          + TrackingValidation.MAX_ENTITY_KEY_LENGTH + " characters");
    }
    runId = runId == null || runId.isEmpty() ? null : runId;
    datasetName = datasetName == null || datasetName.isEmpty() ? null : datasetName;
    datasetDigest = datasetDigest == null || datasetDigest.isEmpty() ? null : datasetDigest;
  }
}
