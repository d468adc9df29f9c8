package dev.cairn.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.registry.integrity.ArtifactManifest;
import dev.cairn.registry.integrity.Ed25519Signer;
import dev.cairn.registry.integrity.SigningKeys;
import dev.cairn.server.CairnServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Model-version integrity end to end on a real server: a version registered from a run's uploaded artifacts gets a
 * manifest signed by the server's key; download checks the files against it and refuses a tampered one.
 */
class ModelIntegrityClientTest {
  @TempDir Path serverDir;
  @TempDir Path work;
  CairnServer server;
  CairnClient client;
  ModelRegistryClient models;
  String runId;

  @BeforeEach
  void start() throws Exception {
    server = TestServer.start(serverDir);
    client = CairnClient.connect(server.url());
    models = client.models();
    Path model = Files.createDirectories(work.resolve("model/data"));
    Files.writeString(work.resolve("model/MLmodel"), "flavors: {}\n");
    Files.writeString(model.resolve("weights.bin"), "0123456789");
    try (ActiveRun run = client.startRun(client.createExperiment("integrity"), "train")) {
      runId = run.runId();
      client.uploadArtifacts(runId, work.resolve("model"), "model");
    }
    models.createModel("churn");
  }

  @AfterEach
  void stop() {
    client.close();
    server.close();
  }

  @Test
  void aRegisteredVersionHasASignedManifestThatVerifiesWithThePublicKeyOnly() throws Exception {
    models.registerRunArtifacts("churn", runId, "model");
    ModelRegistryClient.VersionManifest m = models.manifest("churn", 1);
    assertThat(m.signed()).isTrue();
    assertThat(m.manifest().subject()).isEqualTo("models:/churn/1");
    assertThat(m.manifest().files()).extracting(e -> e.path()).containsExactly("MLmodel", "data/weights.bin");
    assertThat(m.manifest().file("data/weights.bin").size()).isEqualTo(10);
    assertThat(m.sha256()).isEqualTo(m.manifest().sha256());

    // the key on disk in the data folder, private key owner-only, public key the one the server hands out
    Path pub = serverDir.resolve("signing").resolve(SigningKeys.PUBLIC_KEY_FILE);
    assertThat(Files.readString(pub)).isEqualTo(m.publicKeyPem()).isEqualTo(models.publicKeyPem());
    PublicKey key = SigningKeys.readPublicKey(pub);
    Ed25519Signer.verify(key, ArtifactManifest.parse(m.manifestJson().getBytes(StandardCharsets.UTF_8)), m.signature());
    // the signature covers the subject too: the same files as another version do not verify
    ArtifactManifest moved = ArtifactManifest.of("models:/churn/2", m.manifest().files());
    assertThatThrownBy(() -> Ed25519Signer.verify(key, moved, m.signature()))
        .isInstanceOf(CairnException.class).hasMessageContaining("does not verify");

    Path out = models.download("models:/churn/1", work.resolve("out"));
    assertThat(Files.readString(out.resolve("data/weights.bin"))).isEqualTo("0123456789");
    try (Stream<Path> files = Files.walk(out)) { // no staging folder left behind
      assertThat(files.filter(Files::isRegularFile).map(p -> out.relativize(p).toString()).sorted().toList())
          .containsExactly("MLmodel", "data/weights.bin");
    }
  }

  @Test
  void aTamperedArtifactFailsTheDownloadNamingItAndLeavesTheDestinationAsItWas() throws Exception {
    models.registerRunArtifacts("churn", runId, "model");
    Path stored = storedFile("weights.bin");
    Files.writeString(stored, "0123456780"); // same size, one byte changed, behind the store's back

    Path dest = Files.createDirectories(work.resolve("dest"));
    Files.writeString(dest.resolve("mine.txt"), "the user's own file");
    assertThatThrownBy(() -> models.download("models:/churn/1", dest))
        .isInstanceOf(CairnException.class)
        .satisfies(e -> assertThat(((CairnException) e).code()).isEqualTo(ErrorCode.INVALID_STATE))
        .hasMessageContaining("changed data/weights.bin");
    try (Stream<Path> files = Files.walk(dest)) {
      assertThat(files.filter(p -> !p.equals(dest)).map(p -> dest.relativize(p).toString()).toList())
          .containsExactly("mine.txt");
    }
    assertThat(Files.readString(dest.resolve("mine.txt"))).isEqualTo("the user's own file");
  }

  @Test
  void aVersionOutsideTheArtifactStoreHasNoManifestAndSaysWhy() {
    models.createVersion("churn", "s3://elsewhere/m", null);
    ModelRegistryClient.VersionManifest m = models.manifest("churn", 1);
    assertThat(m.signed()).isFalse();
    assertThat(m.reason()).contains("s3://elsewhere/m", "outside the server's artifact store");
    // a proxy version registered next to it still downloads (and verifies)
    models.registerRunArtifacts("churn", runId, "model");
    assertThat(models.manifest("churn", 2).signed()).isTrue();
    Path out = models.download("models:/churn/2", work.resolve("out2"));
    assertThat(out.resolve("MLmodel")).exists();
    // nothing uploaded at the location: no manifest, and the version exists all the same
    models.createVersion("churn", "runs:/" + runId + "/nothing-here", runId);
    ModelRegistryClient.VersionManifest empty = models.manifest("churn", 3);
    assertThat(empty.signed()).isFalse();
    assertThat(empty.reason()).contains("nothing was stored");
    assertThat(models.getVersion("churn", 3).version()).isEqualTo(3);
  }

  @Test
  void unknownVersionsAre404AndAKeyReusedAcrossRestartsStillVerifies() throws Exception {
    assertThatThrownBy(() -> models.manifest("churn", 9))
        .isInstanceOf(CairnException.class)
        .satisfies(e -> assertThat(((CairnException) e).code()).isEqualTo(ErrorCode.RESOURCE_DOES_NOT_EXIST));
    models.registerRunArtifacts("churn", runId, "model");
    String before = models.publicKeyPem();
    client.close();
    server.close();
    server = TestServer.start(serverDir);
    client = CairnClient.connect(server.url());
    models = client.models();
    assertThat(models.publicKeyPem()).isEqualTo(before);
    assertThat(models.manifest("churn", 1).signed()).isTrue();
  }

  private Path storedFile(String name) throws Exception {
    try (Stream<Path> files = Files.walk(serverDir.resolve("artifacts"))) {
      List<Path> found = files.filter(p -> p.getFileName().toString().equals(name)).toList();
      assertThat(found).hasSize(1);
      return found.get(0);
    }
  }
}
