package dev.cairn.identity;

import dev.cairn.core.CairnException;

/**
 * What is known about an API token besides its secret, which is shown once when the token is made and
 * afterwards kept only as a hash.
 *
 * @param id the token's public id, also the start of its secret (so a presented secret finds its row)
 * @param expiresTime epoch milliseconds after which the token is refused, or null for never
 * @param lastUsedTime epoch milliseconds of the last accepted use (recorded at most once a minute), or null
 * @param revoked whether the token was revoked; a revoked token is refused on the next request
 */
public record ApiToken(String id, String user, String name, long createdTime, Long expiresTime, Long lastUsedTime,
    boolean revoked) {
  public static final int MAX_NAME_LENGTH = 128;

  public ApiToken {
    User.requireValidName(user);
    if (id == null || id.isEmpty()) {
      throw CairnException.invalid("token id is empty");
    }
    name = name == null ? "" : name;
    if (name.length() > MAX_NAME_LENGTH) {
      throw CairnException.invalid("token name has " + name.length() + " characters; the limit is " + MAX_NAME_LENGTH);
    }
  }

  /** Whether the token is accepted at {@code nowMillis}: not revoked, not expired. */
  public boolean isUsableAt(long nowMillis) {
    return !revoked && (expiresTime == null || nowMillis < expiresTime);
  }
}
