package dev.cairn.data.version;

import dev.cairn.core.CairnException;
import java.util.regex.Pattern;

/**
 * A reference to one dataset version as users type it: {@code churn@3}, {@code churn@latest} or {@code churn}
 * (latest). {@code version} is null for latest.
 */
public record DatasetRef(String name, Integer version) {
  /** Dataset names: letters, digits and _ - . , starting with a letter or digit; at most 256 characters. */
  static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,255}");

  public DatasetRef {
    requireValidName(name);
    if (version != null && version < 1) {
      throw CairnException.invalid("dataset version " + version + " for '" + name + "' is below 1; versions count from 1");
    }
  }

  public static DatasetRef latest(String name) {
    return new DatasetRef(name, null);
  }

  public boolean isLatest() {
    return version == null;
  }

  /** Parses {@code NAME}, {@code NAME@latest} or {@code NAME@N}. */
  public static DatasetRef parse(String text) {
    if (text == null || text.isBlank()) {
      throw CairnException.invalid("dataset reference is empty; use NAME, NAME@latest or NAME@VERSION (e.g. churn@3)");
    }
    String trimmed = text.strip();
    int at = trimmed.indexOf('@');
    if (at < 0) {
      return latest(trimmed);
    }
    if (trimmed.indexOf('@', at + 1) >= 0) {
      throw CairnException.invalid("dataset reference '" + text + "' has more than one '@'; use NAME@VERSION");
    }
    String name = trimmed.substring(0, at);
    String version = trimmed.substring(at + 1);
    if (name.isEmpty()) {
      throw CairnException.invalid("dataset reference '" + text + "' has no name before '@'; use NAME@VERSION");
    }
    if (version.isEmpty() || version.equalsIgnoreCase("latest")) {
      if (version.isEmpty()) {
        throw CairnException.invalid("dataset reference '" + text + "' has nothing after '@'; use a version number or 'latest'");
      }
      return latest(name);
    }
    int number;
    try {
      number = Integer.parseInt(version.startsWith("v") ? version.substring(1) : version);
    } catch (NumberFormatException e) {
      throw CairnException.invalid("dataset reference '" + text + "' has version '" + version
          + "'; a version is a whole number from 1 or 'latest'");
    }
    return new DatasetRef(name, number);
  }

  static void requireValidName(String name) {
    if (name == null || name.isBlank()) {
      throw CairnException.invalid("dataset name is empty; use letters, digits and _ - .");
    }
    if (!NAME.matcher(name).matches()) {
      throw CairnException.invalid("dataset name '" + name + "' is not allowed; use up to 256 letters, digits and"
          + " _ - . starting with a letter or digit");
    }
  }

  @Override
  public String toString() {
    return name + "@" + (version == null ? "latest" : version.toString());
  }
}
