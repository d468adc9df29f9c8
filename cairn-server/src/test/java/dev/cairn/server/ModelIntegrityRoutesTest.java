package dev.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.registry.integrity.ArtifactManifest;
import dev.cairn.registry.integrity.Ed25519Signer;
import dev.cairn.registry.integrity.SigningKeys;
import dev.cairn.server.registry.ModelIntegrity;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The manifest and public-key routes over real HTTP, and where the server keeps its signing key. */
class ModelIntegrityRoutesTest {
  private static final String MANIFEST = "/api/cairn/v1/models/manifest";
  private static final String MODELS = "/api/2.0/mlflow/";

  @TempDir Path dir;

  private static JsonNode ok(TestServer.Reply r) {
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json();
  }

  private static void store(TestServer server, String path, String content) {
    server.server.artifactStore().put(path, new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void aProxyVersionIsSignedAndServedWithItsKey() throws Exception {
    TestServer server = TestServer.start(dir);
    try {
      store(server, "models/churn/MLmodel", "flavors: {}\n");
      store(server, "models/churn/data/w.bin", "0123456789");
      ok(server.post(MODELS + "registered-models/create", "{\"name\":\"churn\"}"));
      ok(server.post(MODELS + "model-versions/create", "{\"name\":\"churn\",\"source\":\"mlflow-artifacts:/models/churn\"}"));
      ok(server.post(MODELS + "model-versions/create", "{\"name\":\"churn\",\"source\":\"file:/elsewhere/m\"}"));

      JsonNode m = ok(server.get(MANIFEST + "?name=churn&version=1"));
      assertThat(m.get("status").asText()).isEqualTo("signed");
      ArtifactManifest manifest = ArtifactManifest.parse(m.get("manifest").asText().getBytes(StandardCharsets.UTF_8));
      assertThat(manifest.subject()).isEqualTo("models:/churn/1");
      assertThat(manifest.files()).extracting(e -> e.path()).containsExactly("MLmodel", "data/w.bin");
      assertThat(m.get("manifest").asText()).isEqualTo(new String(manifest.canonicalJson(), StandardCharsets.UTF_8));
      assertThat(m.get("sha256").asText()).isEqualTo(manifest.sha256());
      // verifies with the public key alone, read from the data folder's signing/ folder
      Path keys = dir.resolve(ModelIntegrity.KEY_FOLDER);
      Ed25519Signer.verify(SigningKeys.readPublicKey(keys.resolve(SigningKeys.PUBLIC_KEY_FILE)), manifest,
          m.get("signature").asText());
      assertThat(Files.getPosixFilePermissions(keys.resolve(SigningKeys.PRIVATE_KEY_FILE)))
          .isEqualTo(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
      JsonNode key = ok(server.get("/api/cairn/v1/models/public-key"));
      assertThat(key.get("public_key").asText()).isEqualTo(m.get("public_key").asText())
          .isEqualTo(Files.readString(keys.resolve(SigningKeys.PUBLIC_KEY_FILE)));
      assertThat(key.get("key_fingerprint").asText()).isEqualTo(m.get("key_fingerprint").asText());

      JsonNode none = ok(server.get(MANIFEST + "?name=churn&version=2"));
      assertThat(none.get("status").asText()).isEqualTo("none");
      assertThat(none.get("reason").asText()).contains("file:/elsewhere/m", "outside the server's artifact store");
      assertThat(none.has("signature")).isFalse();

      TestServer.Reply unknown = server.get(MANIFEST + "?name=churn&version=7");
      assertThat(unknown.status()).isEqualTo(404);
      assertThat(unknown.errorCode()).isEqualTo("RESOURCE_DOES_NOT_EXIST");
      assertThat(server.get(MANIFEST + "?name=churn").status()).isEqualTo(400);
    } finally {
      server.close();
    }
  }

  @Test
  void aSourceWhoseLocationCannotBeWorkedOutIsStillRegisteredWithoutAManifest() {
    TestServer server = TestServer.start(dir);
    try {
      ok(server.post(MODELS + "registered-models/create", "{\"name\":\"m\"}"));
      ok(server.post(MODELS + "model-versions/create", "{\"name\":\"m\",\"source\":\"runs:/nosuchrun/model\"}"));
      JsonNode none = ok(server.get(MANIFEST + "?name=m&version=1"));
      assertThat(none.get("status").asText()).isEqualTo("none");
      assertThat(none.get("reason").asText()).contains("runs:/nosuchrun/model");
      assertThat(ok(server.get(MODELS + "model-versions/get?name=m&version=1")).at("/model_version/source").asText())
          .isEqualTo("runs:/nosuchrun/model");
    } finally {
      server.close();
    }
  }

  @Test
  void onPostgresqlTheKeyFolderIsTheConfiguredOne() throws Exception {
    Path keys = dir.resolve("pg-keys");
    System.setProperty(ModelIntegrity.KEY_DIR_PROPERTY, keys.toString());
    try (io.zonky.test.db.postgres.embedded.EmbeddedPostgres pg =
        io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder().start()) {
      TestServer server = TestServer.start(dir, "postgresql://localhost:" + pg.getPort() + "/postgres?user=postgres",
          "file:" + dir.resolve("artifacts"), java.util.Map.of());
      try {
        store(server, "models/pg/model.bin", "weights");
        ok(server.post(MODELS + "registered-models/create", "{\"name\":\"pg\"}"));
        ok(server.post(MODELS + "model-versions/create", "{\"name\":\"pg\",\"source\":\"mlflow-artifacts:/models/pg\"}"));
        JsonNode m = ok(server.get(MANIFEST + "?name=pg&version=1"));
        assertThat(m.get("status").asText()).isEqualTo("signed");
        ArtifactManifest manifest = ArtifactManifest.parse(m.get("manifest").asText().getBytes(StandardCharsets.UTF_8));
        Ed25519Signer.verify(SigningKeys.readPublicKey(keys.resolve(SigningKeys.PUBLIC_KEY_FILE)), manifest,
            m.get("signature").asText());
      } finally {
        server.close();
      }
    } finally {
      System.clearProperty(ModelIntegrity.KEY_DIR_PROPERTY);
    }
  }

  @Test
  void aOneFileVersionHasAOneEntryManifest() {
    TestServer server = TestServer.start(dir);
    try {
      store(server, "models/single/model.onnx", "onnx-bytes");
      ok(server.post(MODELS + "registered-models/create", "{\"name\":\"single\"}"));
      ok(server.post(MODELS + "model-versions/create",
          "{\"name\":\"single\",\"source\":\"mlflow-artifacts:/models/single/model.onnx\"}"));
      JsonNode m = ok(server.get(MANIFEST + "?name=single&version=1"));
      assertThat(m.get("status").asText()).isEqualTo("signed");
      assertThat(m.get("manifest").asText()).contains("\"path\":\"model.onnx\"", "\"size\":10");
    } finally {
      server.close();
    }
  }

  @Test
  void theKeyFolderCanBeNamedAndABrokenPairStopsTheStart() throws Exception {
    Path keys = dir.resolve("elsewhere-keys");
    System.setProperty(ModelIntegrity.KEY_DIR_PROPERTY, keys.toString());
    try {
      TestServer first = TestServer.start(dir.resolve("a"));
      try {
        assertThat(keys).doesNotExist(); // made when first needed: a server that never signs leaves no key
        ok(first.get("/api/cairn/v1/models/public-key"));
      } finally {
        first.close();
      }
      assertThat(keys.resolve(SigningKeys.PRIVATE_KEY_FILE)).exists();
      assertThat(dir.resolve("a").resolve(ModelIntegrity.KEY_FOLDER)).doesNotExist();
      Files.delete(keys.resolve(SigningKeys.PUBLIC_KEY_FILE));
      Path data = dir.resolve("b");
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> TestServer.start(data))
          .hasMessageContaining(SigningKeys.PUBLIC_KEY_FILE);
    } finally {
      System.clearProperty(ModelIntegrity.KEY_DIR_PROPERTY);
    }
  }
}
