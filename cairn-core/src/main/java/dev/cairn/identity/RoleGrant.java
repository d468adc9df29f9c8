package dev.cairn.identity;

import java.util.Objects;

/** One role given to one user over one scope; a user's effective role is the highest that applies. */
public record RoleGrant(String user, Role role, Scope scope) {
  public RoleGrant {
    User.requireValidName(user);
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(scope, "scope");
  }
}
