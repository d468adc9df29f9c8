package dev.cairn.store.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.store.sql.SqlDatabase;
import dev.cairn.store.webhooks.WebhookDelivery.Status;
import dev.cairn.tracking.Page;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every database backing {@link WebhookStore} must do; run on SQLite and PostgreSQL. */
abstract class WebhookStoreContract {
  protected abstract SqlDatabase newDatabase();

  SqlDatabase db;
  WebhookStore store;

  @BeforeEach
  void open() {
    db = newDatabase();
    store = new WebhookStore(db);
  }

  @AfterEach
  void close() {
    db.close();
  }

  static WebhookSpec spec(String name, String url, List<String> events, String secret) {
    return new WebhookSpec(name, null, url, events, secret, null);
  }

  @Test
  void createdWebhooksReadBackWithoutTheirSecret() {
    Webhook created = store.create(new WebhookSpec("ci", "tell CI", "https://ci.example.com/hook",
        List.of(WebhookEvents.MODEL_VERSION_CREATED, WebhookEvents.MODEL_VERSION_ALIAS_CREATED), "s3cret", null));
    assertThat(created.id()).hasSize(32);
    assertThat(created.status()).isEqualTo(WebhookStatus.ACTIVE);
    assertThat(created.hasSecret()).isTrue();
    assertThat(created.events()).containsExactly("model_version.created", "model_version_alias.created");
    assertThat(created.toString()).doesNotContain("s3cret");
    assertThat(store.get(created.id())).isEqualTo(created);
    assertThat(store.target(created.id()).secret()).isEqualTo("s3cret");
  }

  @Test
  void updateChangesOnlyTheGivenPartsAndABlankSecretRemovesIt() {
    Webhook created = store.create(spec("ci", "http://127.0.0.1:1/a", List.of(WebhookEvents.MODEL_VERSION_CREATED), "x"));
    Webhook updated = store.update(created.id(), new WebhookSpec(null, "new", null,
        List.of(WebhookEvents.PROMOTION_APPROVED), null, WebhookStatus.DISABLED));
    assertThat(updated.name()).isEqualTo("ci");
    assertThat(updated.url()).isEqualTo("http://127.0.0.1:1/a");
    assertThat(updated.description()).isEqualTo("new");
    assertThat(updated.events()).containsExactly("promotion.approved");
    assertThat(updated.status()).isEqualTo(WebhookStatus.DISABLED);
    assertThat(updated.hasSecret()).isTrue();
    assertThat(store.update(created.id(), new WebhookSpec(null, null, null, null, "", null)).hasSecret()).isFalse();
  }

  @Test
  void listPagesOldestFirstWithEveryWebhookOnExactlyOnePage() {
    for (int i = 0; i < 5; i++) {
      store.create(spec("w" + i, "http://127.0.0.1:1/" + i, List.of(WebhookEvents.MODEL_VERSION_CREATED), null));
    }
    Page<Webhook> first = store.list(3, null);
    Page<Webhook> second = store.list(3, first.nextPageToken());
    assertThat(first.items()).hasSize(3);
    assertThat(second.items()).hasSize(2);
    assertThat(second.nextPageToken()).isNull();
    List<Webhook> all = new java.util.ArrayList<>(first.items());
    all.addAll(second.items());
    assertThat(all).extracting(Webhook::name).containsExactlyInAnyOrder("w0", "w1", "w2", "w3", "w4");
    // creation time first; webhooks made in the same millisecond follow their ids
    assertThat(all).isSortedAccordingTo(java.util.Comparator.comparingLong(Webhook::creationTime)
        .thenComparing(Webhook::id));
  }

  @Test
  void enqueueWritesOneDeliveryPerActiveSubscribedWebhook() {
    Webhook a = store.create(spec("a", "http://127.0.0.1:1/a", List.of(WebhookEvents.MODEL_VERSION_CREATED), null));
    Webhook b = store.create(spec("b", "http://127.0.0.1:1/b",
        List.of(WebhookEvents.MODEL_VERSION_CREATED, WebhookEvents.PROMOTION_REQUESTED), null));
    store.create(spec("c", "http://127.0.0.1:1/c", List.of(WebhookEvents.PROMOTION_REQUESTED), null));
    Webhook disabled = store.create(spec("d", "http://127.0.0.1:1/d", List.of(WebhookEvents.MODEL_VERSION_CREATED), null));
    store.update(disabled.id(), new WebhookSpec(null, null, null, null, null, WebhookStatus.DISABLED));

    List<WebhookDelivery> deliveries = store.enqueue(WebhookEvents.MODEL_VERSION_CREATED, "{\"x\":1}", 1000);
    assertThat(deliveries).extracting(WebhookDelivery::webhookId).containsExactlyInAnyOrder(a.id(), b.id());
    assertThat(store.due(999, 10)).isEmpty();
    assertThat(store.due(1000, 10)).hasSize(2).allSatisfy(d -> {
      assertThat(d.status()).isEqualTo(Status.PENDING);
      assertThat(d.payload()).isEqualTo("{\"x\":1}");
      assertThat(d.attempts()).isZero();
    });
    assertThat(store.nextDueTime()).isEqualTo(1000L);
  }

  @Test
  void attemptsAreCountedAndSettledDeliveriesStaySettled() {
    Webhook a = store.create(spec("a", "http://127.0.0.1:1/a", List.of(WebhookEvents.ALIAS_ROLLED_BACK), null));
    String id = store.enqueue(WebhookEvents.ALIAS_ROLLED_BACK, "{}", 1000).get(0).id();
    store.recordAttempt(id, Status.PENDING, 503, "the receiver answered 503", 5000L);
    assertThat(store.due(4999, 10)).isEmpty();
    store.recordAttempt(id, Status.DELIVERED, 200, null, null);
    store.recordAttempt(id, Status.FAILED, null, "late", null);
    WebhookDelivery settled = store.delivery(id);
    assertThat(settled.status()).isEqualTo(Status.DELIVERED);
    assertThat(settled.attempts()).isEqualTo(2);
    assertThat(settled.lastResponseCode()).isEqualTo(200);
    assertThat(settled.nextAttemptTime()).isNull();
    assertThat(store.nextDueTime()).isNull();
    assertThat(store.deliveries(a.id(), 10, null).items()).containsExactly(settled);
  }

  @Test
  void deletingAWebhookHidesItAndFailsItsPendingDeliveriesButKeepsTheLog() {
    Webhook a = store.create(spec("a", "http://127.0.0.1:1/a", List.of(WebhookEvents.MODEL_VERSION_CREATED), null));
    String id = store.enqueue(WebhookEvents.MODEL_VERSION_CREATED, "{}", 1000).get(0).id();
    store.delete(a.id());
    assertNotFound(() -> store.get(a.id()));
    assertNotFound(() -> store.delete(a.id()));
    assertNotFound(() -> store.deliveries(a.id(), 10, null));
    assertThat(store.list(10, null).items()).isEmpty();
    assertThat(store.delivery(id).status()).isEqualTo(Status.FAILED);
    assertThat(store.delivery(id).lastError()).contains("deleted");
    assertThat(store.enqueue(WebhookEvents.MODEL_VERSION_CREATED, "{}", 2000)).isEmpty();
  }

  @Test
  void deliveriesPageNewestFirst() {
    Webhook a = store.create(spec("a", "http://127.0.0.1:1/a", List.of(WebhookEvents.MODEL_VERSION_CREATED), null));
    for (int i = 0; i < 5; i++) {
      store.enqueue(WebhookEvents.MODEL_VERSION_CREATED, "{\"n\":" + i + "}", 1000 + i);
    }
    Page<WebhookDelivery> first = store.deliveries(a.id(), 2, null);
    assertThat(first.items()).extracting(WebhookDelivery::payload).containsExactly("{\"n\":4}", "{\"n\":3}");
    Page<WebhookDelivery> rest = store.deliveries(a.id(), 10, first.nextPageToken());
    assertThat(rest.items()).extracting(WebhookDelivery::payload).containsExactly("{\"n\":2}", "{\"n\":1}", "{\"n\":0}");
  }

  @Test
  void unknownIdsAndEventsAreClearErrors() {
    assertNotFound(() -> store.get("nope"));
    assertNotFound(() -> store.update("nope", new WebhookSpec("x", null, null, null, null, null)));
    assertNotFound(() -> store.delivery("nope"));
    assertThatThrownBy(() -> store.enqueue("model_version.exploded", "{}", 1))
        .hasMessageContaining("unknown").hasMessageContaining("model_version.created");
  }

  static void assertNotFound(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
    assertThatThrownBy(call).isInstanceOf(CairnException.class)
        .extracting(e -> ((CairnException) e).code()).isEqualTo(ErrorCode.RESOURCE_DOES_NOT_EXIST);
  }
}
