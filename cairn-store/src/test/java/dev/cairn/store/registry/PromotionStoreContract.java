package dev.cairn.store.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.ErrorCode;
import dev.cairn.registry.AliasChange;
import dev.cairn.registry.PromotionRequest;
import dev.cairn.registry.PromotionRequest.Status;
import dev.cairn.store.registry.PromotionStore.NewRequest;
import dev.cairn.store.registry.PromotionStore.Outcome;
import dev.cairn.tracking.Page;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Four-eyes promotion on every backend, on top of the registry contract: protected aliases, approval counts,
 * rejection, rollback and concurrent approvals that move an alias exactly once.
 */
abstract class PromotionStoreContract extends ModelRegistryStoreContract {
  protected PromotionStore promotions;

  /** The promotion store on the database {@link #newStore()} opened. */
  protected abstract PromotionStore promotionStore();

  @BeforeEach
  void openPromotions() {
    promotions = promotionStore();
  }

  /** Model churn with versions 1 to 3; each test here starts with it (the registry's own tests start empty). */
  private void churnWithThreeVersions() {
    store.createRegisteredModel("churn", null, Map.of());
    for (int i = 0; i < 3; i++) {
      store.createModelVersion(version("churn", "runs:/r" + i + "/model"));
    }
  }

  private PromotionRequest requestV(int version, String requester) {
    return promotions.request(new NewRequest("churn", "production", version, requester, "better AUC", "{}"));
  }

  private Optional<Integer> holder() {
    try {
      return Optional.of(store.getModelVersionByAlias("churn", "production").version());
    } catch (dev.cairn.core.CairnException e) {
      return Optional.empty();
    }
  }

  @Test
  void aProtectedAliasIsNeitherSetNorDeletedDirectly() {
    churnWithThreeVersions();
    store.setAlias("churn", "production", 1, "alice");
    promotions.setPolicy("churn", "production", 1, "admin");
    refused(ErrorCode.PERMISSION_DENIED, () -> store.setAlias("churn", "production", 2, "alice"));
    refused(ErrorCode.PERMISSION_DENIED, () -> store.deleteAlias("churn", "production", "alice"));
    refused(ErrorCode.PERMISSION_DENIED, () -> store.deleteModelVersion("churn", 1));
    refused(ErrorCode.PERMISSION_DENIED, () -> store.deleteRegisteredModel("churn"));
    assertThat(holder()).contains(1);
    // an alias the policy does not name stays free
    store.setAlias("churn", "staging", 2, "alice");
    assertThat(store.getModelVersionByAlias("churn", "staging").version()).isEqualTo(2);
  }

  @Test
  void theRequesterCannotApproveAndTheAliasMovesOnTheLastNeededApproval() {
    churnWithThreeVersions();
    store.setAlias("churn", "production", 1, "alice");
    promotions.setPolicy("churn", "production", 2, "admin");
    PromotionRequest r = requestV(2, "alice");
    assertThat(r.status()).isEqualTo(Status.PENDING);
    assertThat(r.currentVersion()).isEqualTo(1);
    assertThat(r.requiredApprovals()).isEqualTo(2);

    refused(ErrorCode.PERMISSION_DENIED, () -> promotions.approve(r.requestId(), "alice", "mine"));
    assertThat(promotions.get(r.requestId()).decisions()).isEmpty();

    Outcome first = promotions.approve(r.requestId(), "bob", "looks good");
    assertThat(first.applied()).isFalse();
    assertThat(holder()).contains(1);
    refused(ErrorCode.RESOURCE_ALREADY_EXISTS, () -> promotions.approve(r.requestId(), "bob", "again"));

    Outcome second = promotions.approve(r.requestId(), "carol", null);
    assertThat(second.applied()).isTrue();
    assertThat(second.request().status()).isEqualTo(Status.APPLIED);
    assertThat(second.request().previousVersion()).isEqualTo(1);
    assertThat(second.request().approvals()).isEqualTo(2);
    assertThat(holder()).contains(2);
    AliasChange last = promotions.history("churn", "production", 10).get(0);
    assertThat(last.kind()).isEqualTo(AliasChange.Kind.PROMOTION);
    assertThat(last.requestId()).isEqualTo(r.requestId());
    assertThat(last.fromVersion()).isEqualTo(1);
    assertThat(last.toVersion()).isEqualTo(2);
    assertThat(last.actor()).isEqualTo("carol");

    refused(ErrorCode.INVALID_STATE, () -> promotions.approve(r.requestId(), "dave", null));
  }

  @Test
  void aRejectedRequestClosesAndLeavesTheAliasAlone() {
    churnWithThreeVersions();
    promotions.setPolicy("churn", "production", 1, "admin");
    PromotionRequest r = requestV(3, "alice");
    refused(ErrorCode.PERMISSION_DENIED, () -> promotions.reject(r.requestId(), "alice", "no"));
    PromotionRequest rejected = promotions.reject(r.requestId(), "bob", "drift on segment B");
    assertThat(rejected.status()).isEqualTo(Status.REJECTED);
    assertThat(rejected.decisions()).singleElement()
        .satisfies(d -> assertThat(d.comment()).isEqualTo("drift on segment B"));
    assertThat(holder()).isEmpty();
    refused(ErrorCode.INVALID_STATE, () -> promotions.approve(r.requestId(), "carol", null));
    assertThat(promotions.history("churn", "production", 10)).isEmpty();
  }

  @Test
  void closedRequestsAreListedApartFromPendingOnesAndPage() {
    churnWithThreeVersions();
    promotions.setPolicy("churn", "production", 1, "admin");
    PromotionRequest rejected = requestV(3, "alice");
    promotions.reject(rejected.requestId(), "bob", "no");
    PromotionRequest cancelled = requestV(3, "alice");
    promotions.cancel(cancelled.requestId(), "alice");
    PromotionRequest applied = requestV(2, "alice");
    promotions.approve(applied.requestId(), "bob", null);
    PromotionRequest pending = requestV(3, "alice");
    List<String> closed = new ArrayList<>();
    String token = null;
    do {
      Page<PromotionRequest> page = promotions.listClosed("churn", 2, token);
      assertThat(page.items()).hasSizeLessThanOrEqualTo(2).allSatisfy(r -> assertThat(r.status().isOpen()).isFalse());
      page.items().forEach(r -> closed.add(r.requestId()));
      token = page.nextPageToken();
    } while (token != null);
    assertThat(closed).containsExactlyInAnyOrder(rejected.requestId(), cancelled.requestId(), applied.requestId());
    assertThat(promotions.listClosed(null, 10, null).items()).hasSize(3);
    assertThat(promotions.list("churn", Status.PENDING, 10, null).items()).extracting(PromotionRequest::requestId)
        .containsExactly(pending.requestId());
  }

  @Test
  void rollbackReturnsTheAliasToItsPreviousHolderAndIsRecorded() {
    churnWithThreeVersions();
    refused(ErrorCode.RESOURCE_DOES_NOT_EXIST, () -> promotions.rollback("churn", "production", "bob", "why"));
    promotions.setPolicy("churn", "production", 1, "admin");
    promotions.approve(requestV(1, "alice").requestId(), "bob", null);
    // the first holder had no predecessor
    refused(ErrorCode.INVALID_STATE, () -> promotions.rollback("churn", "production", "bob", "bad"));
    promotions.approve(requestV(2, "alice").requestId(), "bob", null);
    assertThat(holder()).contains(2);

    AliasChange back = promotions.rollback("churn", "production", "carol", "latency regression");
    assertThat(holder()).contains(1);
    assertThat(back.kind()).isEqualTo(AliasChange.Kind.ROLLBACK);
    assertThat(back.fromVersion()).isEqualTo(2);
    assertThat(back.toVersion()).isEqualTo(1);
    assertThat(back.actor()).isEqualTo("carol");
    assertThat(back.reason()).isEqualTo("latency regression");
    assertThat(promotions.history("churn", "production", 10)).extracting(AliasChange::kind)
        .containsExactly(AliasChange.Kind.ROLLBACK, AliasChange.Kind.PROMOTION, AliasChange.Kind.PROMOTION);
  }

  @Test
  void badRequestsAreRefusedAndRecordNothing() {
    churnWithThreeVersions();
    refused(ErrorCode.INVALID_PARAMETER_VALUE, () -> requestV(2, "alice")); // no policy for production
    promotions.setPolicy("churn", "production", 1, "admin");
    refused(ErrorCode.RESOURCE_DOES_NOT_EXIST,
        () -> promotions.request(new NewRequest("churn", "production", 9, "alice", "why", null)));
    refused(ErrorCode.RESOURCE_DOES_NOT_EXIST,
        () -> promotions.request(new NewRequest("nope", "production", 1, "alice", "why", null)));
    refused(ErrorCode.INVALID_PARAMETER_VALUE,
        () -> promotions.request(new NewRequest("churn", "production", 1, "alice", " ", null)));
    refused(ErrorCode.INVALID_PARAMETER_VALUE,
        () -> promotions.request(new NewRequest("churn", "latest", 1, "alice", "why", null)));
    refused(ErrorCode.INVALID_PARAMETER_VALUE, () -> promotions.setPolicy("churn", "production", 0, "admin"));
    assertThat(promotions.list("churn", null, 100, null).items()).isEmpty();

    PromotionRequest open = requestV(2, "alice");
    refused(ErrorCode.RESOURCE_ALREADY_EXISTS, () -> requestV(2, "bob"));
    assertThat(promotions.list("churn", Status.PENDING, 100, null).items()).extracting(PromotionRequest::requestId)
        .containsExactly(open.requestId());
    refused(ErrorCode.RESOURCE_DOES_NOT_EXIST, () -> promotions.approve("0".repeat(32), "bob", null));
  }

  @Test
  void liftingAPolicyCancelsItsOpenRequestsAndFreesTheAlias() {
    churnWithThreeVersions();
    promotions.setPolicy("churn", "production", 2, "admin");
    PromotionRequest r = requestV(2, "alice");
    promotions.deletePolicy("churn", "production");
    assertThat(promotions.get(r.requestId()).status()).isEqualTo(Status.CANCELLED);
    assertThat(promotions.policies("churn")).isEmpty();
    store.setAlias("churn", "production", 3, "alice");
    assertThat(holder()).contains(3);
    refused(ErrorCode.RESOURCE_DOES_NOT_EXIST, () -> promotions.deletePolicy("churn", "production"));
    store.deleteRegisteredModel("churn"); // no policy left: the model and its governance rows go
    refused(ErrorCode.RESOURCE_DOES_NOT_EXIST, () -> promotions.get(r.requestId()));
  }

  @Test
  void concurrentApprovalsMoveTheAliasExactlyOnce() throws Exception {
    churnWithThreeVersions();
    promotions.setPolicy("churn", "production", 2, "admin");
    PromotionRequest r = requestV(2, "alice");
    int approvers = 8;
    ExecutorService pool = Executors.newFixedThreadPool(approvers);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Outcome>> results = new ArrayList<>();
    for (int i = 0; i < approvers; i++) {
      String who = "approver" + i;
      results.add(pool.submit(() -> {
        start.await();
        return promotions.approve(r.requestId(), who, null);
      }));
    }
    start.countDown();
    int applied = 0;
    int accepted = 0;
    int closed = 0;
    for (Future<Outcome> f : results) {
      try {
        Outcome o = f.get(60, TimeUnit.SECONDS);
        accepted++;
        applied += o.applied() ? 1 : 0;
      } catch (java.util.concurrent.ExecutionException e) {
        assertThat(e.getCause()).isInstanceOf(dev.cairn.core.CairnException.class);
        assertThat(((dev.cairn.core.CairnException) e.getCause()).code()).isEqualTo(ErrorCode.INVALID_STATE);
        closed++;
      }
    }
    pool.shutdown();
    assertThat(applied).isEqualTo(1);
    assertThat(accepted).isEqualTo(2);
    assertThat(closed).isEqualTo(approvers - 2);
    assertThat(holder()).contains(2);
    assertThat(promotions.history("churn", "production", 10)).singleElement()
        .satisfies(c -> assertThat(c.kind()).isEqualTo(AliasChange.Kind.PROMOTION));
    assertThat(promotions.get(r.requestId()).decisions()).hasSize(2);
  }
}
