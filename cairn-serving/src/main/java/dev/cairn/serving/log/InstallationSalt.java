package dev.cairn.serving.log;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;

/** The per-installation salt for hashing personal fields: 32 random bytes in a file, made on first use. */
public final class InstallationSalt {
  private static final int BYTES = 32;

  private InstallationSalt() {}

  /**
   * The installation's salt in {@code db} (V83 installation_secrets), made with a new random value by the first
   * process that asks: the server and its serving replicas all read the same one.
   */
  public static byte[] load(dev.cairn.store.sql.SqlDatabase db) {
    byte[] fresh = new byte[BYTES];
    new SecureRandom().nextBytes(fresh);
    String hex = java.util.HexFormat.of().formatHex(fresh);
    db.write(h -> h.createUpdate("INSERT INTO installation_secrets (name, value) VALUES (:name, :value)"
        + " ON CONFLICT (name) DO NOTHING").bind("name", SECRET_NAME).bind("value", hex).execute());
    String stored = db.read(h -> h.createQuery("SELECT value FROM installation_secrets WHERE name = :name")
        .bind("name", SECRET_NAME).mapTo(String.class).one());
    return java.util.HexFormat.of().parseHex(stored);
  }

  /** Whether {@code db} holds the salt yet (it is made when the first personal field is hashed). */
  public static boolean exists(dev.cairn.store.sql.SqlDatabase db) {
    return db.read(h -> h.createQuery("SELECT COUNT(*) FROM installation_secrets WHERE name = :name")
        .bind("name", SECRET_NAME).mapTo(Integer.class).one()) > 0;
  }

  static final String SECRET_NAME = "prediction_log_salt";

  /** The salt in {@code file}, creating the file with a new random salt if it does not exist. */
  public static byte[] load(Path file) {
    try {
      if (!Files.exists(file)) {
        byte[] salt = new byte[BYTES];
        new SecureRandom().nextBytes(salt);
        Files.createDirectories(file.toAbsolutePath().getParent());
        try {
          Files.write(file, salt, java.nio.file.StandardOpenOption.CREATE_NEW);
          return salt;
        } catch (FileAlreadyExistsException raced) {
          // another process made it first: use theirs, so all hash alike
        }
      }
      byte[] salt = Files.readAllBytes(file);
      if (salt.length < 16) {
        throw CairnException.invalid("the salt file " + file + " holds " + salt.length + " bytes; it needs at least 16");
      }
      return salt;
    } catch (IOException e) {
      throw new CairnException(ErrorCode.INTERNAL_ERROR, "cannot read or create the salt file " + file, e);
    }
  }
}
