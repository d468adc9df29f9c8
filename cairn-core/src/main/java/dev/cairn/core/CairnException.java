package dev.cairn.core;

import java.util.Objects;

/** The one exception type of Cairn: a code that maps to HTTP and MLflow, and a message a user can act on. */
public final class CairnException extends RuntimeException {
  private final ErrorCode code;

  public CairnException(ErrorCode code, String message) {
    super(message);
    this.code = Objects.requireNonNull(code, "code");
  }

  public CairnException(ErrorCode code, String message, Throwable cause) {
    super(message, cause);
    this.code = Objects.requireNonNull(code, "code");
  }

  public ErrorCode code() {
    return code;
  }

  public static CairnException invalid(String message) {
    return new CairnException(ErrorCode.INVALID_PARAMETER_VALUE, message);
  }

  public static CairnException notFound(String message) {
    return new CairnException(ErrorCode.RESOURCE_DOES_NOT_EXIST, message);
  }

  public static CairnException exists(String message) {
    return new CairnException(ErrorCode.RESOURCE_ALREADY_EXISTS, message);
  }
}
