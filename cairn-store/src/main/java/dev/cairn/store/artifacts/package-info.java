/**
 * The artifact store backends: {@link dev.cairn.store.artifacts.FileArtifactStore} (a local directory) and
 * {@link dev.cairn.store.artifacts.S3ArtifactStore} (any S3-compatible bucket), opened by URI scheme through
 * {@link dev.cairn.store.ArtifactStores}.
 *
 * <p>Decisions the code cannot show:
 * <ul>
 *   <li>File writes land in {@code <root>/.tmp} and are renamed into place, so temp files and targets share
 *       one file system and {@code ATOMIC_MOVE} is a plain rename(2). Paths are checked twice: textually by
 *       {@link dev.cairn.store.ArtifactPaths#normalize}, then by the real path of the deepest existing
 *       ancestor (symbolic links that leave the root are refused). A link swapped in between the check and
 *       the write is not defended against; the root is assumed not to be writable by attackers.
 *   <li>The file store keeps each blob's SHA-256 in the user extended attribute {@code cairn.sha256} with
 *       the size and mtime it was taken at, so {@code stat} does not re-read large files; when the attribute
 *       is missing or stale (or the file system has none) it hashes the file.
 *   <li>S3 puts stream 8 MiB chunks: one PutObject if the stream ends within the first chunk, otherwise a
 *       native multipart upload (aborted on any failure). The SHA-256 is only known at the end, so for
 *       multipart objects it is attached afterwards by a same-key CopyObject with replaced metadata; the
 *       content is already whole and visible, only {@code x-amz-meta-sha256} arrives a moment later (and not
 *       at all above 5 GiB, the CopyObject limit: stat then reports a null hash).
 *   <li>Client-driven S3 multipart uploads hash the joined object by reading it back once on completion,
 *       since the parts may have arrived through other servers.
 * </ul>
 */
package dev.cairn.store.artifacts;
