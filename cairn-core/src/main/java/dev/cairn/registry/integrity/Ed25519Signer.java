package dev.cairn.registry.integrity;

import dev.cairn.core.CairnException;
import dev.cairn.core.Hashing;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;

/**
 * Signs manifests with the server's Ed25519 key, and verifies signatures with only the public key (offline).
 *
 * <p>The signed message is the ASCII text {@code cairn.manifest/v1 <manifest sha256 hex>} (one space, no
 * newline): the prefix keeps a manifest signature from being mistaken for a signature over anything else the
 * key might sign. A signature travels as base64 text of its 64 bytes.
 */
public final class Ed25519Signer {
  /** Length of an Ed25519 signature in bytes. */
  public static final int SIGNATURE_BYTES = 64;

  private final SigningKeys keys;

  public Ed25519Signer(SigningKeys keys) {
    this.keys = keys;
  }

  /** The exact bytes a signature covers for a manifest with this SHA-256. */
  public static byte[] message(String manifestSha256) {
    if (!Hashing.isSha256Hex(manifestSha256)) {
      throw CairnException.invalid("manifest sha256 '" + manifestSha256 + "' is not 64 lower-case hex characters");
    }
    return (ArtifactManifest.FORMAT + " " + manifestSha256).getBytes(StandardCharsets.US_ASCII);
  }

  /** Signs the manifest's SHA-256; returns the signature in base64. */
  public String sign(ArtifactManifest manifest) {
    return signHash(manifest.sha256());
  }

  /** Signs a manifest SHA-256 (hex); returns the signature in base64. */
  public String signHash(String manifestSha256) {
    try {
      Signature signature = Signature.getInstance("Ed25519");
      signature.initSign(keys.privateKey());
      signature.update(message(manifestSha256));
      return Base64.getEncoder().encodeToString(signature.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 signing failed", e);
    }
  }

  /** The public half of the signing key. */
  public PublicKey publicKey() {
    return keys.publicKey();
  }

  /**
   * Raises {@code INVALID_PARAMETER_VALUE} unless {@code signatureBase64} is a valid signature of the
   * manifest's SHA-256 under {@code publicKey}. The message tells a malformed signature (not base64, wrong
   * length) apart from one that does not verify (made by another key, or the manifest changed since).
   */
  public static void verify(PublicKey publicKey, ArtifactManifest manifest, String signatureBase64) {
    verifyHash(publicKey, manifest.sha256(), signatureBase64);
  }

  /** As {@link #verify}, for a manifest SHA-256 in hex. */
  public static void verifyHash(PublicKey publicKey, String manifestSha256, String signatureBase64) {
    byte[] raw = decode(signatureBase64);
    boolean valid;
    try {
      Signature signature = Signature.getInstance("Ed25519");
      signature.initVerify(publicKey);
      signature.update(message(manifestSha256));
      valid = signature.verify(raw);
    } catch (java.security.InvalidKeyException e) {
      throw CairnException.invalid("public key is not an Ed25519 key: " + e.getMessage());
    } catch (GeneralSecurityException e) {
      valid = false;
    }
    if (!valid) {
      throw CairnException.invalid("signature does not verify for manifest sha256 " + manifestSha256
          + " under public key " + SigningKeys.fingerprint(publicKey)
          + ": it was made by another key, or the manifest was changed after signing");
    }
  }

  private static byte[] decode(String signatureBase64) {
    if (signatureBase64 == null || signatureBase64.isBlank()) {
      throw CairnException.invalid("signature is empty; expected base64 of " + SIGNATURE_BYTES + " bytes");
    }
    byte[] raw;
    try {
      raw = Base64.getDecoder().decode(signatureBase64.strip());
    } catch (IllegalArgumentException e) {
      throw CairnException.invalid("signature is not valid base64 (" + e.getMessage() + "); expected base64 of "
          + SIGNATURE_BYTES + " bytes");
    }
    if (raw.length != SIGNATURE_BYTES) {
      throw CairnException.invalid("signature is " + raw.length + " bytes; an Ed25519 signature is "
          + SIGNATURE_BYTES);
    }
    return raw;
  }

  /** True when {@code publicKey} is the public half of {@code privateKey} (checked by a trial signature). */
  static boolean matches(PrivateKey privateKey, PublicKey publicKey) {
    try {
      byte[] probe = "cairn key pair check".getBytes(StandardCharsets.US_ASCII);
      Signature signer = Signature.getInstance("Ed25519");
      signer.initSign(privateKey);
      signer.update(probe);
      byte[] sig = signer.sign();
      Signature verifier = Signature.getInstance("Ed25519");
      verifier.initVerify(publicKey);
      verifier.update(probe);
      return verifier.verify(sig);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
