package dev.cairn.cli.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.registry.integrity.ArtifactManifest;
import dev.cairn.registry.integrity.Ed25519Signer;
import dev.cairn.registry.integrity.SigningKeys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/integrity.md's shell session, run as written. The test stands in for the server: it signs the bundle's
 * manifest with a key pair made as the server makes it, and leaves {@code bundle/} (and an untouched copy,
 * {@code original/}), {@code manifest.sig} and {@code manifest-signing.pub} in the session folder.
 */
class IntegrityDocTest {
  static final Path PAGE = Path.of("..", "docs", "integrity.md");

  @Test
  void theWalkThroughPrintsWhatThePageShows(@TempDir Path work) throws Exception {
    Path session = Files.createDirectories(work.resolve("session"));
    for (String folder : List.of("bundle", "original")) {
      Path bundle = Files.createDirectories(session.resolve(folder).resolve("model"));
      Files.writeString(bundle.resolveSibling("MLmodel"), "artifact_path: model\nflavors:\n  java: {model: w}\n",
          StandardCharsets.UTF_8);
      byte[] weights = new byte[1000];
      for (int i = 0; i < weights.length; i++) {
        weights[i] = (byte) (i * 31);
      }
      Files.write(bundle.resolve("weights.bin"), weights);
    }
    SigningKeys keys = SigningKeys.loadOrCreate(work.resolve("server/keys"));
    ArtifactManifest manifest = ArtifactManifest.ofDirectory(session.resolve("bundle"), "models:/churn/3", null);
    Files.writeString(session.resolve("manifest.sig"), new Ed25519Signer(keys).sign(manifest) + "\n");
    Files.copy(keys.publicKeyFile(), session.resolve("manifest-signing.pub"));

    List<ConsoleSession.Step> steps = ConsoleSession.steps(PAGE);
    assertThat(steps).hasSizeGreaterThan(8);
    List<List<String>> outputs = ConsoleSession.run(steps, session, Map.of(), 600, "dev.cairn.cli.ModelsGroupStub");
    assertThat(outputs).hasSameSizeAs(steps);
    List<String> reports = new ArrayList<>();
    for (int i = 0; i < steps.size(); i++) {
      String report = ConsoleSession.mismatch(PAGE, steps.get(i), outputs.get(i));
      if (report != null) {
        reports.add(report);
      }
    }
    assertThat(reports).isEmpty();
  }
}
