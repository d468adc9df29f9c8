package dev.cairn.serving.log;

import dev.cairn.core.CairnException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The input fields of a deployment that identify a person, and what the prediction log does with them before storing:
 * {@link Mode#DROP} removes them, {@link Mode#HASH} replaces each value by {@code sha256:<hex>} of the installation's
 * salt and the value (equal values stay joinable, the clear value is never stored; the salt keeps a dictionary of
 * common values from reversing them).
 */
public record PersonalFields(Set<String> names, Mode mode, byte[] salt) {
  /** Nothing is personal: inputs are stored as given. */
  public static final PersonalFields NONE = new PersonalFields(Set.of(), Mode.DROP, new byte[0]);

  /** What happens to a personal field. */
  public enum Mode { DROP, HASH }

  public PersonalFields {
    names = Set.copyOf(names);
    if (mode == null) {
      throw CairnException.invalid("personal fields need a mode: DROP or HASH");
    }
    if (mode == Mode.HASH && (salt == null || salt.length < 16)) {
      throw CairnException.invalid("hashing personal fields needs the installation's salt of at least 16 bytes, got "
          + (salt == null ? "none" : salt.length + " bytes"));
    }
    salt = salt == null ? new byte[0] : salt.clone();
  }

  /** These fields and {@code more}, handled alike. */
  public PersonalFields including(Set<String> more) {
    if (names.containsAll(more)) {
      return this;
    }
    Set<String> all = new java.util.HashSet<>(names);
    all.addAll(more);
    return new PersonalFields(all, mode, salt);
  }

  /** {@code rows} with the personal fields dropped or hashed; the given rows are not changed. */
  public List<Map<String, Object>> apply(List<Map<String, Object>> rows) {
    if (names.isEmpty()) {
      return rows;
    }
    List<Map<String, Object>> out = new ArrayList<>(rows.size());
    for (Map<String, Object> row : rows) {
      Map<String, Object> copy = new LinkedHashMap<>();
      for (Map.Entry<String, Object> e : row.entrySet()) {
        if (!names.contains(e.getKey())) {
          copy.put(e.getKey(), e.getValue());
        } else if (mode == Mode.HASH) {
          copy.put(e.getKey(), e.getValue() == null ? null : hash(String.valueOf(e.getValue())));
        }
      }
      out.add(copy);
    }
    return out;
  }

  /** {@code sha256:} and the hex SHA-256 of the salt followed by {@code value}'s UTF-8 bytes. */
  public String hash(String value) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(salt);
      return "sha256:" + HexFormat.of().formatHex(digest.digest(value.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
