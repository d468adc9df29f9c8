package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.registry.integrity.ArtifactManifest;
import dev.cairn.registry.integrity.Ed25519Signer;
import dev.cairn.registry.integrity.SigningKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cairn models verify} (offline) and {@code cairn models manifest}, run in-process. */
class ModelsVerifyCommandTest {
  @TempDir Path tmp;
  Path bundle;
  Path manifestFile;
  Path signatureFile;
  SigningKeys keys;

  @BeforeEach
  void bundleWithSignedManifest() throws Exception {
    bundle = Files.createDirectories(tmp.resolve("bundle"));
    Files.writeString(bundle.resolve("MLmodel"), "flavors: {}\n");
    Files.createDirectories(bundle.resolve("model"));
    Files.write(bundle.resolve("model/weights.bin"), new byte[4096]);
    ArtifactManifest manifest = ArtifactManifest.ofDirectory(bundle, "models:/churn/3", null);
    manifestFile = tmp.resolve("manifest.json");
    manifest.write(manifestFile);
    keys = SigningKeys.loadOrCreate(tmp.resolve("server-keys"));
    signatureFile = Files.writeString(tmp.resolve("manifest.sig"), new Ed25519Signer(keys).sign(manifest) + "\n");
  }

  Cli.Result verify(String... extra) {
    String[] base = {"models", "verify", "--dir", bundle.toString(), "--manifest", manifestFile.toString()};
    String[] all = new String[base.length + extra.length];
    System.arraycopy(base, 0, all, 0, base.length);
    System.arraycopy(extra, 0, all, base.length, extra.length);
    return ModelsGroupStub.run(all);
  }

  Cli.Result verifySigned() {
    return verify("--signature", signatureFile.toString(), "--public-key", keys.publicKeyFile().toString());
  }

  @Test
  void anIntactCopyVerifiesWithAndWithoutItsSignature() {
    Cli.Result plain = verify();
    assertThat(plain.exitCode()).as(plain.err()).isZero();
    assertThat(plain.out()).startsWith("verified 2 files (4.0 KiB), manifest sha256 ");
    Cli.Result signed = verifySigned();
    assertThat(signed.exitCode()).as(signed.err()).isZero();
    assertThat(signed.out()).contains("verified 2 files").contains("signed by key " + keys.fingerprint());
    assertThat(signed.err()).isEmpty();
  }

  @Test
  void aChangedFileFailsNamingItWithBothHashes() throws Exception {
    byte[] weights = Files.readAllBytes(bundle.resolve("model/weights.bin"));
    weights[100] ^= 1;
    Files.write(bundle.resolve("model/weights.bin"), weights);
    Files.writeString(bundle.resolve("notes.txt"), "extra");
    Cli.Result r = verifySigned();
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).startsWith("cairn: changed model/weights.bin: expected sha256 ")
        .contains("(and 1 more problem)");
    assertThat(r.errLines()).isEqualTo(1);
    assertThat(r.out()).contains("changed model/weights.bin").contains("extra notes.txt: not in the manifest");
  }

  @Test
  void aMissingFileFailsNamingIt() throws Exception {
    Files.delete(bundle.resolve("MLmodel"));
    Cli.Result r = verify();
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).startsWith("cairn: missing MLmodel: expected sha256 ");
  }

  @Test
  void aTamperedManifestOrAnotherKeyFailsTheSignatureBeforeAnyHashing() throws Exception {
    // the tamperer makes the manifest match the changed file: only the signature can tell
    Files.writeString(bundle.resolve("MLmodel"), "flavors: {evil: 1}\n");
    ArtifactManifest.ofDirectory(bundle, "models:/churn/3", null).write(manifestFile);
    assertThat(verify().exitCode()).as("the files match the new manifest").isZero();
    Cli.Result tampered = verifySigned();
    assertThat(tampered.exitCode()).isEqualTo(1);
    assertThat(tampered.err()).startsWith("cairn: bad signature: signature does not verify for manifest sha256");

    SigningKeys stranger = SigningKeys.loadOrCreate(tmp.resolve("stranger"));
    Cli.Result wrongKey = verify("--signature", signatureFile.toString(), "--public-key",
        stranger.publicKeyFile().toString());
    assertThat(wrongKey.exitCode()).isEqualTo(1);
    assertThat(wrongKey.err()).contains("bad signature").contains(stranger.fingerprint());
  }

  @Test
  void aCorruptedSignatureFileIsNamedAsSuch() throws Exception {
    Files.writeString(signatureFile, "AAAA");
    Cli.Result r = verifySigned();
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("bad signature: signature is 3 bytes; an Ed25519 signature is 64");
  }

  @Test
  void missingFilesAndHalfASignatureAreClearErrors() {
    Cli.Result noKey = verify("--signature", signatureFile.toString());
    assertThat(noKey.exitCode()).isEqualTo(2);
    assertThat(noKey.err()).contains("--signature and --public-key go together");

    Cli.Result noKeyFile = verify("--signature", signatureFile.toString(), "--public-key",
        tmp.resolve("nope.pub").toString());
    assertThat(noKeyFile.exitCode()).isEqualTo(1);
    assertThat(noKeyFile.err()).isEqualTo("cairn: key file " + tmp.resolve("nope.pub") + " does not exist\n");

    Cli.Result noManifest = ModelsGroupStub.run("models", "verify", "--dir", bundle.toString(),
        "--manifest", tmp.resolve("none.json").toString());
    assertThat(noManifest.exitCode()).isEqualTo(1);
    assertThat(noManifest.err()).contains("none.json does not exist");
  }

  @Test
  void manifestWritesTheSameManifestTheServerWould() throws Exception {
    Path out = tmp.resolve("again.json");
    Cli.Result r = ModelsGroupStub.run("models", "manifest", "--dir", bundle.toString(), "--subject",
        "models:/churn/3", "--output", out.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(Files.readAllBytes(out)).isEqualTo(Files.readAllBytes(manifestFile));
    assertThat(r.out()).contains("2 files").contains(ArtifactManifest.read(out).sha256());
  }
}
