package dev.cairn.store.webhooks;

import java.util.List;

/**
 * A webhook as the API shows it: never its secret, only whether it has one.
 *
 * @param events subscribed event names ({@link WebhookEvents}), sorted
 */
public record Webhook(String id, String name, String description, String url, List<String> events,
    WebhookStatus status, boolean hasSecret, long creationTime, long lastUpdateTime) {
  public Webhook {
    events = List.copyOf(events);
  }
}
