package dev.cairn.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Json;
import dev.cairn.identity.Role;
import dev.cairn.identity.Scope;
import dev.cairn.registry.AliasChange;
import dev.cairn.registry.PromotionRequest;
import dev.cairn.server.CairnServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Four-eyes promotion end to end on a server with authentication on: real users, tokens and roles, an admin's
 * policy, an editor's request with metrics as evidence, approvers (one global, one granted on this model only),
 * refusals for the requester, a viewer and a direct move, a rollback, and the audit trail of it all.
 */
class PromotionFlowTest {
  @TempDir Path dir;
  private CairnServer server;
  private CairnClient admin;

  @BeforeEach
  void start() throws Exception {
    server = CairnServer.start(new CairnServer.ServerConfig("127.0.0.1", 0, "sqlite:" + dir.resolve("cairn.db"),
        "file:" + dir.resolve("artifacts"), Map.of(), true, null));
    admin = CairnClient.connect(server.url(), Credentials.token(Files.readString(dir.resolve("admin-token")).strip()));
  }

  @AfterEach
  void stop() {
    admin.close();
    server.close();
  }

  private CairnClient user(String name, Role role, Scope scope) {
    admin.identity().createUser(name, null, null);
    admin.identity().grant(name, role, scope);
    return CairnClient.connect(server.url(), Credentials.token(admin.identity().createToken(name, "test", null).secret()));
  }

  private static void refused(ErrorCode code, String messagePart, ThrowingCallable call) {
    assertThatThrownBy(call).isInstanceOf(CairnException.class)
        .satisfies(e -> assertThat(((CairnException) e).code()).isEqualTo(code))
        .hasMessageContaining(messagePart);
  }

  private String runWithAuc(CairnClient client, String experiment, double auc) {
    return client.run(experiment, "auc-" + auc, r -> r.logMetric("auc", auc, 0));
  }

  @Test
  void aProtectedAliasMovesOnlyWithTwoOtherPeoplesApprovalAndRollsBackInOneStep() throws Exception {
    CairnClient alice = user("alice", Role.APPROVER, Scope.GLOBAL); // an approver herself, and the requester
    CairnClient bob = user("bob", Role.APPROVER, Scope.GLOBAL);
    CairnClient carol = user("carol", Role.APPROVER, Scope.registeredModel("churn"));
    CairnClient dave = user("dave", Role.VIEWER, Scope.GLOBAL);
    CairnClient frank = user("frank", Role.EDITOR, Scope.GLOBAL);
    try (alice; bob; carol; dave; frank) {
      String experiment = alice.createExperiment("churn");
      alice.models().createModel("churn");
      alice.models().createVersion("churn", "runs:/x/model", runWithAuc(alice, experiment, 0.81));
      alice.models().createVersion("churn", "runs:/y/model", runWithAuc(alice, experiment, 0.86));
      alice.models().setAlias("churn", "production", 1); // not protected yet

      refused(ErrorCode.PERMISSION_DENIED, "admin", () -> bob.promotions().setPolicy("churn", "production", 2));
      admin.promotions().setPolicy("churn", "production", 2);
      refused(ErrorCode.PERMISSION_DENIED, "request a promotion", () -> alice.models().setAlias("churn", "production", 2));

      PromotionRequest request = alice.promotions().request("churn", "production", 2, "AUC 0.81 -> 0.86 on holdout");
      assertThat(request.requester()).isEqualTo("alice");
      assertThat(request.currentVersion()).isEqualTo(1);
      JsonNode evidence = Json.MAPPER.readTree(request.evidenceJson());
      assertThat(evidence.at("/candidate/metrics/auc").asDouble()).isEqualTo(0.86);
      assertThat(evidence.at("/current/metrics/auc").asDouble()).isEqualTo(0.81);

      refused(ErrorCode.PERMISSION_DENIED, "four eyes", () -> alice.promotions().approve(request.requestId(), "mine"));
      refused(ErrorCode.PERMISSION_DENIED, "approver", () -> dave.promotions().approve(request.requestId(), null));
      refused(ErrorCode.PERMISSION_DENIED, "approver", () -> frank.promotions().approve(request.requestId(), null));
      PromotionsClient.Approval first = bob.promotions().approve(request.requestId(), "metrics hold");
      assertThat(first.applied()).isFalse();
      assertThat(alice.models().getVersionByAlias("churn", "production").version()).isEqualTo(1);
      // carol's approver role is granted on this model only: the request id scopes the call to it
      PromotionsClient.Approval second = carol.promotions().approve(request.requestId(), "ok");
      assertThat(second.applied()).isTrue();
      assertThat(second.request().previousVersion()).isEqualTo(1);
      assertThat(dave.models().getVersionByAlias("churn", "production").version()).isEqualTo(2);

      refused(ErrorCode.PERMISSION_DENIED, "approver", () -> frank.promotions().rollback("churn", "production", "oops"));
      AliasChange back = bob.promotions().rollback("churn", "production", "latency regression");
      assertThat(back.toVersion()).isEqualTo(1);
      assertThat(back.actor()).isEqualTo("bob");
      assertThat(dave.models().getVersionByAlias("churn", "production").version()).isEqualTo(1);
      assertThat(dave.promotions().history("churn", "production")).extracting(AliasChange::kind, AliasChange::actor)
          .containsExactly(org.assertj.core.groups.Tuple.tuple(AliasChange.Kind.ROLLBACK, "bob"),
              org.assertj.core.groups.Tuple.tuple(AliasChange.Kind.PROMOTION, "carol"),
              org.assertj.core.groups.Tuple.tuple(AliasChange.Kind.SET, "alice"));

      // the audit log tells the same story, by the same people
      var events = admin.audit().list(new AuditClient.Filter(null, "model:churn@production", null, null, null, false),
          100, null).items();
      assertThat(events).extracting(e -> e.action() + " " + e.actor())
          .contains("registry.alias.set alice", "registry.alias.promotion carol", "registry.alias.rollback bob");
      assertThat(admin.audit().verify().ok()).isTrue();
    }
  }

  @Test
  void aRejectedRequestLeavesTheAliasAndAnotherModelsApproverCannotDecide() {
    CairnClient alice = user("alice", Role.EDITOR, Scope.GLOBAL);
    CairnClient erin = user("erin", Role.APPROVER, Scope.registeredModel("fraud"));
    CairnClient bob = user("bob", Role.APPROVER, Scope.GLOBAL);
    try (alice; erin; bob) {
      alice.models().createModel("churn");
      alice.models().createVersion("churn", "runs:/x/model", null);
      admin.promotions().setPolicy("churn", "production", 1);
      PromotionRequest request = alice.promotions().request("churn", "production", 1, "first model");
      refused(ErrorCode.PERMISSION_DENIED, "approver", () -> erin.promotions().approve(request.requestId(), null));
      PromotionRequest rejected = bob.promotions().reject(request.requestId(), "no evaluation attached");
      assertThat(rejected.status()).isEqualTo(PromotionRequest.Status.REJECTED);
      refused(ErrorCode.INVALID_STATE, "rejected", () -> bob.promotions().approve(request.requestId(), null));
      refused(ErrorCode.RESOURCE_DOES_NOT_EXIST, "production",
          () -> alice.models().getVersionByAlias("churn", "production"));
      refused(ErrorCode.INVALID_PARAMETER_VALUE, "no promotion policy",
          () -> alice.promotions().request("churn", "staging", 1, "why"));
    }
  }
}
