package dev.cairn.server.auth;

import dev.cairn.identity.Role;
import dev.cairn.identity.RoleGrant;
import dev.cairn.identity.Scope;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A signed-in user and what they were granted, as read when their credentials were checked.
 *
 * @param global the role granted over everything, or null
 * @param scoped roles granted over single experiments or registered models
 */
public record Principal(String user, Role global, Map<Scope, Role> scoped) {
  public Principal {
    scoped = Map.copyOf(scoped);
  }

  static Principal of(String user, List<RoleGrant> grants) {
    Role global = null;
    Map<Scope, Role> scoped = new HashMap<>();
    for (RoleGrant g : grants) {
      if (g.scope().kind() == Scope.Kind.GLOBAL) {
        global = Role.max(global, g.role());
      } else {
        scoped.merge(g.scope(), g.role(), Role::max);
      }
    }
    return new Principal(user, global, scoped);
  }

  /** The effective role over {@code scope}: the higher of the global grant and the grant on that scope. */
  public Role roleOn(Scope scope) {
    return scope.kind() == Scope.Kind.GLOBAL ? global : Role.max(global, scoped.get(scope));
  }

  public boolean isAdmin() {
    return global == Role.ADMIN;
  }
}
