package dev.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ArtifactProxyTest {
  static final String ARTIFACTS = "/api/2.0/mlflow-artifacts/artifacts";
  @TempDir static Path dir;
  static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start(dir);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void putThenGetReturnsTheSameBytes() {
    byte[] content = "hello artifacts".getBytes();
    assertThat(server.put(ARTIFACTS + "/1/run/artifacts/hello.txt", content).status()).isEqualTo(200);
    TestServer.Reply r = server.get(ARTIFACTS + "/1/run/artifacts/hello.txt");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body()).isEqualTo(content);
    assertThat(r.contentType()).startsWith("text/plain");
    assertThat(dir.resolve("artifacts/1/run/artifacts/hello.txt")).exists();
  }

  @Test
  void uploadsLargerThanTheJsonLimitStreamThrough() {
    int size = 8 * 1024 * 1024;
    TestServer.Reply put = server.put(ARTIFACTS + "/big/blob.bin",
        HttpRequest.BodyPublishers.ofInputStream(() -> new PatternStream(size)));
    assertThat(put.status()).isEqualTo(200);
    TestServer.Reply get = server.get(ARTIFACTS + "/big/blob.bin");
    assertThat(get.status()).isEqualTo(200);
    assertThat(get.body()).hasSize(size);
    assertThat(get.body()[size - 1]).isEqualTo((byte) ((size - 1) % 251));
  }

  @Test
  void datasetBlobsAreOutsideTheProxysNamespace() throws Exception {
    Path blob = dir.resolve("artifacts/datasets/blobs/ab/ab12");
    java.nio.file.Files.createDirectories(blob.getParent());
    java.nio.file.Files.writeString(blob, "dataset bytes");
    for (String path : new String[] {"/datasets/blobs/ab/ab12", "/%64atasets/blobs/ab/ab12", "/datasets"}) {
      TestServer.Reply put = server.put(ARTIFACTS + path, "overwritten".getBytes());
      assertThat(put.status()).as(path).isEqualTo(403);
      assertThat(put.errorCode()).isEqualTo("PERMISSION_DENIED");
      assertThat(server.delete(ARTIFACTS + path).status()).as(path).isEqualTo(403);
      assertThat(server.get(ARTIFACTS + path).status()).as(path).isEqualTo(403);
    }
    assertThat(server.get(ARTIFACTS + "?path=datasets/blobs").status()).isEqualTo(403);
    assertThat(new String(server.get(ARTIFACTS).body())).doesNotContain("\"datasets\"");
    assertThat(java.nio.file.Files.readString(blob)).isEqualTo("dataset bytes");
  }

  @Test
  void getOfAMissingArtifactIs404() {
    TestServer.Reply r = server.get(ARTIFACTS + "/nothing/here.txt");
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.errorCode()).isEqualTo("RESOURCE_DOES_NOT_EXIST");
  }

  @Test
  void deleteRemovesTheArtifact() {
    server.put(ARTIFACTS + "/del/gone.txt", "x".getBytes());
    assertThat(server.delete(ARTIFACTS + "/del/gone.txt").status()).isEqualTo(200);
    assertThat(server.get(ARTIFACTS + "/del/gone.txt").status()).isEqualTo(404);
  }

  @Test
  void listReturnsBaseNamesWithSizes() {
    server.put(ARTIFACTS + "/listing/a.txt", "aaa".getBytes());
    server.put(ARTIFACTS + "/listing/sub/b.txt", "b".getBytes());
    TestServer.Reply r = server.get(ARTIFACTS + "?path=listing");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().get("files").toString())
        .contains("{\"path\":\"a.txt\",\"is_dir\":false,\"file_size\":3}")
        .contains("{\"path\":\"sub\",\"is_dir\":true}");
  }

  @Test
  void pathsWithSpacesRoundTrip() {
    assertThat(server.put(ARTIFACTS + "/space/my%20file.txt", "s".getBytes()).status()).isEqualTo(200);
    assertThat(server.get(ARTIFACTS + "/space/my%20file.txt").text()).isEqualTo("s");
    assertThat(server.get(ARTIFACTS + "?path=space").json().toString()).contains("my file.txt");
  }

  @ParameterizedTest
  @ValueSource(strings = {"..%2F..%2Fsecret.txt", "%2e%2e/%2e%2e/secret.txt", "a/..%2f..%2fsecret.txt",
      "a%5c..%5csecret.txt", "a/%2E%2E/b.txt", "x%00.txt"})
  void traversalPathsAre400(String path) {
    TestServer.Reply put = server.put(ARTIFACTS + "/" + path, "evil".getBytes());
    assertThat(put.status()).isEqualTo(400);
    assertThat(put.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");
    assertThat(server.get(ARTIFACTS + "/" + path).status()).isEqualTo(400);
  }

  @Test
  void plainDotDotSegmentsNeverEscapeTheStore() {
    TestServer.Reply put = server.put(ARTIFACTS + "/a/../../../escaped.txt", "evil".getBytes());
    assertThat(put.status()).isBetween(400, 404);
    assertThat(dir.resolve("escaped.txt")).doesNotExist();
    assertThat(dir.getParent().resolve("escaped.txt")).doesNotExist();
  }

  @Test
  void listWithATraversalPathIs400() {
    TestServer.Reply r = server.get(ARTIFACTS + "?path=..%2F..");
    assertThat(r.status()).isEqualTo(400);
  }

  @Test
  void multipartUploadCreatesPartsThenCompletes() {
    TestServer.Reply create = server.post("/api/2.0/mlflow-artifacts/mpu/create/mpu/big.bin",
        "{\"path\":\"mpu/big.bin\",\"num_parts\":2}");
    assertThat(create.status()).isEqualTo(200);
    String uploadId = create.json().get("upload_id").asText();
    assertThat(create.json().get("credentials")).hasSize(2);
    assertThat(create.json().at("/credentials/1/part_number").asInt()).isEqualTo(2);

    byte[] part1 = new byte[5 * 1024 * 1024];
    Arrays.fill(part1, (byte) 'a');
    byte[] part2 = "tail".getBytes();
    String etag1 = uploadTo(create.json().at("/credentials/0/url").asText(), part1);
    String etag2 = uploadTo(create.json().at("/credentials/1/url").asText(), part2);
    TestServer.Reply complete = server.post("/api/2.0/mlflow-artifacts/mpu/complete/mpu/big.bin",
        "{\"path\":\"mpu/big.bin\",\"upload_id\":\"" + uploadId + "\",\"parts\":["
            + "{\"part_number\":1,\"etag\":" + quote(etag1) + "},{\"part_number\":2,\"etag\":" + quote(etag2) + "}]}");
    assertThat(complete.status()).isEqualTo(200);
    TestServer.Reply get = server.get(ARTIFACTS + "/mpu/big.bin");
    assertThat(get.body()).hasSize(part1.length + part2.length);
    assertThat(new String(get.body(), part1.length, 4)).isEqualTo("tail");
  }

  @Test
  void multipartPartUrlsPointAtTheServerWhateverHostTheClientSends() throws Exception {
    String body = "{\"num_parts\":2}";
    String reply;
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.server.port())) {
      socket.setSoTimeout(30_000);
      String request = "POST /api/2.0/mlflow-artifacts/mpu/create/mpu/host.bin HTTP/1.1\r\n"
          + "Host: attacker.example:6666\r\nContent-Type: application/json\r\nConnection: close\r\n"
          + "Content-Length: " + body.length() + "\r\n\r\n" + body;
      socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      reply = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
    assertThat(reply).startsWith("HTTP/1.1 200").doesNotContain("attacker.example");
    com.fasterxml.jackson.databind.JsonNode json =
        dev.cairn.core.Json.MAPPER.readTree(reply.substring(reply.indexOf("\r\n\r\n") + 4));
    assertThat(json.at("/credentials/0/url").asText())
        .startsWith(server.server.url() + "/api/2.0/mlflow-artifacts/mpu/upload/mpu/host.bin?upload_id=")
        .endsWith("&part_number=1");
  }

  @Test
  void abortedMultipartUploadLeavesNoBlob() {
    TestServer.Reply create = server.post("/api/2.0/mlflow-artifacts/mpu/create/mpu/aborted.bin",
        "{\"path\":\"mpu/aborted.bin\",\"num_parts\":1}");
    String uploadId = create.json().get("upload_id").asText();
    uploadTo(create.json().at("/credentials/0/url").asText(), "part".getBytes());
    TestServer.Reply abort = server.post("/api/2.0/mlflow-artifacts/mpu/abort/mpu/aborted.bin",
        "{\"path\":\"mpu/aborted.bin\",\"upload_id\":\"" + uploadId + "\"}");
    assertThat(abort.status()).isEqualTo(200);
    assertThat(server.get(ARTIFACTS + "/mpu/aborted.bin").status()).isEqualTo(404);
  }

  @Test
  void multipartCreateWithATraversalPathIs400() {
    TestServer.Reply r = server.post("/api/2.0/mlflow-artifacts/mpu/create/..%2Fx.bin", "{\"num_parts\":1}");
    assertThat(r.status()).isEqualTo(400);
  }

  private String uploadTo(String url, byte[] body) {
    assertThat(url).startsWith(server.server.url());
    TestServer.Reply r = server.send(HttpRequest.newBuilder(URI.create(url)).PUT(HttpRequest.BodyPublishers.ofByteArray(body)));
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.etag()).isNotBlank();
    return r.etag();
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  /** A deterministic stream of {@code size} bytes, generated as read so the test holds none of it. */
  static final class PatternStream extends InputStream {
    private final long size;
    private long position;

    PatternStream(long size) {
      this.size = size;
    }

    @Override
    public int read() {
      if (position >= size) {
        return -1;
      }
      return (int) (position++ % 251);
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (position >= size) {
        return -1;
      }
      int n = (int) Math.min(len, size - position);
      for (int i = 0; i < n; i++) {
        b[off + i] = (byte) (position++ % 251);
      }
      return n;
    }
  }

  @Test
  void theProxyAnswersUnderTheAjaxPrefixToo() {
    server.put(ARTIFACTS + "/ajax/file.txt", "via ajax".getBytes());
    TestServer.Reply r = server.get("/ajax-api/2.0/mlflow-artifacts/artifacts/ajax/file.txt");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.text()).isEqualTo("via ajax");
  }

  @Test
  void deleteOfAMissingArtifactIs404() {
    TestServer.Reply r = server.delete(ARTIFACTS + "/never/was.txt");
    assertThat(r.status()).as(r.toString()).isEqualTo(404);
    assertThat(r.errorCode()).isEqualTo("RESOURCE_DOES_NOT_EXIST");
  }
}
