package dev.cairn.serving.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Json;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeploymentSpecTest {
  static List<Route> routes(String... texts) {
    return java.util.Arrays.stream(texts).map(t -> Route.parse("routes", t)).toList();
  }

  @Test
  void targetsParseVersionsAndAliasesAndPrintBack() {
    assertThat(Target.parse("f", "churn/3")).isEqualTo(new Target("churn", 3, null));
    assertThat(Target.parse("f", "churn@champion")).isEqualTo(new Target("churn", null, "champion"));
    assertThat(Target.parse("f", "team/churn/3")).isEqualTo(new Target("team/churn", 3, null));
    assertThat(Target.parse("f", "team@x@prod").toString()).isEqualTo("team@x@prod");
    assertThatThrownBy(() -> Target.parse("routes[0].target", "churn"))
        .hasMessageContaining("field 'routes[0].target' value 'churn' is not a model version target");
    assertThatThrownBy(() -> Target.parse("f", "churn/0")).hasMessageContaining("versions count from 1");
    assertThatThrownBy(() -> Target.parse("f", "churn@")).hasMessageContaining("field 'f' value 'churn@'");
    assertThatThrownBy(() -> Target.parse("f", "")).hasMessageContaining("field 'f' is empty");
  }

  @Test
  void weightsSumToOneHundredUnlessThereIsOneRoute() {
    assertThat(new DeploymentSpec(null, routes("churn/1=40", "churn/2=60"), null, null, null).routes()).hasSize(2);
    assertThat(new DeploymentSpec(null, routes("churn/1=30"), null, null, null).routes()).hasSize(1);
    assertThatThrownBy(() -> new DeploymentSpec(null, routes("churn/1=40", "churn/2=50"), null, null, null))
        .isInstanceOfSatisfying(CairnException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE))
        .hasMessageContaining("field 'routes' weights sum to 90; with more than one route they must sum to 100");
    assertThatThrownBy(() -> Route.parse("routes[1]", "churn/1=101"))
        .hasMessageContaining("route churn/1 has weight 101; a weight is 0 to 100");
    assertThatThrownBy(() -> Route.parse("routes[1]", "churn/1=1000"))
        .hasMessageContaining("field 'routes[1]' value 'churn/1=1000': weight '1000' is not a whole number from 0 to 100");
    assertThatThrownBy(() -> new Route(new Target("churn", 1, null), -1)).hasMessageContaining("a weight is 0 to 100");
    assertThatThrownBy(() -> new DeploymentSpec(null, List.of(), null, null, null))
        .hasMessageContaining("field 'routes' is empty");
    assertThatThrownBy(() -> new DeploymentSpec(null, routes("churn/1=0"), null, null, null))
        .hasMessageContaining("one route of weight 0");
    assertThatThrownBy(() -> new DeploymentSpec(null, routes("churn/1=50", "churn/1=50"), null, null, null))
        .hasMessageContaining("names target churn/1 twice");
    assertThatThrownBy(() -> new DeploymentSpec(null, Collections.nCopies(21, Route.parse("r", "churn/1=0")), null,
        null, null)).hasMessageContaining("has 21 routes; the limit is 20");
  }

  @Test
  void shadowsAreNeitherRoutesNorRepeated() {
    assertThatThrownBy(() -> new DeploymentSpec(null, routes("churn/1"), List.of(new Target("churn", 1, null)),
        null, null)).hasMessageContaining("field 'shadows' target churn/1 is already a route or a shadow");
  }

  @Test
  void stickyKeysAndCanariesAreChecked() {
    assertThat(Sticky.parse("header:X-User")).isEqualTo(new Sticky(Sticky.Source.HEADER, "X-User"));
    assertThat(Sticky.parse("FIELD: customer_id").toString()).isEqualTo("field:customer_id");
    assertThatThrownBy(() -> Sticky.parse("cookie:x")).hasMessageContaining("has source 'cookie'");
    assertThatThrownBy(() -> Sticky.parse("X-User")).hasMessageContaining("must be header:NAME or field:NAME");
    assertThatThrownBy(() -> Sticky.parse("header:X User")).hasMessageContaining("not a valid HTTP header name");
    Target t = new Target("churn", 2, null);
    assertThatThrownBy(() -> new Canary(t, 100, null, null, null))
        .hasMessageContaining("field 'canary.percent' is 100; a canary takes 1 to 99 percent");
    assertThatThrownBy(() -> new Canary(t, 10, null, "30 minutes", null))
        .hasMessageContaining("field 'canary.for' value '30 minutes'");
    assertThat(Canary.State.parse("Rolled_Back")).isEqualTo(Canary.State.ROLLED_BACK);
  }

  @Test
  void namesKeepToUrlSafeCharacters() {
    assertThat(Deployment.requireName("churn-api.v2_b")).isEqualTo("churn-api.v2_b");
    assertThatThrownBy(() -> Deployment.requireName("churn api")).hasMessageContaining("field 'name' value 'churn api'");
    assertThatThrownBy(() -> Deployment.requireName("-x")).hasMessageContaining("must start with a letter or digit");
    assertThatThrownBy(() -> Deployment.requireName("x".repeat(257)))
        .hasMessageContaining("has 257 characters; the limit is 256");
    assertThatThrownBy(() -> Deployment.requireName("")).hasMessageContaining("field 'name' is empty");
  }

  @Test
  void jsonRoundTripsAndNamesBadFields() throws Exception {
    JsonNode body = Json.MAPPER.readTree("{\"description\": \"d\", \"routes\": [{\"target\": \"churn@champion\","
        + " \"weight\": 90}, \"churn/3=10\"], \"shadows\": [\"churn/4\"], \"sticky\": \"header:X-User\","
        + " \"canary\": {\"target\": \"churn/4\", \"percent\": 10, \"until\": \"p99_ms < 50\", \"for\": \"30m\"}}");
    DeploymentSpec spec = DeploymentJson.spec(body);
    assertThat(DeploymentJson.spec(DeploymentJson.routing(spec))).isEqualTo(
        new DeploymentSpec(null, spec.routes(), spec.shadows(), spec.sticky(), spec.canary()));
    assertThat(spec.models()).containsExactly("churn");
    assertThatThrownBy(() -> DeploymentJson.spec(Json.MAPPER.readTree("{\"routes\": [{\"target\": \"churn/1\","
        + " \"weight\": \"ninety\"}]}"))).hasMessageContaining("field 'routes[0].weight' must be a whole number");
    assertThatThrownBy(() -> DeploymentJson.spec(Json.MAPPER.readTree("{\"routes\": \"churn/1\"}")))
        .hasMessageContaining("field 'routes' must be an array");
    assertThatThrownBy(() -> DeploymentJson.spec(Json.MAPPER.readTree("{\"routes\": [\"churn/1\"], \"shadows\": [3]}")))
        .hasMessageContaining("field 'shadows[0]' must be a text");
  }
}
