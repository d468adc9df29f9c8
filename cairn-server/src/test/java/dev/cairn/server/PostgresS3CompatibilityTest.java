package dev.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The whole MLflow Java client suite again, on the production backends: PostgreSQL (embedded, a real
 * server) for metadata and S3 (s3proxy in-process) for artifacts, plus the artifact proxy's multipart path.
 */
class PostgresS3CompatibilityTest extends MlflowJavaClientCompatibilityTest {
  private static final String BUCKET = "cairn-server-test";
  private EmbeddedPostgres postgres;
  private S3Proxy s3;

  @Override
  TestServer startServer() throws Exception {
    postgres = EmbeddedPostgres.builder().start();
    Path blobs = Files.createTempDirectory("cairn-s3");
    FilesystemNio2BlobStore blobStore = new FilesystemNio2BlobStore(blobs.toString());
    blobStore.createContainer(BUCKET);
    s3 = S3Proxy.builder()
        .blobStore(blobStore)
        .endpoint(URI.create("http://127.0.0.1:0"))
        .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, "access", "secret-key")
        .build();
    s3.start();
    String backend = "postgresql://localhost:" + postgres.getPort() + "/postgres?user=postgres";
    Map<String, String> options = Map.of("endpoint", "http://127.0.0.1:" + s3.getPort(), "region", "us-east-1",
        "accessKeyId", "access", "secretAccessKey", "secret-key");
    return TestServer.start(Files.createTempDirectory("cairn-pg"), backend, "s3://" + BUCKET + "/artifacts", options);
  }

  @AfterAll
  void stopBackends() throws Exception {
    if (s3 != null) {
      s3.stop();
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  @Test
  void healthReportsBothProductionBackendsUp() {
    TestServer.Reply r = server.get("/health");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.json().get("components").toString()).doesNotContain("\"down\"");
  }

  @Test
  void multipartUploadThroughTheProxyLandsInS3() {
    TestServer.Reply create = server.post("/api/2.0/mlflow-artifacts/mpu/create/pg/s3/big.bin",
        "{\"path\":\"pg/s3/big.bin\",\"num_parts\":2}");
    assertThat(create.status()).as(create.toString()).isEqualTo(200);
    String uploadId = create.json().get("upload_id").asText();
    byte[] first = new byte[5 * 1024 * 1024];
    String etag1 = server.send(java.net.http.HttpRequest.newBuilder(URI.create(create.json().at("/credentials/0/url").asText()))
        .PUT(java.net.http.HttpRequest.BodyPublishers.ofByteArray(first))).etag();
    String etag2 = server.send(java.net.http.HttpRequest.newBuilder(URI.create(create.json().at("/credentials/1/url").asText()))
        .PUT(java.net.http.HttpRequest.BodyPublishers.ofByteArray("end".getBytes()))).etag();
    TestServer.Reply complete = server.post("/api/2.0/mlflow-artifacts/mpu/complete/pg/s3/big.bin",
        "{\"upload_id\":\"" + uploadId + "\",\"parts\":[{\"part_number\":1,\"etag\":" + json(etag1)
            + "},{\"part_number\":2,\"etag\":" + json(etag2) + "}]}");
    assertThat(complete.status()).as(complete.toString()).isEqualTo(200);
    assertThat(server.get("/api/2.0/mlflow-artifacts/artifacts?path=pg/s3").json().toString())
        .contains("\"file_size\":" + (first.length + 3));
  }

  private static String json(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
