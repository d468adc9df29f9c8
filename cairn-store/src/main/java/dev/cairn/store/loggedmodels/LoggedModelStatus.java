package dev.cairn.store.loggedmodels;

import dev.cairn.core.CairnException;
import java.util.Locale;

/** Where a logged model's upload stands: created and uploading, ready to load, or failed while uploading. */
public enum LoggedModelStatus {
  PENDING("LOGGED_MODEL_PENDING", 1),
  READY("LOGGED_MODEL_READY", 2),
  FAILED("LOGGED_MODEL_UPLOAD_FAILED", 3);

  private final String wire;
  private final int number;

  LoggedModelStatus(String wire, int number) {
    this.wire = wire;
    this.number = number;
  }

  /** The name MLflow's proto JSON uses, e.g. {@code LOGGED_MODEL_READY}. */
  public String wire() {
    return wire;
  }

  /**
   * Reads a status as clients send it: the proto name ({@code LOGGED_MODEL_READY}), its number (2), or the
   * short name a filter uses ({@code READY}, {@code FAILED}, also {@code UPLOAD_FAILED}).
   */
  public static LoggedModelStatus parse(String text) {
    if (text != null) {
      String s = text.strip().toUpperCase(Locale.ROOT);
      for (LoggedModelStatus status : values()) {
        if (s.equals(status.wire) || s.equals(status.name()) || s.equals(Integer.toString(status.number))
            || status == FAILED && s.equals("UPLOAD_FAILED")) {
          return status;
        }
      }
    }
    throw CairnException.invalid("Invalid value '" + text + "' for parameter 'status': expected one of "
        + "LOGGED_MODEL_PENDING, LOGGED_MODEL_READY, LOGGED_MODEL_UPLOAD_FAILED");
  }
}
