package dev.cairn.store.webhooks;

import dev.cairn.core.CairnException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * What a webhook is created or updated with; on update a null part keeps the current value. The URL must be
 * {@code http} or {@code https} with a host and no user-info (credentials in a URL would be shown by every
 * read; use the secret instead). Any host is allowed, private addresses included: the admins who create
 * webhooks are trusted to point them where they mean (see docs/webhooks.md).
 */
public record WebhookSpec(String name, String description, String url, List<String> events, String secret,
    WebhookStatus status) {
  public static final int MAX_NAME_LENGTH = 256;
  public static final int MAX_URL_LENGTH = 2000;
  public static final int MAX_SECRET_LENGTH = 1024;
  public static final int MAX_DESCRIPTION_LENGTH = 5000;

  public WebhookSpec {
    if (name != null && (name.isBlank() || name.length() > MAX_NAME_LENGTH)) {
      throw CairnException.invalid("webhook name must have 1 to " + MAX_NAME_LENGTH + " characters, not only spaces");
    }
    if (description != null && description.length() > MAX_DESCRIPTION_LENGTH) {
      throw CairnException.invalid("webhook description has " + description.length() + " characters; the limit is "
          + MAX_DESCRIPTION_LENGTH);
    }
    if (url != null) {
      checkUrl(url);
    }
    if (events != null) {
      if (events.isEmpty()) {
        throw CairnException.invalid("webhook events must name at least one event; known events: "
            + WebhookEvents.ALL);
      }
      events.forEach(WebhookEvents::requireKnown);
      events = List.copyOf(new TreeSet<>(events));
    }
    if (secret != null && secret.length() > MAX_SECRET_LENGTH) {
      throw CairnException.invalid("webhook secret has " + secret.length() + " characters; the limit is "
          + MAX_SECRET_LENGTH);
    }
  }

  /** Raises {@code INVALID_PARAMETER_VALUE} unless {@code url} is an absolute http(s) URL with a host. */
  public static void checkUrl(String url) {
    if (url.length() > MAX_URL_LENGTH) {
      throw CairnException.invalid("webhook url has " + url.length() + " characters; the limit is " + MAX_URL_LENGTH);
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw CairnException.invalid("webhook url '" + url + "' is not a valid URL: " + e.getReason());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw CairnException.invalid("webhook url '" + url + "' has scheme '" + scheme
          + "'; only http and https URLs are allowed");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw CairnException.invalid("webhook url '" + url + "' has no host");
    }
    if (uri.getRawUserInfo() != null) {
      throw CairnException.invalid("webhook url '" + url.replace(uri.getRawUserInfo(), "***")
          + "' carries user-info; put credentials in the webhook secret instead, URLs are shown on every read");
    }
  }

  /** Raises {@code INVALID_PARAMETER_VALUE} unless the parts a new webhook needs are there. */
  void requireComplete() {
    if (name == null) {
      throw CairnException.invalid("webhook 'name' is required");
    }
    if (url == null) {
      throw CairnException.invalid("webhook 'url' is required");
    }
    if (events == null) {
      throw CairnException.invalid("webhook 'events' is required; known events: " + WebhookEvents.ALL);
    }
  }
}
