package dev.cairn.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.tracking.RunInfo;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Moves artifact files between this machine and a run's artifact root through the server's artifact proxy
 * ({@code /api/2.0/mlflow-artifacts/artifacts/<root>/<path>}). Paths are run-relative with '/' separators.
 */
final class ArtifactTransfer {
  static final String ARTIFACTS_API = "/api/2.0/mlflow-artifacts/artifacts";

  private final Http http;

  ArtifactTransfer(Http http) {
    this.http = http;
  }

  /** Streams {@code localFile} to {@code root/artifactPath/<file name>}. */
  void uploadFile(String root, Path localFile, String artifactPath, CairnClient.Progress progress) {
    if (!Files.isRegularFile(localFile)) {
      throw CairnException.invalid("local file '" + localFile + "' does not exist or is not a regular file");
    }
    put(root, join(normalise(artifactPath), localFile.getFileName().toString()), localFile, progress);
  }

  /**
   * Uploads every regular file under {@code localDir}, recursively, to {@code root/artifactPath/<path relative
   * to localDir>} (MLflow's {@code log_artifacts}); returns the run-relative paths written, in upload order.
   */
  List<String> uploadDirectory(String root, Path localDir, String artifactPath, CairnClient.Progress progress) {
    if (!Files.isDirectory(localDir)) {
      throw CairnException.invalid("local directory '" + localDir + "' does not exist or is not a directory");
    }
    List<Path> files;
    try (Stream<Path> walk = Files.walk(localDir)) {
      files = walk.filter(Files::isRegularFile).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + localDir, e);
    }
    List<String> written = new ArrayList<>(files.size());
    for (Path file : files) {
      String relative = localDir.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
      String target = join(normalise(artifactPath), relative);
      put(root, target, file, progress);
      written.add(target);
    }
    return written;
  }

  /** Writes {@code content} as the artifact file {@code root/artifactFile}. */
  void uploadBytes(String root, String artifactFile, byte[] content) {
    String path = normalise(artifactFile);
    if (path.isEmpty()) {
      throw CairnException.invalid("artifact file name is empty; give a run-relative path such as 'notes/summary.txt'");
    }
    send(root, path, HttpRequest.BodyPublishers.ofByteArray(content));
  }

  private void put(String root, String relative, Path localFile, CairnClient.Progress progress) {
    long size;
    try {
      size = Files.size(localFile);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read size of " + localFile, e);
    }
    send(root, relative, countingBody(localFile, size, progress));
  }

  /** A request body of {@code file}'s {@code size} bytes that reports each read to {@code progress}. */
  static HttpRequest.BodyPublisher countingBody(Path file, long size, CairnClient.Progress progress) {
    return HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> {
      try {
        return new CountingInputStream(Files.newInputStream(file), size, progress);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }), size);
  }

  private void send(String root, String relative, HttpRequest.BodyPublisher body) {
    HttpRequest request = HttpRequest.newBuilder(proxyUri(join(root, relative)))
        .header("Content-Type", "application/octet-stream")
        .PUT(body)
        .build();
    HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    if (response.statusCode() / 100 != 2) {
      throw Http.errorFrom(response.statusCode(), response.body(), request);
    }
  }

  /** Downloads a file or, recursively, a directory to {@code destDir/<last path element>}; returns that path. */
  Path download(String root, String path, Path destDir, CairnClient.Progress progress) {
    String name = path.substring(path.lastIndexOf('/') + 1);
    List<ArtifactFile> children = listQuietly(root, path);
    Path target = destDir.resolve(name);
    try {
      Files.createDirectories(destDir);
      if (!children.isEmpty()) {
        Files.createDirectories(target);
        for (ArtifactFile child : children) {
          download(root, child.path(), target, progress);
        }
        return target;
      }
      HttpRequest request = HttpRequest.newBuilder(proxyUri(join(root, path))).GET().build();
      HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
      if (response.statusCode() / 100 != 2) {
        throw Http.errorFrom(response);
      }
      long total = response.headers().firstValueAsLong("Content-Length").orElse(-1);
      // not createTempFile: it makes the file owner-only, and the rename would keep that instead of the umask's
      Path temp = Files.createFile(destDir.resolve("." + name + "." + java.util.UUID.randomUUID() + ".part"));
      try (InputStream in = new CountingInputStream(response.body(), total, progress);
          OutputStream out = Files.newOutputStream(temp)) {
        in.transferTo(out);
      } catch (IOException | RuntimeException e) {
        Files.deleteIfExists(temp);
        throw e;
      }
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return target;
    } catch (IOException e) {
      throw new CairnException(ErrorCode.TEMPORARILY_UNAVAILABLE,
          "download of artifact '" + path + "' to " + destDir + " failed: " + e.getMessage(), e);
    }
  }

  private List<ArtifactFile> listQuietly(String root, String path) {
    try {
      return list(root, path);
    } catch (CairnException e) {
      return List.of();
    }
  }

  /** The files and directories directly under {@code path} ("" for the root), with run-relative paths. */
  List<ArtifactFile> list(String root, String path) {
    JsonNode r = http.get(ARTIFACTS_API, Map.of("path", join(root, path)));
    List<ArtifactFile> files = new ArrayList<>();
    for (JsonNode f : r.path("files")) {
      String name = f.path("path").asText();
      // MLflow's proxy answers with names relative to the listed directory; make them run-relative
      String relative = path.isEmpty() || name.startsWith(path + "/") ? name : join(path, name);
      files.add(new ArtifactFile(relative, f.path("is_dir").asBoolean(false),
          f.hasNonNull("file_size") ? f.get("file_size").asLong() : null));
    }
    return files;
  }

  /**
   * The run's artifact root as a path under the proxy: {@code mlflow-artifacts:/1/<run>/artifacts} gives
   * {@code 1/<run>/artifacts}; other schemes fall back to the server's layout {@code <exp>/<run>/artifacts}.
   */
  static String root(RunInfo info) {
    String root = proxyRoot(info.artifactUri());
    return root != null ? root : info.experimentId() + "/" + info.runId() + "/artifacts";
  }

  /** The proxy path an artifact URI names ({@code mlflow-artifacts:/x} or a proxy URL), or null for any other URI. */
  static String proxyRoot(String uri) {
    if (uri != null) {
      if (uri.startsWith("mlflow-artifacts:")) {
        String rest = uri.substring("mlflow-artifacts:".length());
        if (rest.startsWith("//")) {
          int slash = rest.indexOf('/', 2);
          rest = slash < 0 ? "" : rest.substring(slash);
        }
        return normalise(rest);
      }
      int proxy = uri.indexOf(ARTIFACTS_API + "/");
      if (proxy >= 0) {
        return normalise(uri.substring(proxy + ARTIFACTS_API.length() + 1));
      }
    }
    return null;
  }

  private URI proxyUri(String path) {
    StringBuilder encoded = new StringBuilder();
    for (String segment : path.split("/")) {
      if (segment.isEmpty()) {
        continue;
      }
      if (segment.equals("..") || segment.equals(".")) {
        throw CairnException.invalid("artifact path '" + path + "' has a '" + segment + "' segment; paths stay inside the run");
      }
      encoded.append('/').append(Http.encode(segment));
    }
    return URI.create(http.baseUrl() + ARTIFACTS_API + encoded);
  }

  static String normalise(String path) {
    if (path == null) {
      return "";
    }
    String p = path.replace('\\', '/');
    while (p.startsWith("/")) {
      p = p.substring(1);
    }
    while (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    return p;
  }

  static String join(String a, String b) {
    if (a == null || a.isEmpty()) {
      return b == null ? "" : b;
    }
    if (b == null || b.isEmpty()) {
      return a;
    }
    return a + "/" + b;
  }

  /** Counts bytes through a stream and reports them, for progress bars. */
  private static final class CountingInputStream extends java.io.FilterInputStream {
    private final long total;
    private final CairnClient.Progress progress;
    private long done;

    CountingInputStream(InputStream in, long total, CairnClient.Progress progress) {
      super(in);
      this.total = total;
      this.progress = progress;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        progress.update(++done, total);
      }
      return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
      int n = super.read(buf, off, len);
      if (n > 0) {
        done += n;
        progress.update(done, total);
      }
      return n;
    }
  }
}
