package dev.cairn.server.auth;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.identity.Role;
import dev.cairn.identity.RoleGrant;
import dev.cairn.identity.Scope;
import dev.cairn.store.identity.IdentityStore;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first start with authentication on and no admin: creates user {@value #ADMIN} with a global admin grant
 * and a token, and writes the token to a file only its owner can read (0600 on POSIX file systems). The
 * token never reaches a log or the console; the file's path does. Whoever can read the data folder can edit
 * the database anyway, so handing them an admin token gives nothing away.
 */
public final class AdminBootstrap {
  private static final Logger LOG = LoggerFactory.getLogger(AdminBootstrap.class);
  public static final String ADMIN = "admin";
  /** The token file's name in the data folder when no other path is given. */
  public static final String TOKEN_FILE_NAME = "admin-token";

  private AdminBootstrap() {}

  /**
   * Makes sure someone can manage users: when no enabled user holds a global admin grant (a new database, or
   * users made while authentication was off), user {@value #ADMIN} is created (or enabled) with that grant and a
   * new token in {@code tokenFile}. Returns the file written, or empty if an admin already existed.
   */
  public static Optional<Path> ensureAdmin(IdentityStore store, Path tokenFile) {
    if (store.hasEnabledAdmin()) {
      return Optional.empty();
    }
    if (store.user(ADMIN).isPresent()) {
      store.setDisabled(ADMIN, false);
      store.grant(new RoleGrant(ADMIN, Role.ADMIN, Scope.GLOBAL));
    } else {
      try {
        store.createUserWithRole(ADMIN, null, Role.ADMIN);
      } catch (CairnException e) {
        if (e.code() == ErrorCode.RESOURCE_ALREADY_EXISTS) {
          return Optional.empty(); // another server on the same database made it first
        }
        throw e;
      }
    }
    IdentityStore.NewToken token = store.createToken(ADMIN, "bootstrap", null);
    writeSecret(tokenFile, token.secret());
    LOG.info("no enabled user had the admin role: user '{}' has it now; its token is in {} (readable only by its"
        + " owner)", ADMIN, tokenFile.toAbsolutePath());
    return Optional.of(tokenFile);
  }

  /** Writes {@code secret} to a new file that is never readable by others, not even for a moment. */
  static void writeSecret(Path file, String secret) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.deleteIfExists(file);
      boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
      if (posix) {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } else {
        Files.createFile(file);
      }
      try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.TRUNCATE_EXISTING)) {
        out.write((secret + "\n").getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new CairnException(ErrorCode.INTERNAL_ERROR, "cannot write the admin token file " + file + ": "
          + e.getMessage(), e);
    }
  }
}
