package dev.cairn.store.artifacts;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Hashing;
import dev.cairn.core.Health;
import dev.cairn.store.ArtifactPaths;
import dev.cairn.store.ArtifactStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Artifacts as files under one local directory. Every write goes to {@code <root>/.tmp/<uuid>}, is hashed
 * and fsynced, then renamed into place, so readers never see a partial blob; every path is resolved and
 * its real location checked to stay under the root, so symbolic links cannot lead out of it.
 */
public final class FileArtifactStore implements ArtifactStore {
  /** Top-level names the store keeps for itself; artifact paths may not start with them. */
  static final String TMP_DIR = ".tmp";
  static final String UPLOADS_DIR = ".uploads";
  private static final Set<String> RESERVED = Set.of(TMP_DIR, UPLOADS_DIR);
  private static final String UPLOAD_PATH_FILE = "path";
  private static final String HASH_ATTRIBUTE = "cairn.sha256";
  private static final int BUFFER_SIZE = 1 << 16;
  private static final int MOVE_ATTEMPTS = 3;

  private final Path root;

  /** Opens (creating if needed) the store rooted at {@code directory}. */
  public FileArtifactStore(Path directory) {
    try {
      Files.createDirectories(directory);
      this.root = directory.toRealPath();
      Files.createDirectories(root.resolve(TMP_DIR));
      Files.createDirectories(root.resolve(UPLOADS_DIR));
      removeStaleTempFiles(root.resolve(TMP_DIR));
    } catch (IOException e) {
      throw new CairnException(ErrorCode.INVALID_PARAMETER_VALUE,
          "artifact root '" + directory + "' cannot be used as a directory: " + e, e);
    }
  }

  /** Temp files older than a day belong to writers that died (a live put renames its file in seconds). */
  private static void removeStaleTempFiles(Path tmpDir) throws IOException {
    java.nio.file.attribute.FileTime cutoff = java.nio.file.attribute.FileTime.from(
        java.time.Instant.now().minus(java.time.Duration.ofDays(1)));
    try (DirectoryStream<Path> temps = Files.newDirectoryStream(tmpDir)) {
      for (Path temp : temps) {
        try {
          if (Files.getLastModifiedTime(temp, LinkOption.NOFOLLOW_LINKS).compareTo(cutoff) < 0) {
            Files.deleteIfExists(temp);
          }
        } catch (IOException e) {
          // removed meanwhile, or not ours to remove: leave it
        }
      }
    }
  }

  /** The real, absolute root directory. */
  public Path root() {
    return root;
  }

  @Override
  public String rootUri() {
    return root.toUri().toString();
  }

  @Override
  public Health check() {
    if (Files.isDirectory(root) && Files.isWritable(root.resolve(TMP_DIR))) {
      return Health.up("artifact-store");
    }
    return Health.down("artifact-store", "artifact root " + root + " is missing or not writable");
  }

  @Override
  public void close() {}

  // ---- blobs

  @Override
  public StoredBlob put(String path, InputStream content) {
    String normalized = requireBlobPath(path);
    Path target = resolve(normalized);
    Path tmp = newTempPath();
    try {
      Written written = copyToNewFile(content, tmp, normalized);
      rememberHash(tmp, written.sha256());
      moveIntoPlace(tmp, target, normalized);
      return new StoredBlob(normalized, written.size(), written.sha256());
    } finally {
      deleteQuietly(tmp);
    }
  }

  @Override
  public InputStream open(String path) {
    String normalized = ArtifactPaths.normalize(path);
    Path target = resolve(normalized);
    if (!Files.isRegularFile(target)) {
      throw ArtifactStore.missing(normalized);
    }
    try {
      return Files.newInputStream(target);
    } catch (NoSuchFileException e) {
      throw ArtifactStore.missing(normalized);
    } catch (IOException e) {
      throw storageFailure("opening '" + normalized + "'", e);
    }
  }

  @Override
  public StoredBlob stat(String path) {
    String normalized = ArtifactPaths.normalize(path);
    Path target = resolve(normalized);
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(target, BasicFileAttributes.class);
    } catch (IOException e) {
      return null;
    }
    if (!attributes.isRegularFile()) {
      return null;
    }
    return new StoredBlob(normalized, attributes.size(), hashOf(target, attributes));
  }

  @Override
  public List<ArtifactEntry> list(String directory) {
    String normalized = ArtifactPaths.normalize(directory);
    Path dir = resolve(normalized);
    List<ArtifactEntry> entries = new ArrayList<>();
    try (DirectoryStream<Path> children = Files.newDirectoryStream(dir)) {
      for (Path child : children) {
        String name = child.getFileName().toString();
        if (normalized.isEmpty() && RESERVED.contains(name)) {
          continue;
        }
        BasicFileAttributes attributes;
        try {
          attributes = Files.readAttributes(child, BasicFileAttributes.class);
        } catch (IOException e) {
          continue; // a dangling link or an entry removed since the directory was read
        }
        String childPath = normalized.isEmpty() ? name : normalized + "/" + name;
        if (attributes.isDirectory()) {
          entries.add(new ArtifactEntry(childPath, true, -1));
        } else if (attributes.isRegularFile()) {
          entries.add(new ArtifactEntry(childPath, false, attributes.size()));
        }
      }
    } catch (NoSuchFileException | NotDirectoryException e) {
      return List.of();
    } catch (IOException e) {
      throw storageFailure("listing '" + normalized + "'", e);
    }
    entries.sort(Comparator.comparing(ArtifactEntry::path));
    return List.copyOf(entries);
  }

  @Override
  public void delete(String path) {
    String normalized = ArtifactPaths.normalize(path);
    if (normalized.isEmpty()) {
      throw CairnException.invalid("artifact path is empty; deleting the whole store is not allowed");
    }
    Path target = resolve(normalized);
    if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      throw ArtifactStore.missing(normalized);
    }
    try {
      if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
        deleteTree(target);
      } else {
        Files.delete(target);
      }
    } catch (NoSuchFileException e) {
      throw ArtifactStore.missing(normalized);
    } catch (IOException e) {
      throw storageFailure("deleting '" + normalized + "'", e);
    }
    pruneEmptyParents(target.getParent());
  }

  // ---- multipart upload

  @Override
  public String createMultipartUpload(String path) {
    String normalized = requireBlobPath(path);
    resolve(normalized);
    String uploadId = UploadIds.newHexId();
    Path dir = uploadDir(uploadId);
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve(UPLOAD_PATH_FILE), normalized, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw storageFailure("starting a multipart upload to '" + normalized + "'", e);
    }
    return uploadId;
  }

  @Override
  public String uploadPart(String path, String uploadId, int partNumber, InputStream content) {
    Path dir = requireUpload(path, uploadId);
    UploadIds.requirePartNumber(partNumber);
    Path tmp = newTempPath();
    try {
      Written written = copyToNewFile(content, tmp, ArtifactPaths.normalize(path) + " part " + partNumber);
      Files.move(tmp, dir.resolve(Integer.toString(partNumber)),
          StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return written.sha256();
    } catch (NoSuchFileException e) {
      throw CairnException.notFound("multipart upload '" + uploadId + "' was completed or aborted meanwhile");
    } catch (IOException e) {
      throw storageFailure("storing part " + partNumber + " of upload '" + uploadId + "'", e);
    } finally {
      deleteQuietly(tmp);
    }
  }

  @Override
  public StoredBlob completeMultipartUpload(String path, String uploadId, List<CompletedPart> parts) {
    Path dir = requireUpload(path, uploadId);
    String normalized = ArtifactPaths.normalize(path);
    UploadIds.requireAscending(parts);
    Path target = resolve(normalized);
    Path tmp = newTempPath();
    try {
      MessageDigest whole = Hashing.sha256();
      long size = 0;
      try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.allocate(BUFFER_SIZE);
        for (CompletedPart part : parts) {
          MessageDigest ofPart = Hashing.sha256();
          Path partFile = dir.resolve(Integer.toString(part.partNumber()));
          try (FileChannel in = FileChannel.open(partFile, StandardOpenOption.READ)) {
            while (in.read(buffer.clear()) != -1) {
              buffer.flip();
              whole.update(buffer.duplicate());
              ofPart.update(buffer.duplicate());
              size += buffer.remaining();
              while (buffer.hasRemaining()) {
                out.write(buffer);
              }
            }
          } catch (NoSuchFileException e) {
            throw CairnException.invalid(
                "part " + part.partNumber() + " of upload '" + uploadId + "' was never uploaded");
          }
          String etag = Hashing.hex(ofPart.digest());
          if (part.etag() == null || !etag.equals(unquote(part.etag()))) {
            throw CairnException.invalid("part " + part.partNumber() + " of upload '" + uploadId
                + "' has ETag '" + etag + "', not '" + part.etag() + "'");
          }
        }
        out.force(true);
      }
      String sha256 = Hashing.hex(whole.digest());
      rememberHash(tmp, sha256);
      moveIntoPlace(tmp, target, normalized);
      deleteTree(dir);
      return new StoredBlob(normalized, size, sha256);
    } catch (IOException e) {
      throw storageFailure("completing upload '" + uploadId + "' to '" + normalized + "'", e);
    } finally {
      deleteQuietly(tmp);
    }
  }

  @Override
  public void abortMultipartUpload(String path, String uploadId) {
    Path dir = requireUpload(path, uploadId);
    try {
      deleteTree(dir);
    } catch (NoSuchFileException e) {
      throw CairnException.notFound("no multipart upload '" + uploadId + "'");
    } catch (IOException e) {
      throw storageFailure("aborting upload '" + uploadId + "'", e);
    }
  }

  // ---- path resolution

  /** Resolves a normalised path and proves that its real location, through any links, is under the root. */
  private Path resolve(String normalized) {
    int slash = normalized.indexOf('/');
    String first = slash < 0 ? normalized : normalized.substring(0, slash);
    if (RESERVED.contains(first)) {
      throw CairnException.invalid(
          "artifact path '" + normalized + "' starts with '" + first + "', a name the store keeps for itself");
    }
    Path target = normalized.isEmpty() ? root : root.resolve(normalized);
    requireInsideRoot(target, normalized);
    return target;
  }

  private void requireInsideRoot(Path target, String normalized) {
    Path existing = target;
    while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
      existing = existing.getParent();
    }
    if (existing == null) {
      throw CairnException.invalid("artifact root " + root + " no longer exists");
    }
    Path real;
    try {
      real = existing.toRealPath();
    } catch (IOException e) {
      throw CairnException.invalid(
          "artifact path '" + normalized + "' passes through a broken symbolic link at '" + root.relativize(existing) + "'");
    }
    if (!real.startsWith(root)) {
      throw CairnException.invalid(
          "artifact path '" + normalized + "' leads outside the artifact root through a symbolic link");
    }
  }

  private static String requireBlobPath(String path) {
    String normalized = ArtifactPaths.normalize(path);
    if (normalized.isEmpty()) {
      throw CairnException.invalid("artifact path is empty; a blob needs a file name");
    }
    return normalized;
  }

  private Path uploadDir(String uploadId) {
    return root.resolve(UPLOADS_DIR).resolve(UploadIds.requireHexId(uploadId));
  }

  /** Returns the upload's directory after checking the id and that it was created for this path. */
  private Path requireUpload(String path, String uploadId) {
    String normalized = requireBlobPath(path);
    Path dir = uploadDir(uploadId);
    String uploadPath;
    try {
      uploadPath = Files.readString(dir.resolve(UPLOAD_PATH_FILE), StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw CairnException.notFound("no multipart upload '" + uploadId + "'");
    } catch (IOException e) {
      throw storageFailure("reading multipart upload '" + uploadId + "'", e);
    }
    if (!uploadPath.equals(normalized)) {
      throw CairnException.invalid(
          "multipart upload '" + uploadId + "' is for '" + uploadPath + "', not '" + normalized + "'");
    }
    return dir;
  }

  // ---- writing

  private record Written(long size, String sha256) {}

  private Path newTempPath() {
    return root.resolve(TMP_DIR).resolve(UUID.randomUUID().toString());
  }

  /** Streams {@code content} into a new file, hashing as it goes, and fsyncs it. Does not close content. */
  private static Written copyToNewFile(InputStream content, Path file, String what) {
    MessageDigest digest = Hashing.sha256();
    long size = 0;
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        OutputStream out = Channels.newOutputStream(channel)) {
      byte[] buffer = new byte[BUFFER_SIZE];
      while (true) {
        int n;
        try {
          n = content.read(buffer);
        } catch (IOException e) {
          throw new CairnException(ErrorCode.BAD_REQUEST,
              "reading the content for '" + what + "' failed after " + size + " bytes: " + e.getMessage(), e);
        }
        if (n < 0) {
          break;
        }
        digest.update(buffer, 0, n);
        out.write(buffer, 0, n);
        size += n;
      }
      out.flush();
      channel.force(true);
    } catch (IOException e) {
      throw storageFailure("writing '" + what + "'", e);
    }
    return new Written(size, Hashing.hex(digest.digest()));
  }

  /** Renames a finished temp file onto its target; retries if a concurrent delete pruned the parent. */
  private void moveIntoPlace(Path tmp, Path target, String normalized) {
    if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
      throw CairnException.invalid("artifact path '" + normalized + "' is a directory; a blob cannot replace it");
    }
    for (int attempt = 1; ; attempt++) {
      try {
        Files.createDirectories(target.getParent());
        requireInsideRoot(target, normalized);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        fsyncDirectory(target.getParent());
        return;
      } catch (FileAlreadyExistsException e) {
        throw CairnException.invalid(
            "artifact path '" + normalized + "' has a blob where a directory is needed: " + e.getFile());
      } catch (NoSuchFileException e) {
        if (attempt >= MOVE_ATTEMPTS) {
          throw storageFailure("moving '" + normalized + "' into place", e);
        }
      } catch (IOException e) {
        if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
          throw CairnException.invalid("artifact path '" + normalized + "' is a directory; a blob cannot replace it");
        }
        throw storageFailure("moving '" + normalized + "' into place", e);
      }
    }
  }

  private static void fsyncDirectory(Path dir) {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // Not every platform can open a directory; the rename itself is still atomic.
    }
  }

  // ---- the hash cache: "<sha256> <size> <mtime millis>" in a user extended attribute, when supported

  private static void rememberHash(Path file, String sha256) {
    try {
      BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
      writeHashAttribute(file, sha256 + " " + attributes.size() + " " + attributes.lastModifiedTime().toMillis());
    } catch (IOException e) {
      // the cache is optional: stat() will hash the file instead
    }
  }

  private static String hashOf(Path file, BasicFileAttributes attributes) {
    String expected = " " + attributes.size() + " " + attributes.lastModifiedTime().toMillis();
    String cached = readHashAttribute(file);
    if (cached != null && cached.length() == 64 + expected.length() && cached.endsWith(expected)
        && Hashing.isSha256Hex(cached.substring(0, 64))) {
      return cached.substring(0, 64);
    }
    try (InputStream in = Files.newInputStream(file)) {
      String sha256 = Hashing.sha256Hex(in);
      writeHashAttribute(file, sha256 + expected);
      return sha256;
    } catch (IOException e) {
      throw storageFailure("hashing '" + file + "'", e);
    }
  }

  private static String readHashAttribute(Path file) {
    UserDefinedFileAttributeView view = Files.getFileAttributeView(file, UserDefinedFileAttributeView.class);
    if (view == null) {
      return null;
    }
    try {
      ByteBuffer buffer = ByteBuffer.allocate(view.size(HASH_ATTRIBUTE));
      view.read(HASH_ATTRIBUTE, buffer);
      return new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII);
    } catch (IOException | UnsupportedOperationException e) {
      return null;
    }
  }

  private static void writeHashAttribute(Path file, String value) {
    UserDefinedFileAttributeView view = Files.getFileAttributeView(file, UserDefinedFileAttributeView.class);
    if (view == null) {
      return;
    }
    try {
      view.write(HASH_ATTRIBUTE, StandardCharsets.US_ASCII.encode(value));
    } catch (IOException | UnsupportedOperationException e) {
      // the file system has no user attributes; fall back to hashing on stat
    }
  }

  // ---- deleting

  private static void deleteTree(Path dir) throws IOException {
    Files.walkFileTree(dir, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.deleteIfExists(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
        if (e != null) {
          throw e;
        }
        Files.deleteIfExists(d);
        return FileVisitResult.CONTINUE;
      }
    });
  }

  /** Removes directories left empty by a delete, up to (not including) the root. */
  private void pruneEmptyParents(Path dir) {
    for (Path d = dir; d != null && !d.equals(root) && d.startsWith(root); d = d.getParent()) {
      try {
        Files.delete(d);
      } catch (IOException e) {
        return; // not empty (or already gone): stop
      }
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // a leftover temp file is harmless: it is never listed
    }
  }

  private static String unquote(String etag) {
    return etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"")
        ? etag.substring(1, etag.length() - 1) : etag;
  }

  private static CairnException storageFailure(String what, IOException e) {
    return new CairnException(ErrorCode.INTERNAL_ERROR, what + " in the artifact store failed: " + e, e);
  }
}
