package dev.cairn.pipeline.steps;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.ml.eval.Evaluation;
import dev.cairn.pipeline.PipelineExecutor;
import dev.cairn.registry.ModelVersion;
import dev.cairn.store.ArtifactPaths;
import dev.cairn.store.ArtifactStore;
import dev.cairn.store.loggedmodels.LoggedModelStore;
import dev.cairn.store.registry.ModelRegistryStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Where a gate finds its baseline: the version an alias names, and the evaluation {@link RegisterModel} stored with
 * it ({@value #EVALUATION} among the files of the logged model the version points at).
 */
public final class Baselines {
  static final String EVALUATION = "evaluation.json";

  private final ModelRegistryStore registry;
  private final ArtifactStore artifacts;
  private final LoggedModelStore loggedModels;

  public Baselines(ModelRegistryStore registry, ArtifactStore artifacts, LoggedModelStore loggedModels) {
    this.registry = registry;
    this.artifacts = artifacts;
    this.loggedModels = loggedModels;
  }

  /** The version {@code model@alias} names; null when the model or the alias does not exist (or no model given). */
  public ModelVersion holder(String model, String alias) {
    if (model == null || model.isEmpty()) {
      return null;
    }
    try {
      return registry.getModelVersionByAlias(model, alias);
    } catch (CairnException e) {
      if (e.code() == ErrorCode.RESOURCE_DOES_NOT_EXIST) {
        return null;
      }
      throw e;
    }
  }

  /** The SHA-256 of the evaluation registered with {@code version}, or null when there is none. */
  public String evaluationSha256(ModelVersion version) {
    byte[] bytes = evaluationBytes(version);
    return bytes == null ? null : dev.cairn.core.Hashing.sha256Hex(bytes);
  }

  /** The evaluation registered with {@code version}, or null when it was registered some other way. */
  public Evaluation evaluation(ModelVersion version) {
    byte[] bytes = evaluationBytes(version);
    return bytes == null ? null : Evaluation.fromJson(new String(bytes, StandardCharsets.UTF_8));
  }

  private byte[] evaluationBytes(ModelVersion version) {
    String location = loggedModels.artifactLocation(version.modelId()).orElse(null);
    if (location == null) {
      return null;
    }
    String path = ArtifactPaths.join(PipelineExecutor.storePath(location, artifacts.rootUri()), EVALUATION);
    if (artifacts.stat(path) == null) {
      return null;
    }
    try (InputStream in = artifacts.open(path)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new CairnException(ErrorCode.INTERNAL_ERROR, "reading the evaluation of " + version.name() + " version "
          + version.version() + ": " + e.getMessage(), e);
    }
  }
}
