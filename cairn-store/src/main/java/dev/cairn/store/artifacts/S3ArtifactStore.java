package dev.cairn.store.artifacts;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Hashing;
import dev.cairn.core.Health;
import dev.cairn.store.ArtifactPaths;
import dev.cairn.store.ArtifactStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.MetadataDirective;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Artifacts as objects in an S3-compatible bucket under a key prefix. Puts stream in 8 MiB chunks (one
 * PutObject when the stream ends inside the first chunk, a native multipart upload otherwise), so no blob is
 * ever held whole in memory; the chunk buffers come from a small bounded pool per store, and puts under 64 KiB
 * use none; the SHA-256 computed while streaming is kept as object metadata
 * {@code x-amz-meta-sha256}.
 */
public final class S3ArtifactStore implements ArtifactStore {
  /** Object metadata key (sent as {@code x-amz-meta-sha256}) holding the hex SHA-256 of the content. */
  public static final String SHA256_METADATA = "sha256";
  static final int CHUNK_SIZE = 8 << 20;
  /** Puts that end within this many bytes go up as one PutObject from a buffer of their own size class. */
  static final int SMALL_PUT_SIZE = 64 << 10;
  /** Part buffers per store: at most this many puts larger than {@link #SMALL_PUT_SIZE} stream at once. */
  static final int MAX_CONCURRENT_LARGE_PUTS = 8;
  /** The largest object a single CopyObject can copy; bigger multipart objects keep no SHA-256 metadata. */
  private static final long MAX_COPY_SIZE = 5L << 30;
  private static final int DELETE_BATCH = 1000;
  private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

  private final S3Client client;
  private final String bucket;
  /** "" or a normalised prefix followed by '/'. */
  private final String keyPrefix;
  private final boolean ownsClient;
  private final ChunkBuffers buffers;

  /**
   * Wraps an existing client; the caller keeps ownership of it.
   *
   * @param prefix key prefix under which all artifacts live ("" for the bucket root)
   */
  public S3ArtifactStore(S3Client client, String bucket, String prefix) {
    this(client, bucket, prefix, false, MAX_CONCURRENT_LARGE_PUTS);
  }

  S3ArtifactStore(S3Client client, String bucket, String prefix, boolean ownsClient, int largePuts) {
    String normalizedPrefix = ArtifactPaths.normalize(prefix);
    this.client = client;
    this.bucket = requireBucketName(bucket);
    this.keyPrefix = normalizedPrefix.isEmpty() ? "" : normalizedPrefix + "/";
    this.ownsClient = ownsClient;
    this.buffers = new ChunkBuffers(CHUNK_SIZE, largePuts, TimeUnit.MINUTES.toMillis(2));
  }

  /** Part buffers ever made by this store's puts (at most {@link #MAX_CONCURRENT_LARGE_PUTS}). */
  int partBuffersCreated() {
    return buffers.created();
  }

  private static String requireBucketName(String bucket) {
    if (bucket == null || !BUCKET.matcher(bucket).matches()) {
      throw CairnException.invalid("S3 bucket name '" + bucket
          + "' is invalid; use 3 to 63 lowercase letters, digits, '.' and '-'");
    }
    return bucket;
  }

  /**
   * Opens {@code s3://bucket/prefix}. Options (all optional): {@code endpoint} (else env
   * {@code MLFLOW_S3_ENDPOINT_URL}, then {@code AWS_ENDPOINT_URL}; path-style addressing when set),
   * {@code region} (else env {@code AWS_REGION}, then us-east-1), {@code accessKeyId} and
   * {@code secretAccessKey} (else the SDK's default credentials chain).
   */
  public static S3ArtifactStore open(String uri, Map<String, String> options, Map<String, String> env) {
    if (!uri.startsWith("s3://")) {
      throw CairnException.invalid("S3 artifacts URI '" + uri + "' must start with s3://");
    }
    String rest = uri.substring("s3://".length());
    int slash = rest.indexOf('/');
    String bucket = slash < 0 ? rest : rest.substring(0, slash);
    String prefix = slash < 0 ? "" : rest.substring(slash + 1);
    requireBucketName(bucket);
    ArtifactPaths.normalize(prefix); // fail before a client is built

    String endpoint = firstNonBlank(options.get("endpoint"), env.get("MLFLOW_S3_ENDPOINT_URL"), env.get("AWS_ENDPOINT_URL"));
    String region = firstNonBlank(options.get("region"), env.get("AWS_REGION"), "us-east-1");
    S3ClientBuilder builder = S3Client.builder()
        .httpClient(UrlConnectionHttpClient.builder().build())
        .region(Region.of(region))
        .credentialsProvider(credentials(options));
    if (endpoint != null) {
      URI endpointUri;
      try {
        endpointUri = URI.create(endpoint);
      } catch (IllegalArgumentException e) {
        throw CairnException.invalid("S3 endpoint '" + endpoint + "' is not a URI: " + e.getMessage());
      }
      if (endpointUri.getScheme() == null || endpointUri.getHost() == null) {
        throw CairnException.invalid("S3 endpoint '" + endpoint + "' needs a scheme and host, e.g. http://127.0.0.1:9000");
      }
      builder.endpointOverride(endpointUri).forcePathStyle(true);
    }
    return new S3ArtifactStore(builder.build(), bucket, prefix, true, MAX_CONCURRENT_LARGE_PUTS);
  }

  private static AwsCredentialsProvider credentials(Map<String, String> options) {
    String accessKey = options.get("accessKeyId");
    String secretKey = options.get("secretAccessKey");
    if (accessKey != null && secretKey != null) {
      return StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey));
    }
    return DefaultCredentialsProvider.builder().build();
  }

  @Override
  public String rootUri() {
    return "s3://" + bucket + (keyPrefix.isEmpty() ? "" : "/" + keyPrefix.substring(0, keyPrefix.length() - 1));
  }

  @Override
  public Health check() {
    try {
      client.headBucket(b -> b.bucket(bucket));
      return Health.up("artifact-store");
    } catch (SdkException e) {
      return Health.down("artifact-store", "HeadBucket on '" + bucket + "' failed: " + e.getMessage());
    }
  }

  @Override
  public void close() {
    if (ownsClient) {
      client.close();
    }
  }

  // ---- blobs

  @Override
  public StoredBlob put(String path, InputStream content) {
    String normalized = requireBlobPath(path);
    String key = keyOf(normalized);
    MessageDigest digest = Hashing.sha256();
    // most artifacts are small: they never touch a part-sized buffer
    byte[] head = new byte[SMALL_PUT_SIZE];
    int headLength = readChunk(content, head, 0, normalized, 0);
    if (headLength < SMALL_PUT_SIZE) {
      digest.update(head, 0, headLength);
      return putSingle(normalized, key, head, headLength, Hashing.hex(digest.digest()));
    }
    byte[] chunk = buffers.take();
    try {
      System.arraycopy(head, 0, chunk, 0, headLength);
      int length = headLength + readChunk(content, chunk, headLength, normalized, headLength);
      digest.update(chunk, 0, length);
      int probe = length < CHUNK_SIZE ? -1 : readByte(content, normalized, length);
      if (probe < 0) {
        return putSingle(normalized, key, chunk, length, Hashing.hex(digest.digest()));
      }
      return putMultipart(normalized, key, content, chunk, length, probe, digest);
    } finally {
      buffers.release(chunk);
    }
  }

  /**
   * A native multipart upload through one buffer: {@code chunk} holds the full first part, {@code probe} the byte
   * after it; each part is sent before the next is read into the same buffer.
   */
  private StoredBlob putMultipart(String normalized, String key, InputStream content, byte[] chunk, int firstLength,
      int probe, MessageDigest digest) {
    String uploadId = call("starting an upload to '" + normalized + "'",
        () -> client.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId());
    try {
      List<software.amazon.awssdk.services.s3.model.CompletedPart> parts = new ArrayList<>();
      parts.add(uploadChunk(key, uploadId, 1, chunk, firstLength));
      long size = firstLength;
      for (int next = probe; next >= 0; ) {
        chunk[0] = (byte) next;
        int n = 1 + readChunk(content, chunk, 1, normalized, size + 1);
        digest.update(chunk, 0, n);
        parts.add(uploadChunk(key, uploadId, parts.size() + 1, chunk, n));
        size += n;
        next = n < CHUNK_SIZE ? -1 : readByte(content, normalized, size);
      }
      String sha256 = Hashing.hex(digest.digest());
      call("completing the upload to '" + normalized + "'", () -> client.completeMultipartUpload(b -> b
          .bucket(bucket).key(key).uploadId(uploadId)
          .multipartUpload(CompletedMultipartUpload.builder().parts(parts).build())));
      attachSha256(key, size, sha256);
      return new StoredBlob(normalized, size, sha256);
    } catch (RuntimeException e) {
      abortQuietly(key, uploadId, e);
      throw e;
    }
  }

  private StoredBlob putSingle(String normalized, String key, byte[] bytes, int length, String sha256) {
    callRetryingLostConnection("writing '" + normalized + "'", () -> client.putObject(
        b -> b.bucket(bucket).key(key).contentLength((long) length).metadata(Map.of(SHA256_METADATA, sha256)),
        RequestBody.fromContentProvider(() -> new ByteArrayInputStream(bytes, 0, length), length,
            "application/octet-stream")));
    return new StoredBlob(normalized, length, sha256);
  }

  private software.amazon.awssdk.services.s3.model.CompletedPart uploadChunk(
      String key, String uploadId, int partNumber, byte[] bytes, int length) {
    String etag = callRetryingLostConnection("uploading part " + partNumber + " of '" + key + "'", () -> client.uploadPart(
        b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(partNumber).contentLength((long) length),
        RequestBody.fromContentProvider(() -> new ByteArrayInputStream(bytes, 0, length), length,
            "application/octet-stream")).eTag());
    return software.amazon.awssdk.services.s3.model.CompletedPart.builder().partNumber(partNumber).eTag(etag).build();
  }

  /**
   * Multipart objects only learn their hash at the end, so it is attached by copying the object onto itself
   * with replaced metadata: the content is already complete and visible; only the metadata arrives later.
   */
  private void attachSha256(String key, long size, String sha256) {
    if (size > MAX_COPY_SIZE) {
      return; // stat() reports sha256 null for these, as the contract allows
    }
    call("recording the SHA-256 of '" + key + "'", () -> client.copyObject(b -> b
        .sourceBucket(bucket).sourceKey(key).destinationBucket(bucket).destinationKey(key)
        .metadataDirective(MetadataDirective.REPLACE).metadata(Map.of(SHA256_METADATA, sha256))));
  }

  @Override
  public InputStream open(String path) {
    String normalized = ArtifactPaths.normalize(path);
    if (normalized.isEmpty()) {
      throw ArtifactStore.missing(normalized);
    }
    try {
      ResponseInputStream<GetObjectResponse> in = client.getObject(b -> b.bucket(bucket).key(keyOf(normalized)));
      return in;
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        throw ArtifactStore.missing(normalized);
      }
      throw failure("reading '" + normalized + "'", e);
    } catch (SdkException e) {
      throw failure("reading '" + normalized + "'", e);
    }
  }

  @Override
  public StoredBlob stat(String path) {
    String normalized = ArtifactPaths.normalize(path);
    if (normalized.isEmpty()) {
      return null;
    }
    HeadObjectResponse head = head(keyOf(normalized));
    if (head == null) {
      return null;
    }
    String sha256 = head.metadata().get(SHA256_METADATA);
    return new StoredBlob(normalized, head.contentLength(), Hashing.isSha256Hex(sha256) ? sha256 : null);
  }

  private HeadObjectResponse head(String key) {
    try {
      return client.headObject(b -> b.bucket(bucket).key(key));
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return null;
      }
      throw failure("reading the metadata of '" + key + "'", e);
    } catch (SdkException e) {
      throw failure("reading the metadata of '" + key + "'", e);
    }
  }

  @Override
  public List<ArtifactEntry> list(String directory) {
    String normalized = ArtifactPaths.normalize(directory);
    String prefix = normalized.isEmpty() ? keyPrefix : keyOf(normalized) + "/";
    ListObjectsV2Request request = ListObjectsV2Request.builder()
        .bucket(bucket).prefix(prefix).delimiter("/").build();
    List<ArtifactEntry> entries = new ArrayList<>();
    call("listing '" + normalized + "'", () -> {
      for (ListObjectsV2Response page : client.listObjectsV2Paginator(request)) {
        for (CommonPrefix common : page.commonPrefixes()) {
          String dir = common.prefix().substring(keyPrefix.length(), common.prefix().length() - 1);
          entries.add(new ArtifactEntry(dir, true, -1));
        }
        for (S3Object object : page.contents()) {
          if (object.key().length() > prefix.length()) {
            entries.add(new ArtifactEntry(object.key().substring(keyPrefix.length()), false, object.size()));
          }
        }
      }
      return null;
    });
    entries.sort(Comparator.comparing(ArtifactEntry::path));
    return List.copyOf(entries);
  }

  @Override
  public void delete(String path) {
    String normalized = ArtifactPaths.normalize(path);
    if (normalized.isEmpty()) {
      throw CairnException.invalid("artifact path is empty; deleting the whole store is not allowed");
    }
    String key = keyOf(normalized);
    List<ObjectIdentifier> batch = new ArrayList<>();
    boolean found = false;
    if (head(key) != null) {
      batch.add(ObjectIdentifier.builder().key(key).build());
      found = true;
    }
    ListObjectsV2Request request = ListObjectsV2Request.builder().bucket(bucket).prefix(key + "/").build();
    for (ListObjectsV2Response page : call("listing '" + normalized + "'", () -> client.listObjectsV2Paginator(request))) {
      for (S3Object object : page.contents()) {
        batch.add(ObjectIdentifier.builder().key(object.key()).build());
        found = true;
        if (batch.size() == DELETE_BATCH) {
          deleteBatch(batch, normalized);
          batch.clear();
        }
      }
    }
    if (!found) {
      throw ArtifactStore.missing(normalized);
    }
    if (!batch.isEmpty()) {
      deleteBatch(batch, normalized);
    }
  }

  private void deleteBatch(List<ObjectIdentifier> keys, String normalized) {
    List<ObjectIdentifier> copy = List.copyOf(keys);
    DeleteObjectsResponse response = call("deleting '" + normalized + "'", () -> client.deleteObjects(
        b -> b.bucket(bucket).delete(Delete.builder().objects(copy).quiet(true).build())));
    if (response.hasErrors() && !response.errors().isEmpty()) {
      throw new CairnException(ErrorCode.INTERNAL_ERROR, "deleting '" + normalized + "' failed for "
          + response.errors().size() + " objects, first: " + response.errors().get(0).key() + " "
          + response.errors().get(0).code());
    }
  }

  // ---- multipart upload: S3's own

  @Override
  public String createMultipartUpload(String path) {
    String normalized = requireBlobPath(path);
    return call("starting an upload to '" + normalized + "'",
        () -> client.createMultipartUpload(b -> b.bucket(bucket).key(keyOf(normalized))).uploadId());
  }

  @Override
  public String uploadPart(String path, String uploadId, int partNumber, InputStream content) {
    String normalized = requireBlobPath(path);
    UploadIds.requireOpaqueId(uploadId);
    UploadIds.requirePartNumber(partNumber);
    // S3 needs each part's length up front; spooling to a temp file keeps big parts out of memory.
    Path spool = null;
    try {
      spool = Files.createTempFile("cairn-part-", ".bin");
      long length = 0;
      try (OutputStream out = Files.newOutputStream(spool)) {
        byte[] buffer = new byte[1 << 16];
        while (true) {
          int n;
          try {
            n = content.read(buffer);
          } catch (IOException e) {
            throw new CairnException(ErrorCode.BAD_REQUEST, "reading part " + partNumber + " for '" + normalized
                + "' failed after " + length + " bytes: " + e.getMessage(), e);
          }
          if (n < 0) {
            break;
          }
          out.write(buffer, 0, n);
          length += n;
        }
      }
      long partLength = length;
      Path file = spool;
      return call("uploading part " + partNumber + " of '" + normalized + "'", () -> client.uploadPart(
          b -> b.bucket(bucket).key(keyOf(normalized)).uploadId(uploadId).partNumber(partNumber)
              .contentLength(partLength),
          RequestBody.fromFile(file)).eTag());
    } catch (IOException e) {
      throw new CairnException(ErrorCode.INTERNAL_ERROR, "spooling part " + partNumber + " failed: " + e, e);
    } finally {
      if (spool != null) {
        try {
          Files.deleteIfExists(spool);
        } catch (IOException e) {
          // a leftover spool file in the temp directory is harmless
        }
      }
    }
  }

  @Override
  public StoredBlob completeMultipartUpload(String path, String uploadId, List<CompletedPart> parts) {
    String normalized = requireBlobPath(path);
    UploadIds.requireOpaqueId(uploadId);
    UploadIds.requireAscending(parts);
    String key = keyOf(normalized);
    List<software.amazon.awssdk.services.s3.model.CompletedPart> s3Parts = parts.stream()
        .map(p -> software.amazon.awssdk.services.s3.model.CompletedPart.builder()
            .partNumber(p.partNumber()).eTag(p.etag()).build())
        .toList();
    call("completing upload '" + uploadId + "' to '" + normalized + "'", () -> client.completeMultipartUpload(b -> b
        .bucket(bucket).key(key).uploadId(uploadId)
        .multipartUpload(CompletedMultipartUpload.builder().parts(s3Parts).build())));
    // Parts may have come from anywhere, so the hash is taken by reading the joined object back once.
    MessageDigest digest = Hashing.sha256();
    long size = 0;
    try (InputStream in = open(normalized)) {
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = in.read(buffer)) >= 0; ) {
        digest.update(buffer, 0, n);
        size += n;
      }
    } catch (IOException e) {
      throw new CairnException(ErrorCode.INTERNAL_ERROR, "hashing '" + normalized + "' failed: " + e, e);
    }
    String sha256 = Hashing.hex(digest.digest());
    attachSha256(key, size, sha256);
    return new StoredBlob(normalized, size, sha256);
  }

  @Override
  public void abortMultipartUpload(String path, String uploadId) {
    String normalized = requireBlobPath(path);
    UploadIds.requireOpaqueId(uploadId);
    call("aborting upload '" + uploadId + "'", () -> client.abortMultipartUpload(
        b -> b.bucket(bucket).key(keyOf(normalized)).uploadId(uploadId)));
  }

  // ---- helpers

  private String keyOf(String normalized) {
    return keyPrefix + normalized;
  }

  private static String requireBlobPath(String path) {
    String normalized = ArtifactPaths.normalize(path);
    if (normalized.isEmpty()) {
      throw CairnException.invalid("artifact path is empty; a blob needs a file name");
    }
    return normalized;
  }

  /** Reads until the buffer is full or the stream ends; returns the bytes read (0 at the end). */
  /** Fills {@code buffer} from {@code from} to its end, or up to the end of the stream; returns the bytes read. */
  private static int readChunk(InputStream content, byte[] buffer, int from, String normalized, long offset) {
    try {
      return content.readNBytes(buffer, from, buffer.length - from);
    } catch (IOException e) {
      throw readFailure(normalized, offset, e);
    }
  }

  private static int readByte(InputStream content, String normalized, long offset) {
    try {
      return content.read();
    } catch (IOException e) {
      throw readFailure(normalized, offset, e);
    }
  }

  private static CairnException readFailure(String normalized, long offset, IOException e) {
    return new CairnException(ErrorCode.BAD_REQUEST, "reading the content for '" + normalized
        + "' failed after about " + offset + " bytes: " + e.getMessage(), e);
  }

  private void abortQuietly(String key, String uploadId, RuntimeException cause) {
    try {
      client.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
    } catch (SdkException e) {
      cause.addSuppressed(e);
    }
  }

  private interface S3Call<T> {
    T run();
  }

  private <T> T call(String what, S3Call<T> action) {
    try {
      return action.run();
    } catch (SdkException e) {
      throw failure(what, e);
    } catch (UncheckedIOException e) {
      throw new CairnException(ErrorCode.TEMPORARILY_UNAVAILABLE,
          what + " in s3://" + bucket + " failed: the connection was lost (" + e.getCause().getMessage() + ")", e);
    }
  }

  /**
   * As {@link #call}, once more if the connection was lost before any answer: the JDK's URL connection reuses
   * a kept-alive connection the server may just have closed, and its client reports that as an unchecked
   * error the SDK does not retry. Only for writes of a whole object or part from memory, which are idempotent.
   */
  private <T> T callRetryingLostConnection(String what, S3Call<T> action) {
    try {
      return action.run();
    } catch (UncheckedIOException e) {
      return call(what, action);
    } catch (SdkException e) {
      throw failure(what, e);
    }
  }

  private CairnException failure(String what, SdkException e) {
    String detail = e instanceof S3Exception s3 && s3.awsErrorDetails() != null
        ? s3.awsErrorDetails().errorCode() + ": " + s3.awsErrorDetails().errorMessage()
        : e.getMessage();
    String message = what + " in s3://" + bucket + " failed: " + detail;
    if (e instanceof S3Exception s3) {
      if (s3.statusCode() == 404) {
        return new CairnException(ErrorCode.RESOURCE_DOES_NOT_EXIST, message, e);
      }
      if (s3.statusCode() == 400) {
        return new CairnException(ErrorCode.INVALID_PARAMETER_VALUE, message, e);
      }
      if (s3.statusCode() == 403) {
        return new CairnException(ErrorCode.PERMISSION_DENIED, message, e);
      }
    }
    if (e instanceof SdkClientException) {
      return new CairnException(ErrorCode.TEMPORARILY_UNAVAILABLE, message, e);
    }
    return new CairnException(ErrorCode.INTERNAL_ERROR, message, e);
  }

  private static String firstNonBlank(String... values) {
    for (String value : values) {
      if (value != null && !value.isBlank()) {
        return value.trim();
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return "S3ArtifactStore[" + rootUri() + "]";
  }
}
