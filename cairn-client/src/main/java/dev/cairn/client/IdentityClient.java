package dev.cairn.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.identity.ApiToken;
import dev.cairn.identity.Role;
import dev.cairn.identity.RoleGrant;
import dev.cairn.identity.Scope;
import dev.cairn.identity.User;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Users, role grants and API tokens on a Cairn server ({@code /api/cairn/v1/users}, {@code /tokens}). Managing
 * users and grants needs the admin role; anyone signed in may make, list and revoke their own tokens.
 */
public final class IdentityClient {
  static final String API = "/api/cairn/v1/";

  private final Http http;

  IdentityClient(Http http) {
    this.http = http;
  }

  /** A token just made: its metadata and its secret, which the server shows only this once. */
  public record NewToken(ApiToken token, String secret) {
    @Override
    public String toString() {
      return "NewToken[" + token + ", secret=<hidden>]";
    }
  }

  /** Who the server says the caller is ({@code local} when it does not authenticate) and their grants. */
  public record Identity(String user, boolean authenticated, List<RoleGrant> grants) {}

  public Identity whoami() {
    JsonNode n = http.get(API + "whoami", Map.of());
    List<RoleGrant> grants = new ArrayList<>();
    n.path("grants").forEach(g -> grants.add(grant(g)));
    return new Identity(n.path("user").asText(), n.path("authenticated").asBoolean(), grants);
  }

  /** Creates a user, with a password (or null: tokens only) and a global role (or null: none yet). */
  public User createUser(String name, String password, Role role) {
    ObjectNode body = object().put("name", name);
    if (password != null) {
      body.put("password", password);
    }
    if (role != null) {
      body.put("role", role.wire());
    }
    return user(http.post(API + "users", body).path("user"));
  }

  public List<User> listUsers() {
    List<User> users = new ArrayList<>();
    http.get(API + "users", Map.of()).path("users").forEach(u -> users.add(user(u)));
    return users;
  }

  public List<RoleGrant> grants(String user) {
    List<RoleGrant> grants = new ArrayList<>();
    http.get(API + "users/" + Http.encode(user) + "/grants", Map.of()).path("grants").forEach(g -> grants.add(grant(g)));
    return grants;
  }

  /** Gives {@code user} {@code role} over {@code scope}, replacing their role there. */
  public RoleGrant grant(String user, Role role, Scope scope) {
    ObjectNode body = object().put("role", role.wire()).put("scope", scope.toString());
    return grant(http.post(API + "users/" + Http.encode(user) + "/grants", body).path("grant"));
  }

  /** Removes {@code user}'s role over {@code scope}; false if they had none there. */
  public boolean revoke(String user, Scope scope) {
    return http.sendJson(HttpRequest.newBuilder(http.uri(API + "users/" + Http.encode(user) + "/grants",
            Map.of("scope", scope.toString()))).timeout(Http.JSON_TIMEOUT).DELETE())
        .path("revoked").asBoolean();
  }

  /** Disables (or enables again) a user: their password and tokens stop working on the next request. */
  public User setDisabled(String user, boolean disabled) {
    return user(http.post(API + "users/" + Http.encode(user) + "/disable", object().put("disabled", disabled))
        .path("user"));
  }

  public User setPassword(String user, String password) {
    return user(http.post(API + "users/" + Http.encode(user) + "/password", object().put("password", password))
        .path("user"));
  }

  /**
   * Makes a token for {@code user} (null: the caller).
   *
   * @param expiresInDays days until the token is refused, or null for never
   */
  public NewToken createToken(String user, String name, Integer expiresInDays) {
    ObjectNode body = object();
    if (user != null) {
      body.put("user", user);
    }
    if (name != null) {
      body.put("name", name);
    }
    if (expiresInDays != null) {
      body.put("expires_in_days", expiresInDays);
    }
    JsonNode n = http.post(API + "tokens", body);
    return new NewToken(token(n.path("token")), n.path("secret").asText());
  }

  /** The caller's tokens, another user's (admin), or everyone's when {@code all} (admin). */
  public List<ApiToken> listTokens(String user, boolean all) {
    Map<String, String> query = new HashMap<>();
    if (all) {
      query.put("all", "true");
    } else if (user != null) {
      query.put("user", user);
    }
    List<ApiToken> tokens = new ArrayList<>();
    http.get(API + "tokens", query).path("tokens").forEach(t -> tokens.add(token(t)));
    return tokens;
  }

  public ApiToken revokeToken(String id) {
    return token(http.sendJson(HttpRequest.newBuilder(http.uri(API + "tokens/" + Http.encode(id), Map.of()))
        .timeout(Http.JSON_TIMEOUT).DELETE()).path("token"));
  }

  private static ObjectNode object() {
    return JsonNodeFactory.instance.objectNode();
  }

  private static User user(JsonNode n) {
    return new User(n.path("name").asText(), n.path("creation_time").asLong(), n.path("disabled").asBoolean(),
        n.path("has_password").asBoolean());
  }

  private static RoleGrant grant(JsonNode n) {
    return new RoleGrant(n.path("user").asText(), Role.parse(n.path("role").asText()),
        Scope.parse(n.path("scope").asText()));
  }

  private static ApiToken token(JsonNode n) {
    return new ApiToken(n.path("id").asText(), n.path("user").asText(), n.path("name").asText(),
        n.path("creation_time").asLong(), n.hasNonNull("expires_time") ? n.get("expires_time").asLong() : null,
        n.hasNonNull("last_used_time") ? n.get("last_used_time").asLong() : null, n.path("revoked").asBoolean());
  }
}
