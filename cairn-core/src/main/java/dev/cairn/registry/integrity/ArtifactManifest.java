package dev.cairn.registry.integrity;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.core.CairnException;
import dev.cairn.core.Hashing;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The list of files of a model version's artifacts with their sizes and SHA-256, and its canonical JSON form.
 *
 * <p>Canonical form ({@link #canonicalJson()}), the bytes {@link #sha256()} hashes and a signature covers:
 * UTF-8 (non-ASCII characters as raw UTF-8, only {@code "}, {@code \\} and control characters escaped), no
 * whitespace, fields in the fixed order {@code format, subject (only when set), files}, each file as
 * {@code {"path":..,"size":..,"sha256":..}}, files sorted by the unsigned UTF-8 bytes of their paths. Paths
 * are unique, and no path is also a folder of another path. {@link #parse} accepts any spacing and key order
 * but no unknown field, so what a signature covers is exactly what the parsed manifest says.
 */
public final class ArtifactManifest {
  /** The value of the {@code format} field. */
  public static final String FORMAT = "cairn.manifest/v1";

  /** Orders paths by their UTF-8 bytes, as any language can reproduce. */
  static final Comparator<String> PATH_ORDER = (a, b) -> Arrays.compareUnsigned(
      a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));

  /** Duplicate keys are refused: a manifest must not say two things at once. */
  private static final ObjectMapper READER = com.fasterxml.jackson.databind.json.JsonMapper.builder()
      .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();
  private static final Set<String> TOP_FIELDS = Set.of("format", "subject", "files");
  private static final Set<String> FILE_FIELDS = Set.of("path", "size", "sha256");

  /** Writes characters outside the BMP as their 4 UTF-8 bytes, like every other non-ASCII character. */
  private static final JsonFactory CANONICAL_WRITER = JsonFactory.builder()
      .enable(com.fasterxml.jackson.core.json.JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
      .build();

  private final String subject;
  private final List<ManifestEntry> files;
  private final Map<String, ManifestEntry> byPath;
  private final byte[] canonical;
  private final String sha256;

  private ArtifactManifest(String subject, Collection<ManifestEntry> entries) {
    if (subject != null && (subject.isBlank() || subject.length() > 1024)) {
      throw CairnException.invalid("manifest subject must be 1..1024 characters, not blank");
    }
    TreeMap<String, ManifestEntry> sorted = new TreeMap<>(PATH_ORDER);
    for (ManifestEntry entry : entries) {
      if (sorted.put(entry.path(), entry) != null) {
        throw CairnException.invalid("manifest names '" + entry.path() + "' twice; paths are unique");
      }
    }
    for (String path : sorted.keySet()) {
      for (int slash = path.indexOf('/'); slash >= 0; slash = path.indexOf('/', slash + 1)) {
        if (sorted.containsKey(path.substring(0, slash))) {
          throw CairnException.invalid("manifest names '" + path.substring(0, slash)
              + "' as a file and as the folder of '" + path + "'");
        }
      }
    }
    this.subject = subject;
    this.files = List.copyOf(sorted.values());
    this.byPath = java.util.Collections.unmodifiableMap(sorted);
    this.canonical = writeCanonical(subject, files);
    this.sha256 = Hashing.sha256Hex(canonical);
  }

  /** A manifest of these entries (any order; they are sorted), with no subject. */
  public static ArtifactManifest of(Collection<ManifestEntry> entries) {
    return new ArtifactManifest(null, entries);
  }

  /**
   * A manifest of these entries bound to {@code subject}, a free text naming what the files are (e.g.
   * {@code models:/churn/3}); the subject is part of the hash, so a signature cannot be moved to another version.
   */
  public static ArtifactManifest of(String subject, Collection<ManifestEntry> entries) {
    return new ArtifactManifest(subject, entries);
  }

  /** Hashes every regular file under {@code root} (streaming) and returns their manifest. */
  public static ArtifactManifest ofDirectory(Path root) {
    return ofDirectory(root, null, HashProgress.NONE);
  }

  /**
   * Hashes every regular file under {@code root} in constant memory, reporting progress. Symbolic links and
   * other non-regular files are refused (a manifest names content, and a link could point outside the
   * folder); empty folders are not recorded.
   */
  public static ArtifactManifest ofDirectory(Path root, String subject, HashProgress progress) {
    List<Path> files = ManifestVerifier.listFiles(root);
    long total = 0;
    for (Path file : files) {
      total += sizeOf(file);
    }
    StreamingHasher hasher = new StreamingHasher(progress, total);
    List<ManifestEntry> entries = new ArrayList<>(files.size());
    for (Path file : files) {
      String path = ManifestVerifier.relativePath(root, file);
      ManifestEntry.checkPath(path);
      StreamingHasher.Result hashed = hasher.hash(file, path);
      entries.add(new ManifestEntry(path, hashed.size(), hashed.sha256()));
    }
    return new ArtifactManifest(subject, entries);
  }

  private static long sizeOf(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the size of " + file, e);
    }
  }

  /** Parses a manifest's JSON (any spacing and key order; unknown fields refused). */
  public static ArtifactManifest parse(byte[] json) {
    JsonNode root;
    try {
      root = READER.readTree(json);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw CairnException.invalid("manifest is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (root == null || !root.isObject()) {
      throw CairnException.invalid("manifest must be a JSON object with 'format' and 'files'");
    }
    checkFields(root, TOP_FIELDS, "manifest");
    if (!FORMAT.equals(root.path("format").asText(null))) {
      throw CairnException.invalid("manifest format is '" + root.path("format").asText("")
          + "'; this version reads '" + FORMAT + "'");
    }
    JsonNode subject = root.get("subject");
    if (subject != null && !subject.isTextual()) {
      throw CairnException.invalid("manifest 'subject' must be a string");
    }
    JsonNode files = root.get("files");
    if (files == null || !files.isArray()) {
      throw CairnException.invalid("manifest 'files' must be an array");
    }
    List<ManifestEntry> entries = new ArrayList<>(files.size());
    for (JsonNode file : files) {
      if (!file.isObject()) {
        throw CairnException.invalid("manifest 'files' holds a " + file.getNodeType() + "; expected objects");
      }
      checkFields(file, FILE_FIELDS, "manifest file entry");
      JsonNode path = file.get("path");
      JsonNode size = file.get("size");
      JsonNode sha = file.get("sha256");
      if (path == null || !path.isTextual() || size == null || !size.canConvertToExactIntegral()
          || !size.canConvertToLong() || sha == null || !sha.isTextual()) {
        throw CairnException.invalid("manifest file entry " + file
            + " needs 'path' (string), 'size' (integer) and 'sha256' (string)");
      }
      entries.add(new ManifestEntry(path.asText(), size.asLong(), sha.asText()));
    }
    return new ArtifactManifest(subject == null ? null : subject.asText(), entries);
  }

  private static void checkFields(JsonNode node, Set<String> known, String what) {
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!known.contains(name)) {
        throw CairnException.invalid(what + " has unknown field '" + name + "'; known fields: "
            + known.stream().sorted().toList());
      }
    }
  }

  /** Reads and parses a manifest file. */
  public static ArtifactManifest read(Path file) {
    try {
      return parse(Files.readAllBytes(file));
    } catch (java.nio.file.NoSuchFileException e) {
      throw CairnException.notFound("manifest file " + file + " does not exist");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read manifest " + file, e);
    }
  }

  /** Writes the canonical JSON to {@code file}. */
  public void write(Path file) {
    try {
      Files.write(file, canonical);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write manifest " + file, e);
    }
  }

  private static byte[] writeCanonical(String subject, List<ManifestEntry> files) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 + files.size() * 128);
    try (JsonGenerator json = CANONICAL_WRITER.createGenerator(out)) {
      json.writeStartObject();
      json.writeStringField("format", FORMAT);
      if (subject != null) {
        json.writeStringField("subject", subject);
      }
      json.writeArrayFieldStart("files");
      for (ManifestEntry file : files) {
        json.writeStartObject();
        json.writeStringField("path", file.path());
        json.writeNumberField("size", file.size());
        json.writeStringField("sha256", file.sha256());
        json.writeEndObject();
      }
      json.writeEndArray();
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** The files, sorted by path. */
  public List<ManifestEntry> files() {
    return files;
  }

  /** The entry for {@code path}, or null. */
  public ManifestEntry file(String path) {
    return byPath.get(path);
  }

  /** What the files are, as given at creation (e.g. {@code models:/churn/3}), or null. */
  public String subject() {
    return subject;
  }

  /** Sum of the file sizes. */
  public long totalSize() {
    return files.stream().mapToLong(ManifestEntry::size).sum();
  }

  /** The canonical JSON bytes (a copy). */
  public byte[] canonicalJson() {
    return canonical.clone();
  }

  /** The SHA-256 (hex) of {@link #canonicalJson()}: the manifest's identity, and what a signature covers. */
  public String sha256() {
    return sha256;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ArtifactManifest other && Arrays.equals(canonical, other.canonical);
  }

  @Override
  public int hashCode() {
    return sha256.hashCode();
  }

  @Override
  public String toString() {
    return "ArtifactManifest[" + files.size() + " files, sha256=" + sha256 + "]";
  }
}
