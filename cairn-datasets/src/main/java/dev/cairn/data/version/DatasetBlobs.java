package dev.cairn.data.version;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Hashing;
import dev.cairn.store.ArtifactStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Dataset blobs received from and sent to remote clients (the REST write API): a blob is accepted only under
 * its own SHA-256, checked on receipt before anything is stored at its content address, and within a size
 * limit. Uploading a blob that is already stored changes nothing.
 */
public final class DatasetBlobs {
  /** The largest blob one upload may carry unless configured otherwise: 8 GiB. */
  public static final long DEFAULT_MAX_BLOB_BYTES = 8L << 30;
  static final int BUFFER_SIZE = 1 << 16;

  private final ArtifactStore artifacts;
  private final long maxBlobBytes;

  /** @param maxBlobBytes the largest blob one upload may carry; larger ones fail with REQUEST_TOO_LARGE */
  public DatasetBlobs(ArtifactStore artifacts, long maxBlobBytes) {
    if (maxBlobBytes < 1) {
      throw CairnException.invalid("the dataset blob size limit is " + maxBlobBytes + "; it must be at least 1 byte");
    }
    this.artifacts = artifacts;
    this.maxBlobBytes = maxBlobBytes;
  }

  public long maxBlobBytes() {
    return maxBlobBytes;
  }

  /** The outcome of {@link #receive}: whether this call stored the blob (false: it was already there). */
  public record Received(String sha256, long size, boolean isNew) {}

  /**
   * Stores {@code body} as the blob named {@code sha256}. The body is spooled to a temporary file while it is
   * hashed and counted; only when its hash is {@code sha256} is it stored, so a wrong or cut-off body never
   * appears under a content address.
   *
   * @param declaredLength the request's Content-Length, or -1 when unknown (checked against the limit first)
   * @throws CairnException INVALID_PARAMETER_VALUE for a malformed hash or a body with another hash;
   *     REQUEST_TOO_LARGE past the limit
   */
  public Received receive(String sha256, InputStream body, long declaredLength) {
    requireHash(sha256);
    if (declaredLength > maxBlobBytes) {
      throw tooLarge(declaredLength, true);
    }
    String path = DatasetVersioning.blobPath(sha256);
    ArtifactStore.StoredBlob existing = artifacts.stat(path);
    if (existing != null && declaredLength >= 0 && existing.size() == declaredLength
        && (existing.sha256() == null || existing.sha256().equals(sha256))) {
      drain(body);
      return new Received(sha256, existing.size(), false);
    }
    Path spool = null;
    try {
      spool = Files.createTempFile("cairn-blob-", ".part");
      MessageDigest md = Hashing.sha256();
      long size = 0;
      byte[] buffer = new byte[BUFFER_SIZE];
      try (OutputStream out = Files.newOutputStream(spool)) {
        for (int n; (n = body.read(buffer)) > 0; ) {
          size += n;
          if (size > maxBlobBytes) {
            throw tooLarge(size, false);
          }
          md.update(buffer, 0, n);
          out.write(buffer, 0, n);
        }
      }
      if (declaredLength >= 0 && size != declaredLength) {
        throw CairnException.invalid("blob " + sha256 + ": the body ended after " + size + " of "
            + declaredLength + " bytes; nothing was stored");
      }
      String actual = Hashing.hex(md.digest());
      if (!actual.equals(sha256)) {
        throw CairnException.invalid("blob body has sha256 " + actual + ", not the " + sha256
            + " its URL names; nothing was stored");
      }
      existing = artifacts.stat(path);
      if (existing != null && existing.size() == size) {
        return new Received(sha256, size, false);
      }
      ArtifactStore.StoredBlob stored;
      try (InputStream in = Files.newInputStream(spool)) {
        stored = artifacts.put(path, in);
      }
      if (stored.size() != size || (stored.sha256() != null && !stored.sha256().equals(sha256))) {
        artifacts.delete(path);
        throw new CairnException(ErrorCode.INTERNAL_ERROR, "blob " + sha256 + " was stored as " + stored.size()
            + " bytes with sha256 " + stored.sha256() + "; removed it");
      }
      return new Received(sha256, size, true);
    } catch (IOException e) {
      throw new CairnException(ErrorCode.INVALID_STATE, "receiving blob " + sha256 + " failed: " + e.getMessage(), e);
    } finally {
      if (spool != null) {
        try {
          Files.deleteIfExists(spool);
        } catch (IOException ignored) {
          // a temporary file left behind is harmless
        }
      }
    }
  }

  /** Of {@code sha256s}, those with no stored blob, in the order given (duplicates once). */
  public List<String> missing(Collection<String> sha256s) {
    List<String> out = new ArrayList<>();
    for (String sha : new LinkedHashSet<>(sha256s)) {
      requireHash(sha);
      if (artifacts.stat(DatasetVersioning.blobPath(sha)) == null) {
        out.add(sha);
      }
    }
    return out;
  }

  /** The stored blob named {@code sha256} (its size) or RESOURCE_DOES_NOT_EXIST. */
  public ArtifactStore.StoredBlob stat(String sha256) {
    requireHash(sha256);
    ArtifactStore.StoredBlob blob = artifacts.stat(DatasetVersioning.blobPath(sha256));
    if (blob == null) {
      throw CairnException.notFound("no dataset blob has sha256 " + sha256);
    }
    return blob;
  }

  /** Opens the blob named {@code sha256}; the caller closes the stream. */
  public InputStream open(String sha256) {
    stat(sha256);
    return artifacts.open(DatasetVersioning.blobPath(sha256));
  }

  static void requireHash(String sha256) {
    if (!Hashing.isSha256Hex(sha256)) {
      throw CairnException.invalid("blob sha256 '" + abbreviate(sha256) + "' is not 64 lowercase hex digits");
    }
  }

  private static String abbreviate(String s) {
    if (s == null) {
      return "";
    }
    return s.length() > 80 ? s.substring(0, 80) + "..." : s;
  }

  /** @param declared true when {@code size} is the declared length, false when the body ran past the limit */
  private CairnException tooLarge(long size, boolean declared) {
    return new CairnException(ErrorCode.REQUEST_TOO_LARGE, "blob body has " + (declared ? size : "more than "
        + maxBlobBytes) + " bytes; the limit for one dataset blob is " + maxBlobBytes + " bytes");
  }

  private static void drain(InputStream body) {
    try {
      body.transferTo(OutputStream.nullOutputStream());
    } catch (IOException ignored) {
      // the client may stop sending once it has the answer
    }
  }
}
