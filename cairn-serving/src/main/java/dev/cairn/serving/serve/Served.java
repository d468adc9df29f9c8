package dev.cairn.serving.serve;

import dev.cairn.registry.ModelVersion;
import dev.cairn.serving.protocol.Limits;
import dev.cairn.serving.protocol.MlflowCodec;
import dev.cairn.serving.protocol.OipCodec;
import dev.cairn.serving.runtime.LoadedModel;

/** One model version as a deployment serves it: the version, its loaded bundle and the codecs for its schema. */
public record Served(ModelVersion version, LoadedModel model, OipCodec oip, MlflowCodec mlflow) {
  static Served of(ModelVersion version, LoadedModel model, Limits limits) {
    return new Served(version, model, new OipCodec(model.inputSchema(), model.outputSchema(), limits),
        new MlflowCodec(model.inputSchema(), limits));
  }

  public String modelName() {
    return version.name();
  }

  public int modelVersion() {
    return version.version();
  }
}
