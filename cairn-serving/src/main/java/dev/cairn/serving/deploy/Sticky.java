package dev.cairn.serving.deploy;

import dev.cairn.core.CairnException;
import java.util.Locale;

/**
 * Sticky routing: requests carrying the same value of this key go to the same route while the weights stay. The key
 * is a request header ({@code header:X-User}) or an input field ({@code field:customer_id}).
 */
public record Sticky(Source source, String key) {
  public static final int MAX_KEY_LENGTH = 256;

  /** Where the key's value is read from. */
  public enum Source { HEADER, FIELD }

  public Sticky {
    if (source == null) {
      throw CairnException.invalid("field 'sticky' needs a source: header:NAME or field:NAME");
    }
    if (key == null || key.isBlank() || key.length() > MAX_KEY_LENGTH || !key.equals(key.strip())) {
      throw CairnException.invalid("field 'sticky' key '" + key + "' must be 1 to " + MAX_KEY_LENGTH
          + " characters without surrounding spaces");
    }
    if (source == Source.HEADER && !key.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
      throw CairnException.invalid("field 'sticky' header name '" + key + "' is not a valid HTTP header name");
    }
  }

  /** Reads {@code header:NAME} or {@code field:NAME}. */
  public static Sticky parse(String text) {
    int colon = text == null ? -1 : text.indexOf(':');
    if (colon < 0) {
      throw CairnException.invalid("field 'sticky' value '" + text + "' must be header:NAME or field:NAME");
    }
    String source = text.substring(0, colon).strip().toLowerCase(Locale.ROOT);
    Source s = switch (source) {
      case "header" -> Source.HEADER;
      case "field" -> Source.FIELD;
      default -> throw CairnException.invalid("field 'sticky' value '" + text
          + "' has source '" + source + "'; expected header:NAME or field:NAME");
    };
    return new Sticky(s, text.substring(colon + 1).strip());
  }

  @Override
  public String toString() {
    return source.name().toLowerCase(Locale.ROOT) + ":" + key;
  }
}
