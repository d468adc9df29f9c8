package dev.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.core.Hashing;
import dev.cairn.core.Json;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cairn's dataset REST routes, read and write, on a real server (CairnServer's own wiring). */
class DatasetRoutesTest {
  static final String API = "/api/cairn/v1/datasets";

  @TempDir Path tmp;
  TestServer server;

  @BeforeEach
  void start() {
    server = TestServer.start(tmp);
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static String sha(byte[] bytes) {
    return Hashing.sha256Hex(bytes);
  }

  private TestServer.Reply putBlob(byte[] bytes) {
    return server.put(API + "/blobs/" + sha(bytes), bytes);
  }

  /** Uploads each file and creates a version from them; returns the create answer. */
  private TestServer.Reply addVersion(String name, Map<String, String> files, String message) {
    ObjectNode body = Json.MAPPER.createObjectNode().put("message", message).put("author", "alice");
    ArrayNode list = body.putArray("files");
    for (Map.Entry<String, String> f : files.entrySet()) {
      byte[] bytes = f.getValue().getBytes(StandardCharsets.UTF_8);
      TestServer.Reply put = putBlob(bytes);
      assertThat(put.status()).as(put.toString()).isEqualTo(200);
      list.addObject().put("path", f.getKey()).put("size", bytes.length).put("sha256", sha(bytes));
    }
    body.putObject("tags").put("n", message);
    return server.post(API + "/" + name + "/versions", body.toString());
  }

  private void addVersions(String name, int count) {
    for (int i = 1; i <= count; i++) {
      TestServer.Reply r = addVersion(name, Map.of("f.txt", "content " + i), "v" + i);
      assertThat(r.status()).as(r.toString()).isEqualTo(200);
    }
  }

  private JsonNode json(String path) {
    TestServer.Reply r = server.get(path);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json();
  }

  // ------------------------------------------------------------------ read side

  @Test
  void listsDatasetsWithTheirNewestVersion() {
    addVersions("churn", 3);
    addVersions("clicks", 1);

    JsonNode body = json(API);

    assertThat(body.path("datasets")).hasSize(2);
    assertThat(body.path("datasets").get(0).path("name").asText()).isEqualTo("churn");
    assertThat(body.path("datasets").get(0).path("latest_version").asInt()).isEqualTo(3);
    assertThat(body.path("datasets").get(1).path("latest_version").asInt()).isEqualTo(1);
  }

  @Test
  void pagesVersionsNewestFirst() {
    addVersions("churn", 5);

    JsonNode first = json(API + "/churn/versions?max_results=2");
    assertThat(first.path("versions").get(0).path("version").isInt()).isTrue();
    assertThat(first.path("versions").get(0).path("version").asInt()).isEqualTo(5);
    assertThat(first.path("versions").get(1).path("version").asInt()).isEqualTo(4);
    String token = first.path("next_page_token").asText();

    JsonNode last = json(API + "/churn/versions?max_results=3&page_token=" + token);
    assertThat(last.path("versions")).hasSize(3);
    assertThat(last.path("versions").get(2).path("version").asInt()).isEqualTo(1);
    assertThat(last.has("next_page_token")).isFalse();
    assertThat(last.path("versions").get(2).path("tags").path("n").asText()).isEqualTo("v1");
  }

  @Test
  void showsOneVersionWithItsManifest() {
    addVersions("churn", 2);

    JsonNode body = json(API + "/churn/versions/1");
    JsonNode latest = json(API + "/churn/versions/latest");

    assertThat(body.path("version").path("message").asText()).isEqualTo("v1");
    assertThat(body.path("version").path("author").asText()).isEqualTo("alice");
    assertThat(body.path("manifest").path("files").get(0).path("path").asText()).isEqualTo("f.txt");
    assertThat(body.path("manifest").path("files").get(0).path("size").asLong()).isEqualTo(9);
    assertThat(body.path("schema").isNull()).isTrue();
    assertThat(latest.path("version").path("version").asInt()).isEqualTo(2);
    assertThat(latest.path("version").path("parent_version").asInt()).isEqualTo(1);
  }

  @Test
  void missingDatasetOrVersionIs404WithErrorCode() {
    addVersions("churn", 1);

    TestServer.Reply noDataset = server.get(API + "/nope/versions");
    TestServer.Reply noVersion = server.get(API + "/churn/versions/4");
    TestServer.Reply badVersion = server.get(API + "/churn/versions/x");
    TestServer.Reply badPage = server.get(API + "/churn/versions?max_results=5000");

    assertThat(noDataset.status()).isEqualTo(404);
    assertThat(noDataset.errorCode()).isEqualTo("RESOURCE_DOES_NOT_EXIST");
    assertThat(noVersion.status()).isEqualTo(404);
    assertThat(noVersion.json().path("message").asText()).contains("no version 4");
    assertThat(badVersion.status()).isEqualTo(400);
    assertThat(badVersion.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");
    assertThat(badPage.status()).isEqualTo(400);
    assertThat(badPage.json().path("message").asText()).contains("limit is 1000");
  }

  // ------------------------------------------------------------------ blobs

  @Test
  void aBlobIsStoredUnderItsHashOnceAndReadBack() {
    byte[] bytes = new byte[300_000];
    new Random(7).nextBytes(bytes);

    TestServer.Reply first = putBlob(bytes);
    TestServer.Reply again = putBlob(bytes);
    TestServer.Reply back = server.get(API + "/blobs/" + sha(bytes));

    assertThat(first.status()).as(first.toString()).isEqualTo(200);
    assertThat(first.json().path("created").asBoolean()).isTrue();
    assertThat(first.json().path("size").asLong()).isEqualTo(bytes.length);
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.json().path("created").asBoolean()).isFalse();
    assertThat(back.status()).isEqualTo(200);
    assertThat(back.body()).isEqualTo(bytes);
    assertThat(back.contentType()).isEqualTo("application/octet-stream");
  }

  @Test
  void aBodyWhoseHashIsNotTheUrlsIsRefusedAndNothingIsStored() throws Exception {
    byte[] claimed = "what the client meant".getBytes(StandardCharsets.UTF_8);
    byte[] sent = "what arrived".getBytes(StandardCharsets.UTF_8);

    TestServer.Reply r = server.put(API + "/blobs/" + sha(claimed), sent);

    assertThat(r.status()).isEqualTo(400);
    assertThat(r.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");
    assertThat(r.json().path("message").asText()).contains(sha(sent)).contains(sha(claimed));
    assertThat(server.get(API + "/blobs/" + sha(claimed)).status()).isEqualTo(404);
    assertThat(server.get(API + "/blobs/" + sha(sent)).status()).isEqualTo(404);
    assertThat(blobFiles()).isEmpty();
  }

  private java.util.List<Path> blobFiles() throws Exception {
    Path blobs = tmp.resolve("artifacts/datasets/blobs");
    if (!Files.exists(blobs)) {
      return java.util.List.of();
    }
    try (Stream<Path> files = Files.walk(blobs)) {
      return files.filter(Files::isRegularFile).toList();
    }
  }

  @Test
  void unknownAndMalformedHashesAndTraversalAreRefused() {
    String unknown = "ab".repeat(32);
    TestServer.Reply missing = server.get(API + "/blobs/" + unknown);
    TestServer.Reply upper = server.put(API + "/blobs/" + "AB".repeat(32), new byte[] {1});
    TestServer.Reply shortHash = server.put(API + "/blobs/abc", new byte[] {1});
    TestServer.Reply dots = server.get(API + "/blobs/..%2F..%2Fcairn.db");

    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.errorCode()).isEqualTo("RESOURCE_DOES_NOT_EXIST");
    assertThat(missing.json().path("message").asText()).contains(unknown);
    assertThat(upper.status()).isEqualTo(400);
    assertThat(upper.json().path("message").asText()).contains("64 lowercase hex");
    assertThat(shortHash.status()).isEqualTo(400);
    assertThat(dots.status()).isBetween(400, 404);
    assertThat(dots.json().has("error_code")).isTrue();
    assertThat(dots.text()).doesNotContain("SQLite format");
  }

  @Test
  void askingWhichBlobsAreMissingNamesOnlyThoseNotStored() {
    byte[] stored = "stored".getBytes(StandardCharsets.UTF_8);
    putBlob(stored);
    String absent = sha("absent".getBytes(StandardCharsets.UTF_8));

    TestServer.Reply r = server.post(API + "/blobs/missing",
        "{\"sha256\":[\"" + sha(stored) + "\",\"" + absent + "\",\"" + absent + "\"]}");
    TestServer.Reply bad = server.post(API + "/blobs/missing", "{\"sha256\":[\"../x\"]}");
    TestServer.Reply notArray = server.post(API + "/blobs/missing", "{\"sha256\":\"x\"}");

    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.json().path("missing")).extracting(JsonNode::asText).containsExactly(absent);
    assertThat(bad.status()).isEqualTo(400);
    assertThat(notArray.status()).isEqualTo(400);
    assertThat(notArray.json().path("message").asText()).contains("'sha256'");
  }

  // ------------------------------------------------------------------ versions

  @Test
  void aVersionFromUploadedBlobsIsProfiledAndItsManifestHashesToItsContentHash() throws Exception {
    TestServer.Reply created = addVersion("churn", Map.of("train.csv", "x,y\n1,a\n2,b\n3,a\n", "README", "hi"), "first");

    assertThat(created.status()).as(created.toString()).isEqualTo(200);
    JsonNode version = created.json().path("version");
    assertThat(created.json().path("created").asBoolean()).isTrue();
    assertThat(version.path("version").asInt()).isEqualTo(1);
    assertThat(version.path("file_count").asInt()).isEqualTo(2);
    assertThat(version.path("row_count").asLong()).isEqualTo(3);
    TestServer.Reply manifest = server.get(API + "/churn/versions/1/manifest");
    assertThat(manifest.status()).isEqualTo(200);
    assertThat(sha(manifest.body())).isEqualTo(version.path("content_sha256").asText());
    JsonNode shown = json(API + "/churn/versions/1");
    assertThat(shown.path("profile").path("train.csv").path("row_count").asLong()).isEqualTo(3);

    TestServer.Reply same = addVersion("churn", Map.of("train.csv", "x,y\n1,a\n2,b\n3,a\n", "README", "hi"), "again");
    assertThat(same.json().path("created").asBoolean()).isFalse();
    assertThat(same.json().path("version").path("version").asInt()).isEqualTo(1);
  }

  @Test
  void aManifestWithBlobsNotUploadedIsRefusedNamingThem() {
    byte[] present = "present".getBytes(StandardCharsets.UTF_8);
    putBlob(present);
    String absent = sha("never uploaded".getBytes(StandardCharsets.UTF_8));
    String body = "{\"files\":[{\"path\":\"a.txt\",\"size\":7,\"sha256\":\"" + sha(present) + "\"},"
        + "{\"path\":\"dir/b.txt\",\"size\":14,\"sha256\":\"" + absent + "\"}]}";

    TestServer.Reply r = server.post(API + "/churn/versions", body);

    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().path("message").asText()).contains(absent).contains("dir/b.txt")
        .doesNotContain(sha(present));
    assertThat(server.get(API + "/churn/versions").status()).isEqualTo(404);
  }

  @Test
  void badNamesPathsAndBodiesAreRefusedWithTheFieldNamed() {
    byte[] bytes = "x".getBytes(StandardCharsets.UTF_8);
    putBlob(bytes);
    String entry = ",\"size\":1,\"sha256\":\"" + sha(bytes) + "\"}]}";

    TestServer.Reply traversal = server.post(API + "/churn/versions", "{\"files\":[{\"path\":\"../../etc/passwd\"" + entry);
    TestServer.Reply absolute = server.post(API + "/churn/versions", "{\"files\":[{\"path\":\"/etc/passwd\"" + entry);
    TestServer.Reply badName = server.post(API + "/bad%20name!/versions", "{\"files\":[{\"path\":\"a\"" + entry);
    TestServer.Reply dotName = server.post(API + "/..%2F..%2Fx/versions", "{\"files\":[{\"path\":\"a\"" + entry);
    TestServer.Reply empty = server.post(API + "/churn/versions", "{\"files\":[]}");
    TestServer.Reply noFiles = server.post(API + "/churn/versions", "{}");
    TestServer.Reply notJson = server.post(API + "/churn/versions", "files");
    TestServer.Reply wrongSize = server.post(API + "/churn/versions", "{\"files\":[{\"path\":\"a\",\"size\":5,"
        + "\"sha256\":\"" + sha(bytes) + "\"}]}");

    assertThat(traversal.status()).isEqualTo(400);
    assertThat(traversal.json().path("message").asText()).contains("../../etc/passwd");
    assertThat(absolute.status()).isEqualTo(400);
    assertThat(badName.status()).isEqualTo(400);
    assertThat(badName.json().path("message").asText()).contains("dataset name");
    assertThat(dotName.status()).isBetween(400, 404);
    assertThat(empty.status()).isEqualTo(400);
    assertThat(empty.json().path("message").asText()).contains("no files");
    assertThat(noFiles.status()).isEqualTo(400);
    assertThat(noFiles.json().path("message").asText()).contains("'files'");
    assertThat(notJson.status()).isEqualTo(400);
    assertThat(wrongSize.status()).isEqualTo(400);
    assertThat(wrongSize.json().path("message").asText()).contains("not uploaded");
    assertThat(server.get(API).json().path("datasets")).isEmpty();
  }

  @Test
  void driftComparesTwoVersionsTableByTable() {
    StringBuilder a = new StringBuilder("x,kind\n");
    StringBuilder b = new StringBuilder("x,kind\n");
    Random random = new Random(11);
    for (int i = 0; i < 2000; i++) {
      a.append(random.nextGaussian()).append(',').append(i % 2 == 0 ? "red" : "blue").append('\n');
      b.append(random.nextGaussian() + 3).append(',').append(i % 2 == 0 ? "red" : "blue").append('\n');
    }
    assertThat(addVersion("sensor", Map.of("t.csv", a.toString()), "one").status()).isEqualTo(200);
    assertThat(addVersion("sensor", Map.of("t.csv", b.toString()), "two").status()).isEqualTo(200);

    JsonNode drift = json(API + "/drift?reference=sensor@1&current=sensor@latest");
    TestServer.Reply unknown = server.get(API + "/drift?reference=sensor@1&current=sensor@9");
    TestServer.Reply noCurrent = server.get(API + "/drift?reference=sensor@1");

    assertThat(drift.path("reference").asText()).isEqualTo("sensor@1");
    assertThat(drift.path("current").asText()).isEqualTo("sensor@2");
    JsonNode table = drift.path("tables").path("t.csv");
    assertThat(table.path("columns")).hasSize(2);
    JsonNode x = null;
    for (JsonNode c : table.path("columns")) {
      if (c.path("column").asText().equals("x")) {
        x = c;
      }
    }
    assertThat(x).isNotNull();
    assertThat(x.path("drifted").asBoolean()).isTrue();
    assertThat(drift.path("drift").asBoolean()).isEqualTo(table.path("datasetDrift").asBoolean());
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(noCurrent.status()).isEqualTo(400);
    assertThat(noCurrent.json().path("message").asText()).contains("'current'");
  }

  @Test
  void aVersionLoggedAsARunInputIsFoundByMlflowsDatasetSearch() {
    addVersion("churn", Map.of("train.csv", "x\n1\n2\n"), "one");
    String experiment = server.createExperiment("with-data");
    String runId = server.createRun(experiment);

    TestServer.Reply linked = server.post(API + "/churn/versions/1/run-inputs",
        "{\"run_id\":\"" + runId + "\",\"context\":\"training\"}");
    TestServer.Reply noRun = server.post(API + "/churn/versions/1/run-inputs", "{\"run_id\":\"" + "f".repeat(32) + "\"}");
    TestServer.Reply noRunId = server.post(API + "/churn/versions/1/run-inputs", "{}");
    TestServer.Reply noVersion = server.post(API + "/churn/versions/7/run-inputs", "{\"run_id\":\"" + runId + "\"}");

    assertThat(linked.status()).as(linked.toString()).isEqualTo(200);
    assertThat(linked.json().path("source").asText()).isEqualTo("cairn-dataset:churn@1");
    JsonNode found = server.post("/api/2.0/mlflow/runs/search", "{\"experiment_ids\":[\"" + experiment
        + "\"],\"filter\":\"datasets.name = 'churn'\"}").json();
    assertThat(found.path("runs")).hasSize(1);
    assertThat(found.path("runs").get(0).at("/info/run_id").asText()).isEqualTo(runId);
    assertThat(noRun.status()).isEqualTo(404);
    assertThat(noRunId.status()).isEqualTo(400);
    assertThat(noRunId.json().path("message").asText()).contains("'run_id'");
    assertThat(noVersion.status()).isEqualTo(404);
  }

  // ------------------------------------------------------------------ limits

  @Test
  void aBlobPastTheLimitIs413WhetherDeclaredOrStreamed() throws Exception {
    server.close();
    server = null;
    System.setProperty("cairn.datasets.max-blob-bytes", "1024");
    try {
      server = TestServer.start(tmp);
    } finally {
      System.clearProperty("cairn.datasets.max-blob-bytes");
    }
    byte[] big = new byte[4096];
    new Random(3).nextBytes(big);
    byte[] small = new byte[1024];

    TestServer.Reply declared = putBlob(big);
    TestServer.Reply streamed = server.send(HttpRequest.newBuilder(URI.create(server.url(API + "/blobs/" + sha(big))))
        .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big))));
    TestServer.Reply atLimit = putBlob(small);

    for (TestServer.Reply r : new TestServer.Reply[] {declared, streamed}) {
      assertThat(r.status()).as(r.toString()).isEqualTo(413);
      assertThat(r.errorCode()).isEqualTo("REQUEST_LIMIT_EXCEEDED");
      assertThat(r.json().path("message").asText()).contains("limit for one dataset blob is 1024 bytes");
    }
    assertThat(declared.json().path("message").asText()).contains("4096 bytes");
    assertThat(atLimit.status()).isEqualTo(200);
    assertThat(server.get(API + "/blobs/" + sha(big)).status()).isEqualTo(404);
  }

  @Test
  void aManifestBodyPastItsLimitIs413() {
    StringBuilder body = new StringBuilder("{\"message\":\"");
    body.append("m".repeat(dev.cairn.server.datasets.DatasetRoutes.MAX_MANIFEST_BYTES + 10)).append("\"}");

    TestServer.Reply r = server.post(API + "/churn/versions", body.toString());

    assertThat(r.status()).isEqualTo(413);
    assertThat(r.json().path("message").asText()).contains(Integer.toString(
        dev.cairn.server.datasets.DatasetRoutes.MAX_MANIFEST_BYTES));
  }
}
