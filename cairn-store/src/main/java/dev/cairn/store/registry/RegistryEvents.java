package dev.cairn.store.registry;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.store.webhooks.WebhookDispatcher;
import org.jdbi.v3.core.Handle;

/**
 * Where the registry reports what it changed (model and version created, tags, alias moves, promotion decisions):
 * {@link #record} runs inside the change's own write, so an event exists exactly when its change commits;
 * {@link #committed} runs after the write returns. The server sends them as webhooks.
 */
public interface RegistryEvents {
  /** Reports nothing (tools and tests that open the registry without a server). */
  RegistryEvents NONE = new RegistryEvents() {
    @Override
    public void record(Handle h, String event, ObjectNode data) {}

    @Override
    public void committed() {}
  };

  /** Records {@code event} (a webhook event name, e.g. {@code model_version.created}) inside the current write. */
  void record(Handle h, String event, ObjectNode data);

  /** The write that recorded events committed: a chance to send them now. */
  void committed();

  /** The registry's events as webhook deliveries of {@code dispatcher}. */
  static RegistryEvents webhooks(WebhookDispatcher dispatcher) {
    return new RegistryEvents() {
      @Override
      public void record(Handle h, String event, ObjectNode data) {
        dispatcher.record(h, event, data);
      }

      @Override
      public void committed() {
        dispatcher.wake();
      }
    };
  }

  /**
   * The registry's events as webhook deliveries recorded in {@code store}, sent by whichever server runs next (a
   * command-line process records them without starting a dispatcher and its HTTP client).
   */
  static RegistryEvents recordedFor(dev.cairn.store.webhooks.WebhookStore store) {
    return new RegistryEvents() {
      @Override
      public void record(Handle h, String event, ObjectNode data) {
        WebhookDispatcher.record(store, h, event, data);
      }

      @Override
      public void committed() {}
    };
  }

  /** A payload object to fill. */
  static ObjectNode data() {
    return JsonNodeFactory.instance.objectNode();
  }
}
