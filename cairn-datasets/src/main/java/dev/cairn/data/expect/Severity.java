package dev.cairn.data.expect;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.cairn.core.CairnException;
import java.util.Locale;

/** How much a failed expectation matters: errors fail a validation, warnings are reported only. */
public enum Severity {
  ERROR,
  WARN;

  @JsonValue
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static Severity parse(String text) {
    for (Severity s : values()) {
      if (s.id().equalsIgnoreCase(text) || ("warning".equalsIgnoreCase(text) && s == WARN)) {
        return s;
      }
    }
    throw CairnException.invalid("severity '" + text + "' is unknown; use error or warn");
  }
}
