package dev.cairn.identity;

import dev.cairn.core.CairnException;
import java.util.regex.Pattern;

/**
 * A person or service account that signs in. The password hash never leaves the store; this record only says
 * whether one is set.
 */
public record User(String name, long createdTime, boolean disabled, boolean hasPassword) {
  /** Letters, digits, {@code . _ - @}; 1 to 64 characters, so names fit in URLs and Basic credentials. */
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._@-]{1,64}");

  public User {
    requireValidName(name);
  }

  /** Refuses a user name that is not 1 to 64 letters, digits, {@code . _ - @}. */
  public static String requireValidName(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw CairnException.invalid("user name '" + name + "' is not valid; use 1 to 64 letters, digits, '.', '_',"
          + " '-' or '@'");
    }
    return name;
  }
}
