package dev.cairn.client;

import dev.cairn.core.CairnException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * What a client sends to prove who it is to a server with authentication on: a token (sent as
 * {@code Authorization: Bearer}), a user name with a password or token (HTTP Basic, as MLflow clients send
 * {@code MLFLOW_TRACKING_USERNAME}/{@code MLFLOW_TRACKING_PASSWORD}), or nothing. {@link #toString()} never
 * shows the secret.
 */
public final class Credentials {
  /** Sends no credentials (a server with authentication off). */
  public static final Credentials NONE = new Credentials(null, "none");

  private final String authorization;
  private final String description;

  private Credentials(String authorization, String description) {
    this.authorization = authorization;
    this.description = description;
  }

  /** A token, sent as {@code Authorization: Bearer TOKEN}. */
  public static Credentials token(String token) {
    if (token == null || token.isBlank()) {
      throw CairnException.invalid("token is empty");
    }
    return new Credentials("Bearer " + token.strip(), "token");
  }

  /** A user name with a password or token, sent as HTTP Basic. */
  public static Credentials basic(String user, String passwordOrToken) {
    if (user == null || user.isEmpty() || user.contains(":")) {
      throw CairnException.invalid("user name '" + user + "' must be non-empty and have no ':'");
    }
    if (passwordOrToken == null) {
      throw CairnException.invalid("password of user '" + user + "' is missing");
    }
    String pair = user + ":" + passwordOrToken;
    return new Credentials("Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)),
        "user " + user);
  }

  /**
   * The credentials the environment names: {@code CAIRN_TRACKING_TOKEN}, else {@code MLFLOW_TRACKING_TOKEN}
   * (Bearer), else {@code MLFLOW_TRACKING_USERNAME} with {@code MLFLOW_TRACKING_PASSWORD} (Basic), else none.
   */
  public static Credentials fromEnvironment(Map<String, String> env) {
    for (String name : new String[] {"CAIRN_TRACKING_TOKEN", "MLFLOW_TRACKING_TOKEN"}) {
      String token = env.get(name);
      if (token != null && !token.isBlank()) {
        return token(token);
      }
    }
    String user = env.get("MLFLOW_TRACKING_USERNAME");
    String password = env.get("MLFLOW_TRACKING_PASSWORD");
    if (user != null && !user.isBlank() && password != null) {
      return basic(user.strip(), password);
    }
    return NONE;
  }

  /** The process environment's credentials ({@link #fromEnvironment(Map)}). */
  public static Credentials fromEnvironment() {
    return fromEnvironment(System.getenv());
  }

  /** The {@code Authorization} header value, or null for none. */
  String authorization() {
    return authorization;
  }

  @Override
  public String toString() {
    return "Credentials[" + description + "]";
  }
}
