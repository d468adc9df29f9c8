package dev.cairn.client;

import java.util.Map;

/**
 * An MLflow 3 logged model as the server describes it: its id ({@code m-...}), experiment, name, where its
 * artifacts live ({@code mlflow-artifacts:/<experiment>/models/<id>/artifacts}), upload status, the run that
 * produced it (or null), its type (or null), times in epoch milliseconds, tags and params.
 */
public record LoggedModelInfo(String modelId, String experimentId, String name, String artifactUri, Status status,
    String sourceRunId, String modelType, long creationTimestampMs, long lastUpdatedTimestampMs,
    Map<String, String> tags, Map<String, String> params) {
  public LoggedModelInfo {
    tags = tags == null ? Map.of() : Map.copyOf(tags);
    params = params == null ? Map.of() : Map.copyOf(params);
  }

  /** Where a model's upload stands: created and uploading, ready to load, or failed while uploading. */
  public enum Status {
    PENDING("LOGGED_MODEL_PENDING"),
    READY("LOGGED_MODEL_READY"),
    FAILED("LOGGED_MODEL_UPLOAD_FAILED");

    private final String wire;

    Status(String wire) {
      this.wire = wire;
    }

    /** The name MLflow's REST API uses, e.g. {@code LOGGED_MODEL_READY}. */
    public String wire() {
      return wire;
    }

    static Status fromWire(String s) {
      for (Status status : values()) {
        if (status.wire.equals(s) || status.name().equals(s)) {
          return status;
        }
      }
      throw new IllegalArgumentException("unknown logged model status '" + s + "'");
    }
  }

  /** The URI MLflow 3 clients load this model by: {@code models:/<model_id>}. */
  public String uri() {
    return "models:/" + modelId;
  }
}
