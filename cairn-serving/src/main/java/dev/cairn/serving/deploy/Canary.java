package dev.cairn.serving.deploy;

import dev.cairn.core.CairnException;
import java.util.Locale;

/**
 * A canary: {@code percent} of traffic to {@code target} until the {@code until} condition has held {@code forDuration}
 * (e.g. {@code 30m}), then promoted or rolled back. Stored with the deployment; nothing executes it yet.
 */
public record Canary(Target target, int percent, String until, String forDuration, State state) {
  public static final int MAX_UNTIL_LENGTH = 1000;

  /** Where a canary stands. */
  public enum State {
    RAMPING, PROMOTED, ROLLED_BACK;

    /** Reads {@code ramping}, {@code promoted} or {@code rolled_back} (any case). */
    public static State parse(String text) {
      try {
        return valueOf(text.strip().toUpperCase(Locale.ROOT));
      } catch (RuntimeException e) {
        throw CairnException.invalid("field 'canary.state' value '" + text
            + "' is not one of ramping, promoted, rolled_back");
      }
    }

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public Canary {
    if (target == null) {
      throw CairnException.invalid("field 'canary.target' is missing; expected NAME/VERSION or NAME@ALIAS");
    }
    if (percent < 1 || percent > 99) {
      throw CairnException.invalid("field 'canary.percent' is " + percent + "; a canary takes 1 to 99 percent");
    }
    if (until != null && until.length() > MAX_UNTIL_LENGTH) {
      throw CairnException.invalid("field 'canary.until' has " + until.length() + " characters; the limit is "
          + MAX_UNTIL_LENGTH);
    }
    if (forDuration != null && !forDuration.matches("\\d{1,6}(ms|s|m|h|d)")) {
      throw CairnException.invalid("field 'canary.for' value '" + forDuration
          + "' is not a duration such as 90s, 30m, 2h or 1d");
    }
    state = state == null ? State.RAMPING : state;
  }
}
