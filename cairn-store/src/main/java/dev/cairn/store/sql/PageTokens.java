package dev.cairn.store.sql;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.core.CairnException;
import dev.cairn.core.Json;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** MLflow's offset page tokens: base64 of {@code {"offset": N}}, opaque to clients. */
public final class PageTokens {
  private PageTokens() {}

  public static String encode(long offset) {
    return Base64.getEncoder()
        .encodeToString(("{\"offset\": " + offset + "}").getBytes(StandardCharsets.UTF_8));
  }

  /** The offset a token holds; 0 for a null or empty token. */
  public static long decode(String token) {
    if (token == null || token.isEmpty()) {
      return 0;
    }
    byte[] decoded;
    try {
      decoded = Base64.getDecoder().decode(token);
    } catch (IllegalArgumentException e) {
      throw CairnException.invalid("Invalid page token, could not base64-decode");
    }
    String text = new String(decoded, StandardCharsets.UTF_8);
    JsonNode node;
    try {
      node = Json.MAPPER.readTree(text);
    } catch (Exception e) {
      throw CairnException.invalid("Invalid page token, decoded value=" + text);
    }
    JsonNode offset = node == null ? null : node.get("offset");
    if (offset == null || !(offset.isIntegralNumber() || offset.isTextual())) {
      throw CairnException.invalid("Invalid page token, parsed value=" + text);
    }
    try {
      long value = offset.isIntegralNumber() ? offset.asLong() : Long.parseLong(offset.asText());
      if (value < 0) {
        throw CairnException.invalid("Invalid page token, offset " + value + " is negative");
      }
      return value;
    } catch (NumberFormatException e) {
      throw CairnException.invalid("Invalid page token, not stringable " + offset.asText());
    }
  }
}
