package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.core.Json;
import dev.cairn.server.CairnServer;
import dev.cairn.server.CairnServer.ServerConfig;
import dev.cairn.server.registry.ModelIntegrity;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cairn serve --deployments} as the docs run it: a replica beside a {@code cairn server} on one PostgreSQL
 * (embedded) and one artifact folder, serving a deployment made through the server and following its alias.
 */
class ServeReplicaCommandTest {
  @TempDir static Path dir;
  static EmbeddedPostgres postgres;
  static CairnServer server;
  static String backend;
  static String artifacts;

  @BeforeAll
  static void start() throws Exception {
    postgres = EmbeddedPostgres.builder().start();
    backend = "postgresql://localhost:" + postgres.getPort() + "/postgres?user=postgres";
    artifacts = "file:" + dir.resolve("artifacts");
    // the server's signing keys go to this test's folder, not ./cairn-data (its default beside PostgreSQL)
    String keys = System.setProperty(ModelIntegrity.KEY_DIR_PROPERTY, dir.resolve("signing").toString());
    try {
      server = CairnServer.start(new ServerConfig("127.0.0.1", 0, backend, artifacts));
    } finally {
      if (keys == null) {
        System.clearProperty(ModelIntegrity.KEY_DIR_PROPERTY);
      } else {
        System.setProperty(ModelIntegrity.KEY_DIR_PROPERTY, keys);
      }
    }
    // a bundle put into the shared artifact store, registered by its path there
    ScoreCommandTest.train(dir.resolve("artifacts/bundles/churn/model"));
    ok(Cli.tracked(server, "models", "create", "churn"));
    ok(Cli.tracked(server, "models", "register", "churn", "--source", "mlflow-artifacts:/bundles/churn"));
    ok(Cli.tracked(server, "models", "alias", "set", "churn", "champion", "1"));
    ok(Cli.tracked(server, "deploy", "create", "churn-api", "--route", "churn@champion"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close();
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  static Cli.Result ok(Cli.Result r) {
    assertThat(r.exitCode()).as(r.err()).isZero();
    return r;
  }

  @Test
  void aReplicaServesTheServersDeploymentOverOipAndInvocations() throws Exception {
    ServeCommandTest.Serving replica = ServeCommandTest.Serving.start("serve", "--deployments", "churn-api",
        "--backend-store-uri", backend, "--artifacts-uri", artifacts, "--port", "0", "--refresh-ms", "500");
    try {
      assertThat(replica.out().toString()).startsWith("Serving deployments churn-api on http://127.0.0.1:")
          .contains("authentication off");
      String csv = ScoreCommandTest.table(10, 4, false);
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> fromReplica = http.send(HttpRequest.newBuilder(URI.create(replica.url()
          + "/deployments/churn-api/invocations")).header("Content-Type", "text/csv")
          .POST(HttpRequest.BodyPublishers.ofString(csv)).build(), HttpResponse.BodyHandlers.ofString());
      HttpResponse<String> fromServer = http.send(HttpRequest.newBuilder(URI.create(server.url()
          + "/deployments/churn-api/invocations")).header("Content-Type", "text/csv")
          .POST(HttpRequest.BodyPublishers.ofString(csv)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(fromReplica.statusCode()).as(fromReplica.body()).isEqualTo(200);
      assertThat(labels(fromReplica.body())).hasSize(10).isEqualTo(labels(fromServer.body()));
      assertThat(fromReplica.headers().firstValue("X-Cairn-Model-Version")).hasValue("churn/1");
    } finally {
      replica.stop();
    }
  }

  @Test
  void anUnknownDeploymentStopsTheReplicaAtStartWithOneLine() {
    Cli.Result r = Cli.cairn("serve", "--deployments", "churn-api,nowhere", "--backend-store-uri", backend,
        "--artifacts-uri", artifacts, "--port", "0");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.errLines()).isEqualTo(1);
    assertThat(r.err()).contains("deployment 'nowhere' does not exist");
  }

  static List<String> labels(String invocationsAnswer) throws Exception {
    List<String> out = new ArrayList<>();
    JsonNode predictions = Json.MAPPER.readTree(invocationsAnswer).get("predictions");
    predictions.forEach(p -> out.add(p.get("label").asText()));
    return out;
  }
}
