package dev.cairn.data.version;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.cairn.core.CairnException;
import dev.cairn.core.Hashing;
import dev.cairn.core.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The content of a dataset version: its files sorted by path. The canonical bytes (sorted-key JSON, no
 * whitespace) are what is stored and hashed, so equal content always has the same {@link #sha256()}.
 */
public record Manifest(List<ManifestEntry> files) {
  /** Format version written into the manifest so a later format can still read old ones. */
  static final int FORMAT = 1;

  public Manifest {
    List<ManifestEntry> sorted = new ArrayList<>(files);
    sorted.sort(Comparator.comparing(ManifestEntry::path));
    for (int i = 1; i < sorted.size(); i++) {
      if (sorted.get(i).path().equals(sorted.get(i - 1).path())) {
        throw CairnException.invalid("manifest lists '" + sorted.get(i).path() + "' twice");
      }
    }
    files = List.copyOf(sorted);
  }

  public long totalSize() {
    long total = 0;
    for (ManifestEntry e : files) {
      total += e.size();
    }
    return total;
  }

  public Map<String, ManifestEntry> byPath() {
    Map<String, ManifestEntry> map = new LinkedHashMap<>();
    for (ManifestEntry e : files) {
      map.put(e.path(), e);
    }
    return map;
  }

  public byte[] canonicalBytes() {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("format", FORMAT);
    doc.put("files", files);
    return Json.canonicalBytes(doc);
  }

  public String sha256() {
    return Hashing.sha256Hex(canonicalBytes());
  }

  static Manifest parse(byte[] bytes) {
    try {
      Map<String, Object> doc = Json.MAPPER.readValue(bytes, new TypeReference<>() {});
      Object format = doc.get("format");
      if (!(format instanceof Number n) || n.intValue() != FORMAT) {
        throw new CairnException(dev.cairn.core.ErrorCode.INVALID_STATE,
            "manifest format '" + format + "' is not supported; this Cairn reads format " + FORMAT);
      }
      List<ManifestEntry> files = Json.MAPPER.convertValue(doc.get("files"), new TypeReference<>() {});
      return new Manifest(files == null ? List.of() : files);
    } catch (IOException | IllegalArgumentException e) {
      throw new CairnException(dev.cairn.core.ErrorCode.INVALID_STATE, "manifest cannot be read: " + e.getMessage(), e);
    }
  }
}
