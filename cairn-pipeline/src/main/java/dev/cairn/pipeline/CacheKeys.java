package dev.cairn.pipeline;

import dev.cairn.core.Hashing;
import dev.cairn.core.Json;
import java.util.Map;
import java.util.TreeMap;

/**
 * Step cache keys: SHA-256 of the canonical JSON (sorted keys, no whitespace) of the step's implementation
 * fingerprint ({@link Step#fingerprint}), its typed parameters, the SHA-256 of each input by input name, what it
 * reads from outside the pipeline ({@link Step#externalState}), and the Cairn version. Parameters keep their declared types, so an integer 1 and a number 1.0 are different keys.
 */
public final class CacheKeys {
  private CacheKeys() {}

  public static String of(String fingerprint, Map<String, Object> params, Map<String, String> inputSha256,
      String cairnVersion) {
    return of(fingerprint, params, inputSha256, Map.of(), cairnVersion);
  }

  /** The key with the step's external state ({@link Step#externalState}); absent from the hash when empty. */
  public static String of(String fingerprint, Map<String, Object> params, Map<String, String> inputSha256,
      Map<String, String> external, String cairnVersion) {
    Map<String, Object> content = new TreeMap<>();
    content.put("fingerprint", fingerprint);
    content.put("params", new TreeMap<>(params));
    content.put("inputs", new TreeMap<>(inputSha256));
    if (!external.isEmpty()) {
      content.put("external", new TreeMap<>(external));
    }
    content.put("cairn", cairnVersion);
    return Hashing.sha256Hex(Json.canonicalBytes(content));
  }
}
