package dev.cairn.store;

import dev.cairn.core.CairnException;
import dev.cairn.core.Component;
import java.io.InputStream;
import java.util.List;

/**
 * Immutable blobs under relative paths ({@code "<experiment>/<run>/artifacts/model/file.bin"}).
 *
 * <p>Contract, shared by every backend ({@code ArtifactStoreContract} checks it):
 * <ul>
 *   <li>Paths are relative, '/'-separated, and checked by {@link ArtifactPaths#normalize}: '..', absolute
 *       paths, backslashes, NUL and percent-encoded variants raise {@code INVALID_PARAMETER_VALUE}, from every
 *       method. Redundant slashes are dropped, so {@code "a//b/"} names {@code "a/b"}. The file backend also
 *       refuses paths whose real location (through symbolic links) leaves its root, and the top-level names
 *       {@code .tmp} and {@code .uploads} it keeps for itself.
 *   <li>{@link #put} streams (it never holds the whole blob in memory), lands atomically (a reader sees the
 *       old content or the new, never a part) and returns the SHA-256 and size it wrote. If the input stream
 *       fails, put raises {@code BAD_REQUEST}, the old content stays and no partial blob is ever visible.
 *   <li>A missing path on {@link #open} or {@link #delete} raises {@code RESOURCE_DOES_NOT_EXIST};
 *       {@link #stat} returns null for it and for directories. Deleting the root ({@code ""}) is refused.
 *   <li>{@link #list} is one level deep, sorted by path; entry paths are full paths from the store root; a
 *       missing directory (or a blob's path) lists as empty. Directories exist only while they hold a blob.
 *   <li>Multipart: part numbers are 1..10000; {@link #completeMultipartUpload} takes the parts in strictly
 *       ascending part-number order with the ETags {@link #uploadPart} returned (else
 *       {@code INVALID_PARAMETER_VALUE}); the blob is invisible until completion. An unknown or aborted upload
 *       id raises {@code RESOURCE_DOES_NOT_EXIST}. S3 also requires every part but the last to be at least
 *       5 MiB.
 *   <li>Storage failures raise {@code INTERNAL_ERROR} (or {@code TEMPORARILY_UNAVAILABLE} when a remote
 *       store cannot be reached, {@code PERMISSION_DENIED} when it refuses the credentials).
 * </ul>
 * Backends are picked by URI scheme with {@link ArtifactStores#open}: {@code file:} and {@code s3:}.
 */
public interface ArtifactStore extends Component, AutoCloseable {

  /** The root URI of this store, e.g. {@code file:/srv/cairn/artifacts} or {@code s3://bucket/prefix}. */
  String rootUri();

  /** Writes the stream to {@code path}, replacing any content there; the stream is read to its end, not closed. */
  StoredBlob put(String path, InputStream content);

  /** Opens the blob for reading; the caller closes the stream. */
  InputStream open(String path);

  /** Size and hash of a blob, or null if none is at that path. */
  StoredBlob stat(String path);

  /** Direct children of a directory path ("" is the root). */
  List<ArtifactEntry> list(String directory);

  /** Deletes one blob, or every blob under a directory path. */
  void delete(String path);

  // ---- multipart upload, for files too big for one request

  /** Starts a multipart upload to {@code path} and returns its id (opaque; bound to that path). */
  String createMultipartUpload(String path);

  /** Stores part {@code partNumber} (1..10000) and returns its ETag. */
  String uploadPart(String path, String uploadId, int partNumber, InputStream content);

  /** Joins the parts in the order given and makes the blob visible atomically. */
  StoredBlob completeMultipartUpload(String path, String uploadId, List<CompletedPart> parts);

  /** Discards the upload and its parts; nothing becomes visible at {@code path}. */
  void abortMultipartUpload(String path, String uploadId);

  @Override
  void close();

  /** A blob as written: its path, size in bytes and SHA-256 in hex (null when the backend cannot tell). */
  record StoredBlob(String path, long size, String sha256) {}

  /** One entry of a listing; {@code size} is -1 for directories. */
  record ArtifactEntry(String path, boolean isDir, long size) {}

  /** A part of a multipart upload as the client reports it. */
  record CompletedPart(int partNumber, String etag) {}

  /** Raised by backends; kept here so callers see the one error type. */
  static CairnException missing(String path) {
    return CairnException.notFound("no artifact at '" + path + "'");
  }
}
