package dev.cairn.store.artifacts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Hashing;
import dev.cairn.store.ArtifactStore;
import dev.cairn.store.ArtifactStores;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** Runs the contract against a real S3 server (s3proxy over a filesystem blob store) started in-process. */
class S3ArtifactStoreTest extends ArtifactStoreContract {
  private static final String BUCKET = "cairn-test";
  private static final String ACCESS_KEY = "cairn-access";
  private static final String SECRET_KEY = "cairn-secret-key";

  private static Path blobDir;
  private static S3Proxy proxy;
  private static String endpoint;
  private static S3Client raw;

  private String prefix;

  @BeforeAll
  static void startS3Server() throws Exception {
    blobDir = Files.createTempDirectory("cairn-s3proxy");
    FilesystemNio2BlobStore blobStore = new FilesystemNio2BlobStore(blobDir.toString());
    blobStore.createContainer(BUCKET);
    proxy = S3Proxy.builder()
        .blobStore(blobStore)
        .endpoint(URI.create("http://127.0.0.1:0"))
        .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
        // Refusing single PutObjects above one chunk proves that bigger streams go up as multipart uploads.
        .maxSinglePartObjectSize(S3ArtifactStore.CHUNK_SIZE)
        .build();
    proxy.start();
    endpoint = "http://127.0.0.1:" + proxy.getPort();
    raw = S3Client.builder()
        .httpClient(UrlConnectionHttpClient.builder().build())
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
        .endpointOverride(URI.create(endpoint))
        .forcePathStyle(true)
        .build();
  }

  @AfterAll
  static void stopS3Server() throws Exception {
    if (raw != null) {
      raw.close();
    }
    if (proxy != null) {
      proxy.stop();
    }
    if (blobDir != null) {
      try (Stream<Path> files = Files.walk(blobDir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static Map<String, String> options() {
    return Map.of("endpoint", endpoint, "accessKeyId", ACCESS_KEY, "secretAccessKey", SECRET_KEY);
  }

  @Override
  protected ArtifactStore openStore() {
    prefix = "t-" + UUID.randomUUID() + "/artifacts";
    return ArtifactStores.open("s3://" + BUCKET + "/" + prefix, options());
  }

  @Test
  void serverRefusesSinglePutsAboveOneChunk() {
    byte[] tooBig = new byte[S3ArtifactStore.CHUNK_SIZE + 1];

    assertThatThrownBy(() -> raw.putObject(b -> b.bucket(BUCKET).key(prefix + "/single.bin"),
        software.amazon.awssdk.core.sync.RequestBody.fromBytes(tooBig)))
        .isInstanceOf(software.amazon.awssdk.core.exception.SdkException.class);
  }

  @Test
  void putKeepsTheSha256AsObjectMetadata() {
    byte[] content = "hello".getBytes(StandardCharsets.UTF_8);
    store.put("m/a.txt", new java.io.ByteArrayInputStream(content));

    var head = raw.headObject(b -> b.bucket(BUCKET).key(prefix + "/m/a.txt"));

    assertThat(head.metadata()).containsEntry("sha256", Hashing.sha256Hex(content));
    assertThat(head.contentLength()).isEqualTo(5);
  }

  @Test
  void streamLongerThanOneChunkIsUploadedInPartsAndKeepsItsSha256() throws java.io.IOException {
    long size = S3ArtifactStore.CHUNK_SIZE + 12345L;
    String expected = Hashing.sha256Hex(TestStreams.generated(size, 3));

    store.put("big.bin", TestStreams.generated(size, 3));

    var head = raw.headObject(b -> b.bucket(BUCKET).key(prefix + "/big.bin"));
    assertThat(head.metadata()).containsEntry("sha256", expected);
    assertThat(head.contentLength()).isEqualTo(size);
  }

  @Test
  void smallPutAllocatesNothingLikeAPartBuffer() {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    byte[] content = new byte[4096];
    store.put("warm.bin", new java.io.ByteArrayInputStream(content)); // class loading and connection set-up
    long before = threads.getCurrentThreadAllocatedBytes();
    for (int i = 0; i < 4; i++) {
      store.put("small-" + i + ".bin", new java.io.ByteArrayInputStream(content));
    }
    long perPut = (threads.getCurrentThreadAllocatedBytes() - before) / 4;
    // it was two 8 MiB chunks per put; now a 64 KiB head plus what the SDK's request costs
    assertThat(perPut).isLessThan(S3ArtifactStore.CHUNK_SIZE / 4);
  }

  @Test
  void concurrentLargePutsShareABoundedSetOfPartBuffers() throws Exception {
    S3ArtifactStore bounded = new S3ArtifactStore(raw, BUCKET, prefix + "/bounded", false, 2);
    int puts = 5;
    long size = S3ArtifactStore.CHUNK_SIZE + 100_000L;
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(puts);
    try {
      java.util.List<java.util.concurrent.Future<dev.cairn.store.ArtifactStore.StoredBlob>> results = new java.util.ArrayList<>();
      for (int i = 0; i < puts; i++) {
        int seed = i;
        results.add(pool.submit(() -> bounded.put("big-" + seed + ".bin", TestStreams.generated(size, seed))));
      }
      for (int i = 0; i < puts; i++) {
        dev.cairn.store.ArtifactStore.StoredBlob blob = results.get(i).get(5, java.util.concurrent.TimeUnit.MINUTES);
        assertThat(blob.size()).isEqualTo(size);
        assertThat(blob.sha256()).isEqualTo(Hashing.sha256Hex(TestStreams.generated(size, i)));
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(bounded.partBuffersCreated()).isBetween(1, 2);
  }

  @Test
  void failedMultipartPutLeavesNoPendingUpload() {
    assertThatThrownBy(() -> store.put("broken.bin",
        TestStreams.failingAfter(TestStreams.generated(30 << 20, 1), 17 << 20)))
        .isInstanceOf(CairnException.class);

    assertThat(raw.listMultipartUploads(b -> b.bucket(BUCKET).prefix(prefix)).uploads()).isEmpty();
  }

  @Test
  void keysLiveUnderTheUriPrefix() {
    store.put("x/y.txt", bytes("y"));

    assertThat(raw.listObjectsV2(b -> b.bucket(BUCKET).prefix(prefix + "/")).contents())
        .extracting(o -> o.key())
        .containsExactly(prefix + "/x/y.txt");
    assertThat(store.rootUri()).isEqualTo("s3://" + BUCKET + "/" + prefix);
  }

  @Test
  void endpointComesFromMlflowS3EndpointUrlBeforeAwsEndpointUrl() {
    Map<String, String> credentials = Map.of("accessKeyId", ACCESS_KEY, "secretAccessKey", SECRET_KEY);
    Map<String, String> env = Map.of("MLFLOW_S3_ENDPOINT_URL", endpoint, "AWS_ENDPOINT_URL", "http://127.0.0.1:1");

    try (ArtifactStore viaEnv = S3ArtifactStore.open("s3://" + BUCKET + "/" + prefix, credentials, env)) {
      viaEnv.put("env.txt", bytes("via env"));
    }

    assertThat(store.stat("env.txt")).isNotNull();
  }

  @Test
  void credentialsComeFromTheDefaultChainWhenNotGiven() {
    System.setProperty("aws.accessKeyId", ACCESS_KEY);
    System.setProperty("aws.secretAccessKey", SECRET_KEY);
    try (ArtifactStore viaChain = ArtifactStores.open("s3://" + BUCKET + "/" + prefix, Map.of("endpoint", endpoint))) {
      viaChain.put("chain.txt", bytes("via chain"));
    } finally {
      System.clearProperty("aws.accessKeyId");
      System.clearProperty("aws.secretAccessKey");
    }

    assertThat(store.stat("chain.txt")).isNotNull();
  }

  @Test
  void wrongCredentialsAreRefused() {
    Map<String, String> wrong = Map.of("endpoint", endpoint, "accessKeyId", ACCESS_KEY, "secretAccessKey", "wrong");
    try (ArtifactStore refused = ArtifactStores.open("s3://" + BUCKET + "/" + prefix, wrong)) {
      // A request without a body: with one, the server may answer 403 before reading it, which the client
      // can see as a broken connection instead.
      assertCode(ErrorCode.PERMISSION_DENIED, () -> refused.list(""));
      assertThat(refused.check().isUp()).isFalse();
    }
  }

  @Test
  void checkReportsDownForAMissingBucket() {
    try (ArtifactStore missing = ArtifactStores.open("s3://no-such-bucket-here/p", options())) {
      assertThat(missing.check().isUp()).isFalse();
      assertThat(missing.check().detail()).contains("no-such-bucket-here");
    }
  }

  @Test
  void invalidBucketNameIsRejected() {
    assertCode(ErrorCode.INVALID_PARAMETER_VALUE, () -> ArtifactStores.open("s3://Bad_Bucket/p", options()));
    assertCode(ErrorCode.INVALID_PARAMETER_VALUE, () -> ArtifactStores.open("s3://ab/p", options()));
    assertCode(ErrorCode.INVALID_PARAMETER_VALUE, () -> ArtifactStores.open("s3://valid-bucket/../x", options()));
  }

  @Test
  void unknownUploadIdRaisesResourceDoesNotExist() {
    assertCode(ErrorCode.RESOURCE_DOES_NOT_EXIST,
        () -> store.abortMultipartUpload("m.bin", "no-such-upload-id"));
  }
}
