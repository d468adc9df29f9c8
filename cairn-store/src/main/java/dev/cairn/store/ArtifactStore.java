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
 *       paths, backslashes, NUL and percent-encoded variants raise {@code INVALID_PARAMETER_VALUE}.
 *   <li>{@link #put} streams (it never holds the whole blob in memory), lands atomically (a reader sees the
 *       old content or the new, never a part) and returns the SHA-256 and size it wrote.
 *   <li>A missing path on {@link #open} or {@link #delete} raises {@code RESOURCE_DOES_NOT_EXIST}.
 *   <li>{@link #list} is one level deep, sorted by path; a missing directory lists as empty.
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

  /** Starts a multipart upload to {@code path} and returns its id. */
  String createMultipartUpload(String path);

  /** Stores part {@code partNumber} (1..10000) and returns its ETag. */
  String uploadPart(String path, String uploadId, int partNumber, InputStream content);

  /** Joins the parts in the order given and makes the blob visible atomically. */
  StoredBlob completeMultipartUpload(String path, String uploadId, List<CompletedPart> parts);

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
