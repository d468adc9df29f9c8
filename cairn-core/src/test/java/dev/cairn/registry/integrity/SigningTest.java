package dev.cairn.registry.integrity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PublicKey;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SigningTest {
  static final ArtifactManifest MANIFEST = ArtifactManifest.of("models:/churn/3", List.of(
      new ManifestEntry("MLmodel", 10, "a".repeat(64)), new ManifestEntry("model.bin", 20, "b".repeat(64))));

  @Test
  void keysAreCreatedOnFirstUseWithAPrivateFileReadableByItsOwnerOnlyAndLoadedAfter(@TempDir Path dir)
      throws Exception {
    Path folder = dir.resolve("data/keys");
    SigningKeys created = SigningKeys.loadOrCreate(folder);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(created.privateKeyFile())))
        .isEqualTo("rw-------");
    assertThat(Files.readString(created.privateKeyFile())).startsWith("-----BEGIN PRIVATE KEY-----\n");
    assertThat(Files.readString(created.publicKeyFile())).startsWith("-----BEGIN PUBLIC KEY-----\n")
        .isEqualTo(created.publicKeyPem());
    assertThat(folder).isDirectoryNotContaining(p -> p.getFileName().toString().endsWith(".tmp"));

    SigningKeys loaded = SigningKeys.loadOrCreate(folder);
    assertThat(loaded.fingerprint()).isEqualTo(created.fingerprint()).hasSize(16);
    String signature = new Ed25519Signer(created).sign(MANIFEST);
    assertThatCode(() -> Ed25519Signer.verify(loaded.publicKey(), MANIFEST, signature)).doesNotThrowAnyException();
  }

  @Test
  void aSignatureVerifiesWithOnlyThePublicKeyFile(@TempDir Path dir) {
    SigningKeys keys = SigningKeys.loadOrCreate(dir);
    String signature = new Ed25519Signer(keys).sign(MANIFEST);
    assertThat(Base64.getDecoder().decode(signature)).hasSize(64);
    PublicKey published = SigningKeys.readPublicKey(keys.publicKeyFile());
    Ed25519Signer.verify(published, ArtifactManifest.parse(MANIFEST.canonicalJson()), signature);
  }

  @Test
  void aTamperedManifestFailsVerification(@TempDir Path dir) {
    SigningKeys keys = SigningKeys.loadOrCreate(dir);
    String signature = new Ed25519Signer(keys).sign(MANIFEST);
    ArtifactManifest tampered = ArtifactManifest.of("models:/churn/3", List.of(
        new ManifestEntry("MLmodel", 10, "a".repeat(64)), new ManifestEntry("model.bin", 20, "c".repeat(64))));
    ArtifactManifest otherSubject = ArtifactManifest.of("models:/churn/4", MANIFEST.files());
    for (ArtifactManifest wrong : List.of(tampered, otherSubject)) {
      assertThatThrownBy(() -> Ed25519Signer.verify(keys.publicKey(), wrong, signature))
          .isInstanceOf(CairnException.class)
          .hasMessageContaining("does not verify for manifest sha256 " + wrong.sha256())
          .hasMessageContaining(keys.fingerprint());
    }
  }

  @Test
  void anotherKeysPublicHalfFailsVerification(@TempDir Path dir) {
    SigningKeys signer = SigningKeys.loadOrCreate(dir.resolve("server"));
    SigningKeys stranger = SigningKeys.loadOrCreate(dir.resolve("stranger"));
    String signature = new Ed25519Signer(signer).sign(MANIFEST);
    assertThatThrownBy(() -> Ed25519Signer.verify(stranger.publicKey(), MANIFEST, signature))
        .hasMessageContaining("made by another key, or the manifest was changed")
        .hasMessageContaining(stranger.fingerprint());
  }

  @Test
  void corruptedSignaturesAreToldApartFromWrongOnes(@TempDir Path dir) {
    SigningKeys keys = SigningKeys.loadOrCreate(dir);
    String signature = new Ed25519Signer(keys).sign(MANIFEST);
    byte[] raw = Base64.getDecoder().decode(signature);
    raw[10] ^= 1;
    assertThatThrownBy(() -> Ed25519Signer.verify(keys.publicKey(), MANIFEST, Base64.getEncoder().encodeToString(raw)))
        .hasMessageContaining("does not verify");
    assertThatThrownBy(() -> Ed25519Signer.verify(keys.publicKey(), MANIFEST, "not base64!"))
        .hasMessageContaining("not valid base64");
    assertThatThrownBy(() -> Ed25519Signer.verify(keys.publicKey(), MANIFEST, signature.substring(0, 40)))
        .hasMessageContaining("an Ed25519 signature is 64");
    assertThatThrownBy(() -> Ed25519Signer.verify(keys.publicKey(), MANIFEST, "  "))
        .hasMessageContaining("signature is empty");
  }

  @Test
  void aPairWithAMissingFileIsRefusedNotReplaced(@TempDir Path dir) throws Exception {
    SigningKeys keys = SigningKeys.loadOrCreate(dir);
    Files.delete(keys.publicKeyFile());
    assertThatThrownBy(() -> SigningKeys.loadOrCreate(dir))
        .isInstanceOf(CairnException.class).hasMessageContaining("public key file").hasMessageContaining("missing");
    assertThat(keys.publicKeyFile()).doesNotExist();

    Path other = dir.resolve("other");
    SigningKeys second = SigningKeys.loadOrCreate(other);
    Files.delete(second.privateKeyFile());
    assertThatThrownBy(() -> SigningKeys.loadOrCreate(other))
        .hasMessageContaining("signing key file").hasMessageContaining("is missing")
        .extracting(e -> ((CairnException) e).code()).isEqualTo(ErrorCode.INVALID_STATE);
  }

  @Test
  void aMissingOrForeignPublicKeyFileIsNamed(@TempDir Path dir) throws Exception {
    assertThatThrownBy(() -> SigningKeys.readPublicKey(dir.resolve("key.pub")))
        .hasMessageContaining("key.pub does not exist");
    Path garbage = Files.writeString(dir.resolve("garbage.pub"), "hello");
    assertThatThrownBy(() -> SigningKeys.readPublicKey(garbage)).hasMessageContaining("not a PEM 'PUBLIC KEY' file");
    Path rsa = Files.writeString(dir.resolve("rsa.pub"), SigningKeys.pem("PUBLIC KEY",
        java.security.KeyPairGenerator.getInstance("RSA").generateKeyPair().getPublic().getEncoded()));
    assertThatThrownBy(() -> SigningKeys.readPublicKey(rsa)).hasMessageContaining("does not hold an Ed25519 public key");
  }

  @Test
  void aPrivateKeyFileOthersCanReadIsRefused(@TempDir Path dir) throws Exception {
    SigningKeys keys = SigningKeys.loadOrCreate(dir);
    Files.setPosixFilePermissions(keys.privateKeyFile(), PosixFilePermissions.fromString("rw-r--r--"));
    assertThatThrownBy(() -> SigningKeys.loadOrCreate(dir)).hasMessageContaining("chmod 600");
  }

  @Test
  void mismatchedHalvesAreRefused(@TempDir Path dir) throws Exception {
    SigningKeys a = SigningKeys.loadOrCreate(dir.resolve("a"));
    SigningKeys b = SigningKeys.loadOrCreate(dir.resolve("b"));
    Files.copy(b.publicKeyFile(), a.publicKeyFile(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    assertThatThrownBy(() -> SigningKeys.loadOrCreate(dir.resolve("a"))).hasMessageContaining("do not belong together");
  }
}
