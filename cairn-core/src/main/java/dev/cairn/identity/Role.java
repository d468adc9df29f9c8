package dev.cairn.identity;

import dev.cairn.core.CairnException;
import java.util.Arrays;
import java.util.Locale;

/**
 * What a user may do, in increasing order: a higher role includes every lower one (an admin may approve, an
 * approver may write, an editor may read).
 */
public enum Role {
  /** Reads experiments, runs, metrics, artifacts, datasets and models. */
  VIEWER,
  /** Also writes: creates experiments and runs, logs, uploads, registers models. */
  EDITOR,
  /** Also decides promotions and registry policy: approve, reject, rollback. */
  APPROVER,
  /** Also manages users, grants, other users' tokens, webhooks and reads the audit log. */
  ADMIN;

  /** Whether this role includes {@code needed}. */
  public boolean includes(Role needed) {
    return compareTo(needed) >= 0;
  }

  /** The lower-case name used on the wire and in the CLI ({@code viewer}, ...). */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Reads a role name in any case; an unknown name is refused with the list of known ones. */
  public static Role parse(String text) {
    if (text != null) {
      for (Role r : values()) {
        if (r.name().equalsIgnoreCase(text.strip())) {
          return r;
        }
      }
    }
    throw CairnException.invalid("role '" + text + "' is unknown; use one of "
        + Arrays.stream(values()).map(Role::wire).toList());
  }

  /** The higher of two roles; null counts as no role. */
  public static Role max(Role a, Role b) {
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    return a.compareTo(b) >= 0 ? a : b;
  }
}
