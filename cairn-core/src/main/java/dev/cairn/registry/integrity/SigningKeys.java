package dev.cairn.registry.integrity;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Hashing;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Set;

/**
 * The server's Ed25519 key pair for signing manifests, kept in two PEM files in a folder: the private key
 * (PKCS#8, {@code -----BEGIN PRIVATE KEY-----}, mode 0600) and the public key (X.509 SubjectPublicKeyInfo,
 * {@code -----BEGIN PUBLIC KEY-----}), the formats OpenSSL reads. The pair is created on first use and loaded
 * after; a pair with one file missing is refused rather than replaced, since replacing it would silently
 * invalidate every signature already handed out.
 */
public final class SigningKeys {
  /** File name of the private key in the key folder. */
  public static final String PRIVATE_KEY_FILE = "manifest-signing.key";
  /** File name of the public key in the key folder. */
  public static final String PUBLIC_KEY_FILE = "manifest-signing.pub";

  private static final String ALGORITHM = "Ed25519";
  private static final Set<PosixFilePermission> OWNER_ONLY =
      EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

  private final PrivateKey privateKey;
  private final PublicKey publicKey;
  private final Path folder;

  private SigningKeys(Path folder, PrivateKey privateKey, PublicKey publicKey) {
    this.folder = folder;
    this.privateKey = privateKey;
    this.publicKey = publicKey;
  }

  /**
   * Loads the pair from {@code folder}, or creates it there (and the folder) when neither file exists. Raises
   * {@code INVALID_STATE} when only one of the two files exists, when the private key file can be read by
   * group or others, or when a file does not hold an Ed25519 key.
   */
  public static synchronized SigningKeys loadOrCreate(Path folder) {
    Path privateFile = folder.resolve(PRIVATE_KEY_FILE);
    Path publicFile = folder.resolve(PUBLIC_KEY_FILE);
    boolean hasPrivate = Files.exists(privateFile);
    boolean hasPublic = Files.exists(publicFile);
    if (!hasPrivate && !hasPublic) {
      create(folder, privateFile, publicFile);
    } else if (!hasPrivate) {
      throw new CairnException(ErrorCode.INVALID_STATE, "signing key file " + privateFile + " is missing but "
          + publicFile + " exists; restore the private key, or move both away to create a new pair");
    } else if (!hasPublic) {
      throw new CairnException(ErrorCode.INVALID_STATE, "public key file " + publicFile + " is missing but "
          + privateFile + " exists; restore it from where it was published");
    }
    checkOwnerOnly(privateFile);
    PrivateKey priv = readPrivateKey(privateFile);
    PublicKey pub = readPublicKey(publicFile);
    if (!Ed25519Signer.matches(priv, pub)) {
      throw new CairnException(ErrorCode.INVALID_STATE, "signing keys in " + folder
          + " do not belong together: " + publicFile + " is not the public half of " + privateFile);
    }
    return new SigningKeys(folder, priv, pub);
  }

  private static void create(Path folder, Path privateFile, Path publicFile) {
    KeyPair pair;
    try {
      pair = KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK has no Ed25519 (Java 15+ needed)", e);
    }
    try {
      Files.createDirectories(folder);
      // Public first: a private key file present means the pair is complete.
      writeAtomically(publicFile, pem("PUBLIC KEY", pair.getPublic().getEncoded()), false);
      writeAtomically(privateFile, pem("PRIVATE KEY", pair.getPrivate().getEncoded()), true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write signing keys to " + folder, e);
    }
  }

  private static void writeAtomically(Path target, String text, boolean ownerOnly) throws IOException {
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    if (ownerOnly && posix(target.getParent())) {
      // Created 0600 from the start: the key is never readable by others, not even for a moment.
      Files.createFile(tmp, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
    } else {
      Files.createFile(tmp);
    }
    Files.writeString(tmp, text, StandardCharsets.US_ASCII);
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (FileAlreadyExistsException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
  }

  private static boolean posix(Path folder) {
    return Files.getFileAttributeView(folder, PosixFileAttributeView.class) != null;
  }

  private static void checkOwnerOnly(Path privateFile) {
    if (!posix(privateFile.getParent())) {
      return;
    }
    try {
      Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(privateFile);
      if (!OWNER_ONLY.containsAll(permissions)) {
        throw new CairnException(ErrorCode.INVALID_STATE, "signing key file " + privateFile + " has mode "
            + PosixFilePermissions.toString(permissions) + "; it must be readable by its owner only (chmod 600)");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the permissions of " + privateFile, e);
    }
  }

  /** Reads a PEM public key file ({@code -----BEGIN PUBLIC KEY-----}, Ed25519). */
  public static PublicKey readPublicKey(Path file) {
    return parsePublicKey(readText(file), "public key file " + file);
  }

  /** Parses PEM text of a public key ({@code -----BEGIN PUBLIC KEY-----}, Ed25519); {@code what} names it in errors. */
  public static PublicKey parsePublicKey(String pem, String what) {
    byte[] der = decodePem(pem, "PUBLIC KEY", what);
    try {
      return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(der));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new CairnException(ErrorCode.INVALID_PARAMETER_VALUE,
          what + " does not hold an Ed25519 public key: " + e.getMessage());
    }
  }

  private static PrivateKey readPrivateKey(Path file) {
    byte[] der = readPem(file, "PRIVATE KEY");
    try {
      return KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new CairnException(ErrorCode.INVALID_STATE,
          "signing key file " + file + " does not hold an Ed25519 private key: " + e.getMessage());
    }
  }

  private static byte[] readPem(Path file, String label) {
    return decodePem(readText(file), label, "key file " + file);
  }

  private static String readText(Path file) {
    try {
      return Files.readString(file, StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      throw CairnException.notFound("key file " + file + " does not exist");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read key file " + file, e);
    }
  }

  private static byte[] decodePem(String text, String label, String what) {
    String begin = "-----BEGIN " + label + "-----";
    String end = "-----END " + label + "-----";
    int from = text.indexOf(begin);
    int to = text.indexOf(end);
    if (from < 0 || to < from) {
      throw CairnException.invalid(what + " is not a PEM '" + label + "' file (expected a '"
          + begin + "' line)");
    }
    try {
      return Base64.getMimeDecoder().decode(text.substring(from + begin.length(), to));
    } catch (IllegalArgumentException e) {
      throw CairnException.invalid(what + " has a damaged base64 body: " + e.getMessage());
    }
  }

  /** PEM text of a DER body: base64 in 64-character lines between BEGIN and END lines. */
  static String pem(String label, byte[] der) {
    return "-----BEGIN " + label + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + label + "-----\n";
  }

  /** The public key as PEM text, as it is stored (for publishing). */
  public String publicKeyPem() {
    return pem("PUBLIC KEY", publicKey.getEncoded());
  }

  /** Where the public key file is. */
  public Path publicKeyFile() {
    return folder.resolve(PUBLIC_KEY_FILE);
  }

  /** Where the private key file is. */
  public Path privateKeyFile() {
    return folder.resolve(PRIVATE_KEY_FILE);
  }

  public PublicKey publicKey() {
    return publicKey;
  }

  PrivateKey privateKey() {
    return privateKey;
  }

  /** First 16 hex characters of the SHA-256 of the public key's DER encoding: a short name for the key. */
  public String fingerprint() {
    return fingerprint(publicKey);
  }

  /** The fingerprint of any public key (see {@link #fingerprint()}). */
  public static String fingerprint(PublicKey key) {
    return Hashing.sha256Hex(key.getEncoded()).substring(0, 16);
  }

  @Override
  public String toString() {
    return "SigningKeys[" + folder + ", fingerprint " + fingerprint() + "]";
  }
}
