package dev.cairn.store.loggedmodels;

import dev.cairn.core.CairnException;

/** A logged model a run produced, at the training step it was logged at (MLflow 3's ModelOutput). */
public record RunOutput(String modelId, long step) {
  public RunOutput {
    if (modelId == null || modelId.isEmpty()) {
      throw CairnException.invalid("Missing value for required parameter 'models[].model_id'");
    }
  }
}
