package dev.cairn.store.webhooks;

/**
 * One event's delivery to one webhook, as the delivery log shows it.
 *
 * @param payload the JSON body sent (the same bytes on every attempt)
 * @param attempts attempts made so far
 * @param lastResponseCode HTTP status of the last attempt, or null if none answered
 * @param lastError why the last attempt failed, or null
 * @param nextAttemptTime when a PENDING delivery is tried next (epoch ms), or null once settled
 */
public record WebhookDelivery(String id, String webhookId, String event, String payload, Status status,
    int attempts, Integer lastResponseCode, String lastError, Long nextAttemptTime, long creationTime,
    long lastUpdateTime) {

  /** Where a delivery stands. */
  public enum Status {
    /** Waiting for its first or next attempt. */
    PENDING,
    /** A 2xx answer was received. */
    DELIVERED,
    /** Given up: attempts used up, an answer that is not worth retrying, or the webhook went away. */
    FAILED
  }
}
