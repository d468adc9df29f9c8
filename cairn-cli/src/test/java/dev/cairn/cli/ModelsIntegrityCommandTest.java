package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.cli.Cli.Result;
import dev.cairn.client.CairnClient;
import dev.cairn.server.CairnServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cairn models download} of a signed version writes the manifest, signature and public key beside the files;
 * {@code cairn models verify} checks the copy offline with them, or online against the server.
 */
class ModelsIntegrityCommandTest {
  @TempDir Path serverDir;
  @TempDir Path tmp;
  CairnServer server;

  @BeforeEach
  void start() throws Exception {
    server = Cli.startServer(serverDir);
    Path model = Files.createDirectories(tmp.resolve("model/data"));
    Files.writeString(tmp.resolve("model/MLmodel"), "flavors: {}\n");
    Files.writeString(model.resolve("weights.bin"), "0123456789");
    try (CairnClient client = CairnClient.connect(server.url())) {
      String runId = client.run(client.createExperiment("cli-integrity"), "train", run -> {});
      client.uploadArtifacts(runId, tmp.resolve("model"), "model");
      client.models().createModel("churn");
      client.models().registerRunArtifacts("churn", runId, "model");
      client.models().createVersion("churn", "s3://bucket/churn", null);
    }
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private Result ok(String... args) {
    Result r = Cli.tracked(server, args);
    assertThat(r.exitCode()).as(r.err()).isZero();
    return r;
  }

  private static String[] offline(Path dir) {
    return new String[] {"models", "verify", "--dir", dir.toString(), "--manifest", dir.resolve("MANIFEST.json").toString(),
        "--signature", dir.resolve("MANIFEST.sig").toString(), "--public-key", dir.resolve("signing-key.pub").toString()};
  }

  @Test
  void aDownloadedBundleVerifiesOfflineUntilOneByteChanges() throws Exception {
    Path out = tmp.resolve("out");
    Result download = ok("models", "download", "models:/churn/1", "--dest", out.toString());
    assertThat(download.out().strip()).isEqualTo(out.toString());
    assertThat(download.err()).contains("verified 2 files", "MANIFEST.json");
    assertThat(listing(out)).containsExactly("MANIFEST.json", "MANIFEST.sig", "MLmodel", "data/weights.bin",
        "signing-key.pub");
    assertThat(Files.readString(out.resolve("signing-key.pub")))
        .isEqualTo(Files.readString(serverDir.resolve("signing/manifest-signing.pub")));
    assertThat(ok("models", "verify", "models:/churn/1", "--dir", out.toString()).out())
        .startsWith("verified 2 files").contains("signed by key");

    // a copy elsewhere, checked with the server gone: the public key is all it needs
    Path copy = tmp.resolve("copy");
    copyTree(out, copy);
    server.close();
    Result offline = Cli.cairn(offline(copy));
    assertThat(offline.exitCode()).as(offline.err()).isZero();
    assertThat(offline.out()).startsWith("verified 2 files").contains("signed by key");

    byte[] bytes = Files.readAllBytes(copy.resolve("data/weights.bin"));
    bytes[3] ^= 1;
    Files.write(copy.resolve("data/weights.bin"), bytes);
    Result bad = Cli.cairn(offline(copy));
    assertThat(bad.exitCode()).isEqualTo(Main.EXIT_FAILURE);
    assertThat(bad.err().lines().toList()).hasSize(1);
    assertThat(bad.err()).startsWith("cairn: changed data/weights.bin");
    server = Cli.startServer(serverDir);
    Result badOnline = Cli.tracked(server, "models", "verify", "models:/churn/1", "--dir", copy.toString());
    assertThat(badOnline.exitCode()).isEqualTo(Main.EXIT_FAILURE);
    assertThat(badOnline.err()).startsWith("cairn: changed data/weights.bin");
  }

  @Test
  void aTamperedStoredFileFailsTheDownloadNamingItAndAnExternalVersionHasNoManifest() throws Exception {
    Path stored;
    try (Stream<Path> files = Files.walk(serverDir.resolve("artifacts"))) {
      stored = files.filter(p -> p.getFileName().toString().equals("weights.bin")).findFirst().orElseThrow();
    }
    Files.writeString(stored, "9123456789");
    Path out = tmp.resolve("out");
    Result r = Cli.tracked(server, "models", "download", "models:/churn/1", "--dest", out.toString());
    assertThat(r.exitCode()).isEqualTo(Main.EXIT_FAILURE);
    assertThat(r.err().lines().toList()).hasSize(1);
    assertThat(r.err()).startsWith("cairn: ").contains("changed data/weights.bin");
    assertThat(listing(out)).isEmpty();

    Result none = Cli.tracked(server, "models", "verify", "models:/churn/2", "--dir", out.toString());
    assertThat(none.exitCode()).isEqualTo(Main.EXIT_FAILURE);
    assertThat(none.err()).contains("has no signed manifest", "s3://bucket/churn");
    Result both = Cli.tracked(server, "models", "verify", "models:/churn/1", "--dir", out.toString(),
        "--manifest", "x.json");
    assertThat(both.exitCode()).isEqualTo(Main.EXIT_USAGE);
  }

  @Test
  void filesUploadedAfterRegistrationDownloadUnverifiedAndSaySo() throws Exception {
    try (CairnClient client = CairnClient.connect(server.url())) {
      String runId = client.run(client.createExperiment("late"), "train", run -> {});
      client.models().registerRunArtifacts("churn", runId, "late"); // version 3, nothing there yet
      client.uploadArtifacts(runId, tmp.resolve("model"), "late");
    }
    Path out = tmp.resolve("late");
    Result r = ok("models", "download", "models:/churn/3", "--dest", out.toString());
    assertThat(r.err()).startsWith("not verified: models:/churn/3 has no signed manifest (nothing was stored at");
    assertThat(listing(out)).containsExactly("MLmodel", "data/weights.bin");
  }

  @Test
  void theServerOptionNamesTheKeyFolderAndAHalfPairStopsTheStart() throws Exception {
    Path keys = Files.createDirectories(tmp.resolve("keys"));
    Files.writeString(keys.resolve("manifest-signing.pub"), "not the pair's half");
    Result r = Cli.cairn("server", "--port", "0", "--backend-store-uri", "sqlite:" + tmp.resolve("other/cairn.db"),
        "--artifacts-uri", "file:" + tmp.resolve("other/artifacts"), "--signing-key-dir", keys.toString());
    assertThat(r.exitCode()).isEqualTo(Main.EXIT_FAILURE);
    assertThat(r.err().lines().toList()).hasSize(1);
    assertThat(r.err()).contains(keys.resolve("manifest-signing.key").toString(), "is missing");
    assertThat(System.getProperty(dev.cairn.server.registry.ModelIntegrity.KEY_DIR_PROPERTY)).isNull();
  }

  private static List<String> listing(Path dir) throws Exception {
    if (!Files.exists(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString().replace('\\', '/'))
          .sorted().toList();
    }
  }

  private static void copyTree(Path from, Path to) throws Exception {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path p : files.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }
}
