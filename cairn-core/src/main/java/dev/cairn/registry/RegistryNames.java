package dev.cairn.registry;

import dev.cairn.core.CairnException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The registry's naming rules, as MLflow's: a model name is any non-empty text (Cairn caps it at
 * {@link #MAX_NAME_LENGTH}, its column size); an alias uses letters, digits, _ and -, at most 255 characters,
 * and may not be {@code latest} or {@code v<digits>} (any case), which {@code models:/} URIs reserve.
 */
public final class RegistryNames {
  public static final int MAX_NAME_LENGTH = 256;
  public static final int MAX_ALIAS_LENGTH = 255;
  public static final int MAX_TAG_KEY_LENGTH = 250;
  public static final int MAX_TAG_VALUE_LENGTH = 5000;
  private static final Pattern ALIAS = Pattern.compile("[\\w\\-]*");
  private static final Pattern VERSION_ALIAS = Pattern.compile("[vV]\\d+");
  private static final Pattern TAG_KEY = Pattern.compile("[/\\w.\\- ]*");

  private RegistryNames() {}

  /** Checks a registered model name and returns it. */
  public static String requireModelName(String name) {
    if (name == null || name.isEmpty()) {
      throw CairnException.invalid("Registered model name cannot be empty.");
    }
    if (name.length() > MAX_NAME_LENGTH) {
      throw CairnException.invalid("Registered model name '" + name.substring(0, 64) + "...' has " + name.length()
          + " characters; the limit is " + MAX_NAME_LENGTH);
    }
    return name;
  }

  /** Checks an alias name (for setting one) and returns it. */
  public static String requireAlias(String alias) {
    if (alias == null || alias.isEmpty()) {
      throw CairnException.invalid("Registered model alias name cannot be empty.");
    }
    if (!ALIAS.matcher(alias).matches()) {
      throw CairnException.invalid("Invalid alias name: '" + alias
          + "'. Names may only contain alphanumerics, underscores (_), and dashes (-).");
    }
    if (alias.length() > MAX_ALIAS_LENGTH) {
      throw CairnException.invalid("Registered model alias name '" + alias.substring(0, 64) + "...' has "
          + alias.length() + " characters; the limit is " + MAX_ALIAS_LENGTH);
    }
    if (alias.toLowerCase(Locale.ROOT).equals("latest")) {
      throw CairnException.invalid("'latest' alias name (case insensitive) is reserved.");
    }
    if (VERSION_ALIAS.matcher(alias).matches()) {
      throw CairnException.invalid("Version alias name '" + alias + "' is reserved.");
    }
    return alias;
  }

  /** Checks a version number given as text (MLflow sends versions as strings) and returns it. */
  public static int parseVersion(String version) {
    if (version == null || version.isBlank()) {
      throw CairnException.invalid("Model version cannot be empty; it is a whole number from 1");
    }
    try {
      int v = Integer.parseInt(version.strip());
      if (v >= 1) {
        return v;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw CairnException.invalid("Model version must be an integer, got '" + version + "'");
  }

  /** Whether a key read as a relative file path names only itself (as MLflow's path_not_unique check). */
  private static boolean isNormalPath(String key) {
    if (key.startsWith("/") || key.endsWith("/") || key.contains("//")) {
      return false;
    }
    for (String segment : key.split("/", -1)) {
      if (segment.equals(".") || segment.equals("..")) {
        return false;
      }
    }
    return true;
  }

  /** Checks a registered model or model version tag, as MLflow's tag rules. */
  public static void requireTag(String what, String key, String value) {
    if (key == null || key.isEmpty()) {
      throw CairnException.invalid(what + " tag key cannot be empty. A key name must be provided.");
    }
    if (!TAG_KEY.matcher(key).matches()) {
      throw CairnException.invalid("Invalid tag name: '" + key + "'. Names may only contain alphanumerics, "
          + "underscores (_), dashes (-), periods (.), spaces ( ), and slashes (/).");
    }
    if (!isNormalPath(key)) {
      throw CairnException.invalid("Invalid tag name: '" + key + "'. Names may be treated as files in certain cases,"
          + " and must not resolve to other names when treated as such (no leading or doubled '/', no '.' or '..')");
    }
    if (key.length() > MAX_TAG_KEY_LENGTH) {
      throw CairnException.invalid(what + " tag key '" + key.substring(0, 64) + "...' had length " + key.length()
          + ", which exceeded length limit of " + MAX_TAG_KEY_LENGTH);
    }
    if (value != null && value.length() > MAX_TAG_VALUE_LENGTH) {
      throw CairnException.invalid(what + " tag '" + key + "' value had length " + value.length()
          + ", which exceeded length limit of " + MAX_TAG_VALUE_LENGTH);
    }
  }
}
