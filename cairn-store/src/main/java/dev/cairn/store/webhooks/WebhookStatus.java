package dev.cairn.store.webhooks;

import dev.cairn.core.CairnException;
import java.util.Locale;

/** Whether a webhook receives events. MLflow's names; a deleted webhook is gone from every API. */
public enum WebhookStatus {
  ACTIVE,
  DISABLED;

  /** Parses {@code ACTIVE}/{@code DISABLED} in any case. */
  public static WebhookStatus parse(String text) {
    try {
      return valueOf(text.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw CairnException.invalid("webhook status '" + text + "' is unknown; use ACTIVE or DISABLED");
    }
  }
}
