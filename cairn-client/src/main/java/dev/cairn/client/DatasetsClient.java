package dev.cairn.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Hashing;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Dataset versions on a Cairn server, over its REST API (nothing here opens the server's database):
 *
 * <pre>{@code
 * DatasetsClient datasets = CairnClient.connect("http://127.0.0.1:5000").datasets();
 * DatasetVersionInfo v = datasets.add("churn", Path.of("data/churn"));    // hashes, uploads what is new
 * datasets.get("churn@" + v.version(), Path.of("work/churn"));            // downloads, checks every hash
 * datasets.logAsRunInput(runId, v.ref(), "training");                     // the run's MLflow dataset input
 * }</pre>
 *
 * <p>A version is content-addressed: every file is stored once under its SHA-256, and adding content equal to
 * the newest version returns that version. Errors are {@link CairnException}s carrying the server's message.
 * Instances are thread-safe; get one from {@link CairnClient#datasets()}.
 */
public final class DatasetsClient {
  static final String API = "/api/cairn/v1/datasets";
  /** Hashes asked about in one missing-blobs call (the server accepts up to 10,000). */
  static final int HASHES_PER_QUESTION = 1000;
  /** Folders never versioned: where Cairn keeps its stat cache beside the data. */
  static final String SKIPPED_DIRECTORY = ".cairn";
  private static final int BUFFER_SIZE = 1 << 16;

  private final Http http;

  DatasetsClient(Http http) {
    this.http = http;
  }

  /** A local file of a version being added: '/'-separated path relative to the added folder, size, hash. */
  private record LocalFile(Path file, String path, long size, String sha256) {}

  /**
   * Computes a local file's SHA-256 for {@link #addVersion}; a caller may answer from its own cache of
   * unchanged files (the CLI uses its stat cache). The default reads the whole file.
   */
  @FunctionalInterface
  public interface FileHasher {
    String sha256(Path file) throws IOException;
  }

  /** What {@link #addVersion} did: the version, whether it is new, the files it listed and the blobs it sent. */
  public record Added(DatasetVersionInfo version, boolean isNew, int files, long bytes, int blobsUploaded,
      long bytesUploaded) {}

  /** As {@link #add(String, Path, String, Map)} with no message and no tags. */
  public DatasetVersionInfo add(String name, Path fileOrDirectory) {
    return add(name, fileOrDirectory, null, Map.of());
  }

  /**
   * Records {@code fileOrDirectory} as the next version of dataset {@code name} (see {@link #addVersion}); the
   * author is the OS user.
   */
  public DatasetVersionInfo add(String name, Path fileOrDirectory, String message, Map<String, String> tags) {
    return addVersion(name, fileOrDirectory, message, System.getProperty("user.name", "unknown"), tags).version();
  }

  /**
   * Records {@code fileOrDirectory} as the next version of dataset {@code name}: hashes the files locally,
   * uploads only the blobs the server does not have (each checked against its hash by the server), then
   * creates the version from its manifest. A single file is stored under its file name, a directory's files
   * under their relative paths (folders named {@code .cairn} are skipped). Content equal to the newest version
   * returns that version unchanged.
   */
  public Added addVersion(String name, Path fileOrDirectory, String message, String author,
      Map<String, String> tags) {
    byte[] buffer = new byte[BUFFER_SIZE];
    return addVersion(name, fileOrDirectory, message, author, tags, file -> sha256(file, buffer));
  }

  /** As {@link #addVersion(String, Path, String, String, Map)}, hashing files with {@code hasher}. */
  public Added addVersion(String name, Path fileOrDirectory, String message, String author,
      Map<String, String> tags, FileHasher hasher) {
    return addVersion(name, fileOrDirectory, message, author, tags, hasher, CairnClient.Progress.NONE);
  }

  /**
   * As {@link #addVersion(String, Path, String, String, Map, FileHasher)}, reporting the upload to
   * {@code uploads}: bytes sent so far of the total the server lacks (known before the first byte is sent).
   */
  public Added addVersion(String name, Path fileOrDirectory, String message, String author,
      Map<String, String> tags, FileHasher hasher, CairnClient.Progress uploads) {
    List<LocalFile> files = walk(fileOrDirectory, hasher);
    if (files.isEmpty()) {
      throw CairnException.invalid("path '" + fileOrDirectory + "' has no files to add");
    }
    Map<String, LocalFile> byHash = new LinkedHashMap<>();
    long bytes = 0;
    for (LocalFile f : files) {
      byHash.putIfAbsent(f.sha256(), f);
      bytes += f.size();
    }
    // Ask first which blobs the server lacks, so the upload's total is known before it starts.
    List<LocalFile> missing = new ArrayList<>();
    long missingBytes = 0;
    List<String> hashes = new ArrayList<>(byHash.keySet());
    for (int from = 0; from < hashes.size(); from += HASHES_PER_QUESTION) {
      ObjectNode question = Wire.object();
      ArrayNode asked = question.putArray("sha256");
      hashes.subList(from, Math.min(hashes.size(), from + HASHES_PER_QUESTION)).forEach(asked::add);
      for (JsonNode hash : http.post(API + "/blobs/missing", question).path("missing")) {
        LocalFile f = byHash.get(hash.asText());
        if (f == null) {
          throw new CairnException(ErrorCode.INTERNAL_ERROR, "the server asked for a blob this add does not have");
        }
        missing.add(f);
        missingBytes += f.size();
      }
    }
    long bytesUploaded = 0;
    for (LocalFile f : missing) {
      long before = bytesUploaded;
      long total = missingBytes;
      upload(f, (done, size) -> uploads.update(before + done, total));
      bytesUploaded += f.size();
    }
    int blobsUploaded = missing.size();
    ObjectNode body = Wire.object();
    Wire.putIfPresent(body, "message", message);
    Wire.putIfPresent(body, "author", author);
    ArrayNode list = body.putArray("files");
    for (LocalFile f : files) {
      list.addObject().put("path", f.path()).put("size", f.size()).put("sha256", f.sha256());
    }
    ObjectNode tagJson = body.putObject("tags");
    (tags == null ? Map.<String, String>of() : tags).forEach(tagJson::put);
    JsonNode created = http.post(API + "/" + Http.encode(name) + "/versions", body);
    return new Added(version(created.path("version")), created.path("created").asBoolean(), files.size(), bytes,
        blobsUploaded, bytesUploaded);
  }

  private void upload(LocalFile f, CairnClient.Progress progress) {
    if (!Files.isReadable(f.file())) {
      throw CairnException.invalid("cannot read '" + f.path() + "'");
    }
    HttpRequest.BodyPublisher content = ArtifactTransfer.countingBody(f.file(), f.size(), progress);
    try {
      http.sendJson(HttpRequest.newBuilder(http.uri(API + "/blobs/" + f.sha256(), Map.of()))
          .header("Content-Type", "application/octet-stream")
          .PUT(content));
    } catch (CairnException e) {
      if (e.code() == ErrorCode.INVALID_PARAMETER_VALUE) {
        throw new CairnException(e.code(), "file '" + f.path() + "' changed after it was hashed (the server "
            + "answered: " + e.getMessage() + "); add it again when it is no longer written to");
      }
      throw e;
    }
  }

  private static List<LocalFile> walk(Path fileOrDirectory, FileHasher hasher) {
    Path root = fileOrDirectory.toAbsolutePath().normalize();
    if (!Files.exists(root)) {
      throw CairnException.notFound("path '" + fileOrDirectory + "' does not exist");
    }
    TreeMap<String, Path> found = new TreeMap<>();
    try {
      if (Files.isRegularFile(root)) {
        found.put(root.getFileName().toString(), root);
      } else {
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
            return !dir.equals(root) && dir.getFileName().toString().equals(SKIPPED_DIRECTORY)
                ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            if (attrs.isRegularFile()) {
              StringBuilder relative = new StringBuilder();
              for (Path part : root.relativize(file)) {
                relative.append(relative.isEmpty() ? "" : "/").append(part);
              }
              found.put(relative.toString(), file);
            }
            return FileVisitResult.CONTINUE;
          }
        });
      }
      List<LocalFile> files = new ArrayList<>(found.size());
      for (Map.Entry<String, Path> e : found.entrySet()) {
        long size = Files.size(e.getValue());
        files.add(new LocalFile(e.getValue(), e.getKey(), size, hasher.sha256(e.getValue())));
      }
      return files;
    } catch (IOException e) {
      throw CairnException.invalid("reading '" + fileOrDirectory + "' failed: " + e.getMessage());
    }
  }

  private static String sha256(Path file, byte[] buffer) throws IOException {
    MessageDigest md = Hashing.sha256();
    try (InputStream in = Files.newInputStream(file)) {
      for (int n; (n = in.read(buffer)) > 0; ) {
        md.update(buffer, 0, n);
      }
    }
    return Hashing.hex(md.digest());
  }

  // ---------------------------------------------------------------- read

  /** The version a reference names: {@code churn@2}, {@code churn@latest} or {@code churn}. */
  public DatasetVersionInfo show(String ref) {
    return version(http.get(versionPath(ref), Map.of()).path("version"));
  }

  /** As {@link #get(String, Path, boolean)} without overwriting changed files. */
  public DatasetVersionInfo get(String ref, Path targetDir) {
    return get(ref, targetDir, false);
  }

  /**
   * Writes the files of a version under {@code targetDir}. Each file is downloaded to a temporary name beside
   * its target, its SHA-256 and size checked, and only then renamed into place, so a failed download leaves no
   * partial file. Files already there with the right content are left alone; a file there with other content
   * is refused (before anything is written) unless {@code overwrite}. Files the version does not list are kept.
   */
  public DatasetVersionInfo get(String ref, Path targetDir, boolean overwrite) {
    JsonNode shown = http.get(versionPath(ref), Map.of());
    DatasetVersionInfo v = version(shown.path("version"));
    List<JsonNode> entries = manifest(v);
    Path root = targetDir.toAbsolutePath().normalize();
    List<Path> targets = new ArrayList<>();
    List<Boolean> needed = new ArrayList<>();
    List<String> changed = new ArrayList<>();
    byte[] buffer = new byte[BUFFER_SIZE];
    try {
      for (JsonNode e : entries) {
        Path dest = root.resolve(e.path("path").asText()).normalize();
        if (!dest.startsWith(root) || dest.equals(root)) {
          throw new CairnException(ErrorCode.INVALID_STATE, v.ref() + " lists '" + e.path("path").asText()
              + "', which leaves the target folder; nothing was written");
        }
        boolean present = Files.isRegularFile(dest) && Files.size(dest) == e.path("size").asLong()
            && sha256(dest, buffer).equals(e.path("sha256").asText());
        if (!present && Files.exists(dest) && !overwrite) {
          changed.add(e.path("path").asText());
        }
        targets.add(dest);
        needed.add(!present);
      }
      if (!changed.isEmpty()) {
        throw new CairnException(ErrorCode.INVALID_STATE, changed.size() + " file(s) under " + targetDir
            + " differ from " + v.ref() + " (" + String.join(", ", changed.subList(0, Math.min(5, changed.size())))
            + (changed.size() > 5 ? ", ..." : "") + "); nothing was written. Pass overwrite to replace them");
      }
      for (int i = 0; i < entries.size(); i++) {
        if (needed.get(i)) {
          download(v, entries.get(i), targets.get(i));
        }
      }
    } catch (IOException e) {
      throw new CairnException(ErrorCode.INVALID_STATE, "writing " + v.ref() + " to " + targetDir + " failed: "
          + e.getMessage(), e);
    }
    return v;
  }

  /** The manifest's file entries, after checking the manifest against the version's content hash. */
  private List<JsonNode> manifest(DatasetVersionInfo v) {
    HttpRequest request = HttpRequest.newBuilder(http.uri(API + "/" + Http.encode(v.name()) + "/versions/"
        + v.version() + "/manifest", Map.of())).timeout(Http.JSON_TIMEOUT).GET().build();
    HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    if (response.statusCode() / 100 != 2) {
      throw Http.errorFrom(response.statusCode(), response.body(), request);
    }
    String actual = Hashing.sha256Hex(response.body());
    if (!actual.equals(v.contentSha256())) {
      throw new CairnException(ErrorCode.INVALID_STATE, "the manifest of " + v.ref() + " arrived with sha256 "
          + actual + ", not its content hash " + v.contentSha256());
    }
    List<JsonNode> entries = new ArrayList<>();
    try {
      for (JsonNode e : Http.READER.readTree(response.body()).path("files")) {
        entries.add(e);
      }
    } catch (IOException e) {
      throw new CairnException(ErrorCode.INVALID_STATE, "the manifest of " + v.ref() + " is not JSON", e);
    }
    return entries;
  }

  private void download(DatasetVersionInfo v, JsonNode entry, Path dest) throws IOException {
    String path = entry.path("path").asText();
    String expected = entry.path("sha256").asText();
    long expectedSize = entry.path("size").asLong();
    HttpRequest request = HttpRequest.newBuilder(http.uri(API + "/blobs/" + Http.encode(expected), Map.of()))
        .GET().build();
    HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    if (response.statusCode() / 100 != 2) {
      throw Http.errorFrom(response);
    }
    Files.createDirectories(dest.getParent());
    Path temp = dest.resolveSibling("." + dest.getFileName() + ".cairn-" + UUID.randomUUID() + ".part");
    try {
      MessageDigest md = Hashing.sha256();
      long size = 0;
      byte[] buffer = new byte[BUFFER_SIZE];
      try (InputStream in = response.body();
          OutputStream out = Files.newOutputStream(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        for (int n; (n = in.read(buffer)) > 0; ) {
          md.update(buffer, 0, n);
          out.write(buffer, 0, n);
          size += n;
        }
      }
      String actual = Hashing.hex(md.digest());
      if (!actual.equals(expected) || size != expectedSize) {
        throw new CairnException(ErrorCode.INVALID_STATE, "'" + path + "' of " + v.ref() + " arrived as " + size
            + " bytes with sha256 " + actual + ", expected " + expectedSize + " bytes with " + expected
            + "; it was not written");
      }
      Files.move(temp, dest, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  // ---------------------------------------------------------------- runs

  /**
   * Records the version as a dataset input of a run (MLflow's log-inputs: name, a digest of the content hash,
   * source {@code cairn-dataset:NAME@VERSION}, the schema and summary figures), so
   * {@code datasets.name = 'churn'} in a run search finds the run. {@code context} (e.g. "training") may be null.
   */
  public void logAsRunInput(String runId, String ref, String context) {
    ObjectNode body = Wire.object().put("run_id", runId);
    Wire.putIfPresent(body, "context", context);
    http.post(versionPath(ref) + "/run-inputs", body);
  }

  // ---------------------------------------------------------------- wire

  /** The REST path of a version: {@code NAME}, {@code NAME@latest} and {@code NAME@N} are accepted. */
  static String versionPath(String ref) {
    if (ref == null || ref.isBlank()) {
      throw CairnException.invalid("dataset reference is empty; use NAME, NAME@latest or NAME@VERSION");
    }
    String text = ref.strip();
    int at = text.indexOf('@');
    String name = at < 0 ? text : text.substring(0, at);
    String version = at < 0 ? "latest" : text.substring(at + 1);
    if (name.isEmpty() || version.isEmpty()) {
      throw CairnException.invalid("dataset reference '" + ref + "' needs a name and a version: NAME@VERSION");
    }
    return API + "/" + Http.encode(name) + "/versions/" + Http.encode(version);
  }

  static DatasetVersionInfo version(JsonNode v) {
    Map<String, String> tags = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = v.path("tags").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> t = it.next();
      tags.put(t.getKey(), t.getValue().asText());
    }
    return new DatasetVersionInfo(v.path("name").asText(), v.path("version").asInt(),
        v.path("content_sha256").asText(), v.path("file_count").asInt(), v.path("total_size").asLong(),
        v.hasNonNull("row_count") ? v.get("row_count").asLong() : null, text(v, "author"), text(v, "message"),
        v.path("created_time").asLong(), tags);
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }
}
