package dev.cairn.core;

/**
 * What went wrong, in the terms a client can act on. Each code knows its HTTP status and the
 * {@code error_code} string MLflow clients expect, so every API renders errors the same way.
 */
public enum ErrorCode {
  INVALID_PARAMETER_VALUE(400, "INVALID_PARAMETER_VALUE"),
  BAD_REQUEST(400, "BAD_REQUEST"),
  MALFORMED_REQUEST(400, "MALFORMED_REQUEST"),
  RESOURCE_ALREADY_EXISTS(400, "RESOURCE_ALREADY_EXISTS"),
  INVALID_STATE(400, "INVALID_STATE"),
  UNAUTHENTICATED(401, "UNAUTHENTICATED"),
  PERMISSION_DENIED(403, "PERMISSION_DENIED"),
  RESOURCE_DOES_NOT_EXIST(404, "RESOURCE_DOES_NOT_EXIST"),
  ENDPOINT_NOT_FOUND(404, "ENDPOINT_NOT_FOUND"),
  CONFLICT(409, "RESOURCE_CONFLICT"),
  REQUEST_TOO_LARGE(413, "REQUEST_LIMIT_EXCEEDED"),
  TOO_MANY_REQUESTS(429, "REQUEST_LIMIT_EXCEEDED"),
  INTERNAL_ERROR(500, "INTERNAL_ERROR"),
  TEMPORARILY_UNAVAILABLE(503, "TEMPORARILY_UNAVAILABLE");

  private final int httpStatus;
  private final String mlflowCode;

  ErrorCode(int httpStatus, String mlflowCode) {
    this.httpStatus = httpStatus;
    this.mlflowCode = mlflowCode;
  }

  public int httpStatus() {
    return httpStatus;
  }

  /** The {@code error_code} value in MLflow's error JSON. */
  public String mlflowCode() {
    return mlflowCode;
  }
}
