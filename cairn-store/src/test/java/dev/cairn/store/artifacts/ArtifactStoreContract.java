package dev.cairn.store.artifacts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Hashing;
import dev.cairn.store.ArtifactPaths;
import dev.cairn.store.ArtifactStore;
import dev.cairn.store.ArtifactStore.ArtifactEntry;
import dev.cairn.store.ArtifactStore.CompletedPart;
import dev.cairn.store.ArtifactStore.StoredBlob;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The {@link ArtifactStore} contract, run by every backend: extend it and return a fresh, empty store from
 * {@link #openStore()}. A backend that cannot meet a case overrides it with {@code @Disabled("reason")}.
 */
public abstract class ArtifactStoreContract {
  /** Parts of an S3 multipart upload except the last must be at least 5 MiB. */
  protected static final int PART_SIZE = 5 << 20;

  protected ArtifactStore store;

  /** Returns an empty store that this test alone uses; it is closed after the test. */
  protected abstract ArtifactStore openStore() throws Exception;

  @BeforeEach
  void openFreshStore() throws Exception {
    store = openStore();
  }

  @AfterEach
  void closeStore() {
    if (store != null) {
      store.close();
    }
  }

  // ---- put, open, stat

  @Test
  public void putThenOpenRoundTripsBytesAndReportsTheirSha256() throws IOException {
    byte[] content = "weights: 0.25, 0.75\n".getBytes(StandardCharsets.UTF_8);

    StoredBlob written = store.put("exp1/run1/artifacts/model.txt", new ByteArrayInputStream(content));

    assertThat(written).isEqualTo(
        new StoredBlob("exp1/run1/artifacts/model.txt", content.length, Hashing.sha256Hex(content)));
    assertThat(readAll("exp1/run1/artifacts/model.txt")).isEqualTo(content);
  }

  @Test
  public void aDirectorysManifestNamesEveryBlobBelowItWithTheSizeAndSha256Written() {
    byte[] model = "weights".getBytes(StandardCharsets.UTF_8);
    byte[] conf = "flavors: {}".getBytes(StandardCharsets.UTF_8);
    store.put("1/r/artifacts/model/MLmodel", new ByteArrayInputStream(conf));
    store.put("1/r/artifacts/model/data/w.bin", new ByteArrayInputStream(model));
    store.put("1/r/artifacts/other.txt", new ByteArrayInputStream(model));

    dev.cairn.registry.integrity.ArtifactManifest manifest =
        ArtifactManifests.of(store, "1/r/artifacts/model", "models:/m/1");

    assertThat(manifest).isEqualTo(dev.cairn.registry.integrity.ArtifactManifest.of("models:/m/1", List.of(
        new dev.cairn.registry.integrity.ManifestEntry("MLmodel", conf.length, Hashing.sha256Hex(conf)),
        new dev.cairn.registry.integrity.ManifestEntry("data/w.bin", model.length, Hashing.sha256Hex(model)))));
    assertCode(ErrorCode.RESOURCE_DOES_NOT_EXIST, () -> ArtifactManifests.of(store, "1/r/artifacts/nothing", null));
  }

  @Test
  public void putOfAnEmptyStreamStoresAnEmptyBlob() throws IOException {
    StoredBlob written = store.put("empty.bin", InputStream.nullInputStream());

    assertThat(written.size()).isZero();
    assertThat(written.sha256()).isEqualTo(Hashing.sha256Hex(new byte[0]));
    assertThat(readAll("empty.bin")).isEmpty();
  }

  @Test
  public void putStreamsTwentyMebibytesAndReadsThemBackWithTheSameHash() throws IOException {
    long size = 20L << 20;
    String expected = Hashing.sha256Hex(TestStreams.generated(size, 42));

    StoredBlob written = store.put("big/blob.bin", TestStreams.generated(size, 42));

    assertThat(written.size()).isEqualTo(size);
    assertThat(written.sha256()).isEqualTo(expected);
    try (InputStream in = store.open("big/blob.bin")) {
      assertThat(Hashing.sha256Hex(in)).isEqualTo(expected);
    }
    assertThat(store.stat("big/blob.bin")).isEqualTo(new StoredBlob("big/blob.bin", size, expected));
  }

  @ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(longs = {8L << 20, 16L << 20})
  public void putOfStreamsEndingExactlyOnAChunkBoundaryRoundTrips(long size) throws IOException {
    String expected = Hashing.sha256Hex(TestStreams.generated(size, size));

    StoredBlob written = store.put("edge.bin", TestStreams.generated(size, size));

    assertThat(written).isEqualTo(new StoredBlob("edge.bin", size, expected));
    try (InputStream in = store.open("edge.bin")) {
      assertThat(Hashing.sha256Hex(in)).isEqualTo(expected);
    }
  }

  @Test
  public void putReplacesExistingContent() throws IOException {
    store.put("a/model.bin", bytes("first version, longer than the second"));

    StoredBlob second = store.put("a/model.bin", bytes("second"));

    assertThat(readAll("a/model.bin")).isEqualTo("second".getBytes(StandardCharsets.UTF_8));
    assertThat(second.size()).isEqualTo(6);
    assertThat(store.stat("a/model.bin").sha256()).isEqualTo(Hashing.sha256Hex("second".getBytes(StandardCharsets.UTF_8)));
    assertThat(store.list("a")).containsExactly(new ArtifactEntry("a/model.bin", false, 6));
  }

  @Test
  public void concurrentPutsToOnePathLeaveOneWholeVersion() throws Exception {
    int writers = 4;
    byte[][] versions = new byte[writers][];
    for (int i = 0; i < writers; i++) {
      versions[i] = filled(64 * 1024 + i, (byte) ('A' + i));
    }
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(writers);
    try {
      List<java.util.concurrent.Future<StoredBlob>> results = new java.util.ArrayList<>();
      for (int i = 0; i < writers; i++) {
        byte[] version = versions[i];
        results.add(pool.submit(() -> store.put("race/model.bin", new ByteArrayInputStream(version))));
      }
      for (java.util.concurrent.Future<StoredBlob> result : results) {
        result.get();
      }
    } finally {
      pool.shutdownNow();
    }

    byte[] finalContent = readAll("race/model.bin");
    assertThat(java.util.Arrays.stream(versions).anyMatch(v -> java.util.Arrays.equals(v, finalContent)))
        .as("final content is exactly one writer's version").isTrue();
    assertThat(store.stat("race/model.bin").sha256()).isEqualTo(Hashing.sha256Hex(finalContent));
    assertThat(store.list("race")).hasSize(1);
  }

  @Test
  public void putNormalisesRedundantSlashes() throws IOException {
    StoredBlob written = store.put("a//b/c.txt/", bytes("x"));

    assertThat(written.path()).isEqualTo("a/b/c.txt");
    assertThat(readAll("a/b/c.txt")).isEqualTo("x".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  public void statReportsSizeAndHashOfABlob() {
    byte[] content = "0123456789".getBytes(StandardCharsets.UTF_8);
    store.put("dir/ten.txt", new ByteArrayInputStream(content));

    assertThat(store.stat("dir/ten.txt")).isEqualTo(new StoredBlob("dir/ten.txt", 10, Hashing.sha256Hex(content)));
  }

  @Test
  public void statIsNullForMissingPathsAndDirectories() {
    store.put("dir/file.txt", bytes("x"));

    assertThat(store.stat("dir/other.txt")).isNull();
    assertThat(store.stat("nowhere/file.txt")).isNull();
    assertThat(store.stat("dir")).isNull();
  }

  @Test
  public void openOfAMissingPathRaisesResourceDoesNotExist() {
    store.put("present.txt", bytes("x"));

    assertCode(ErrorCode.RESOURCE_DOES_NOT_EXIST, () -> store.open("absent.txt"));
    assertCode(ErrorCode.RESOURCE_DOES_NOT_EXIST, () -> store.open("no/such/dir/file.txt"));
  }

  @Test
  public void openOfADirectoryRaisesResourceDoesNotExist() {
    store.put("dir/file.txt", bytes("x"));

    assertCode(ErrorCode.RESOURCE_DOES_NOT_EXIST, () -> store.open("dir"));
  }

  // ---- list

  @Test
  public void listIsOneLevelDeepAndSortedByPath() {
    store.put("run/b.txt", bytes("bb"));
    store.put("run/a.txt", bytes("a"));
    store.put("run/model/weights.bin", bytes("www"));
    store.put("run/model/deeper/x.bin", bytes("x"));
    store.put("top.txt", bytes("t"));

    assertThat(store.list("")).containsExactly(
        new ArtifactEntry("run", true, -1),
        new ArtifactEntry("top.txt", false, 1));
    assertThat(store.list("run")).containsExactly(
        new ArtifactEntry("run/a.txt", false, 1),
        new ArtifactEntry("run/b.txt", false, 2),
        new ArtifactEntry("run/model", true, -1));
    assertThat(store.list("run/model/")).containsExactly(
        new ArtifactEntry("run/model/deeper", true, -1),
        new ArtifactEntry("run/model/weights.bin", false, 3));
  }

  @Test
  public void listOfAMissingDirectoryIsEmpty() {
    store.put("run/a.txt", bytes("a"));

    assertThat(store.list("nothing/here")).isEmpty();
    assertThat(store.list("ru")).isEmpty();
  }

  @Test
  public void listOfAnEmptyStoreIsEmpty() {
    assertThat(store.list("")).isEmpty();
  }

  // ---- delete

  @Test
  public void deleteRemovesOneBlobAndKeepsItsSiblings() {
    store.put("d/keep.txt", bytes("k"));
    store.put("d/drop.txt", bytes("d"));

    store.delete("d/drop.txt");

    assertThat(store.stat("d/drop.txt")).isNull();
    assertThat(store.list("d")).containsExactly(new ArtifactEntry("d/keep.txt", false, 1));
  }

  @Test
  public void deleteOfADirectoryRemovesEveryBlobUnderIt() {
    store.put("run/model/a.bin", bytes("a"));
    store.put("run/model/sub/b.bin", bytes("b"));
    store.put("run/model2.bin", bytes("c"));

    store.delete("run/model");

    assertThat(store.stat("run/model/a.bin")).isNull();
    assertThat(store.stat("run/model/sub/b.bin")).isNull();
    assertThat(store.list("run")).containsExactly(new ArtifactEntry("run/model2.bin", false, 1));
    assertThat(store.list("run/model")).isEmpty();
  }

  @Test
  public void deleteOfTheLastBlobLeavesNoEmptyDirectoryListed() {
    store.put("only/child/file.txt", bytes("x"));

    store.delete("only/child/file.txt");

    assertThat(store.list("")).isEmpty();
  }

  @Test
  public void deleteOfAMissingPathRaisesResourceDoesNotExist() {
    store.put("d/present.txt", bytes("x"));

    assertCode(ErrorCode.RESOURCE_DOES_NOT_EXIST, () -> store.delete("d/absent.txt"));
    assertCode(ErrorCode.RESOURCE_DOES_NOT_EXIST, () -> store.delete("nowhere"));
  }

  @Test
  public void deleteOfTheRootIsRefused() {
    store.put("x.txt", bytes("x"));

    assertCode(ErrorCode.INVALID_PARAMETER_VALUE, () -> store.delete(""));
    assertThat(store.stat("x.txt")).isNotNull();
  }

  // ---- multipart upload

  @Test
  public void multipartUploadOfThreePartsJoinsThemInOrder() throws IOException {
    byte[] part1 = filled(PART_SIZE, (byte) 'a');
    byte[] part2 = filled(PART_SIZE, (byte) 'b');
    byte[] part3 = "tail".getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream whole = new ByteArrayOutputStream();
    whole.write(part1);
    whole.write(part2);
    whole.write(part3);

    String uploadId = store.createMultipartUpload("run/big.bin");
    String etag2 = store.uploadPart("run/big.bin", uploadId, 2, new ByteArrayInputStream(part2));
    String etag1 = store.uploadPart("run/big.bin", uploadId, 1, new ByteArrayInputStream(part1));
    String etag3 = store.uploadPart("run/big.bin", uploadId, 3, new ByteArrayInputStream(part3));
    assertThat(store.stat("run/big.bin")).as("invisible until completed").isNull();
    StoredBlob blob = store.completeMultipartUpload("run/big.bin", uploadId, List.of(
        new CompletedPart(1, etag1), new CompletedPart(2, etag2), new CompletedPart(3, etag3)));

    String expected = Hashing.sha256Hex(whole.toByteArray());
    assertThat(blob).isEqualTo(new StoredBlob("run/big.bin", whole.size(), expected));
    try (InputStream in = store.open("run/big.bin")) {
      assertThat(Hashing.sha256Hex(in)).isEqualTo(expected);
    }
    assertThat(store.stat("run/big.bin").sha256()).isEqualTo(expected);
    assertThat(store.list("")).containsExactly(new ArtifactEntry("run", true, -1));
    assertThat(store.list("run")).containsExactly(new ArtifactEntry("run/big.bin", false, whole.size()));
  }

  @Test
  public void abortedMultipartUploadLeavesNothing() {
    String uploadId = store.createMultipartUpload("run/aborted.bin");
    String etag = store.uploadPart("run/aborted.bin", uploadId, 1, bytes("part one"));

    store.abortMultipartUpload("run/aborted.bin", uploadId);

    assertThat(store.stat("run/aborted.bin")).isNull();
    assertThat(store.list("")).isEmpty();
    assertThatThrownBy(() -> store.completeMultipartUpload(
        "run/aborted.bin", uploadId, List.of(new CompletedPart(1, etag))))
        .isInstanceOf(CairnException.class);
    assertThat(store.stat("run/aborted.bin")).isNull();
  }

  @Test
  public void completeRejectsPartsOutOfOrderOrEmpty() {
    String uploadId = store.createMultipartUpload("x.bin");
    String etag1 = store.uploadPart("x.bin", uploadId, 1, new ByteArrayInputStream(filled(PART_SIZE, (byte) 1)));
    String etag2 = store.uploadPart("x.bin", uploadId, 2, bytes("end"));

    assertCode(ErrorCode.INVALID_PARAMETER_VALUE, () -> store.completeMultipartUpload(
        "x.bin", uploadId, List.of(new CompletedPart(2, etag2), new CompletedPart(1, etag1))));
    assertCode(ErrorCode.INVALID_PARAMETER_VALUE, () -> store.completeMultipartUpload("x.bin", uploadId, List.of()));
    assertThat(store.stat("x.bin")).isNull();
    store.abortMultipartUpload("x.bin", uploadId);
  }

  @Test
  public void uploadPartRejectsPartNumbersOutsideOneToTenThousand() {
    String uploadId = store.createMultipartUpload("x.bin");

    assertCode(ErrorCode.INVALID_PARAMETER_VALUE, () -> store.uploadPart("x.bin", uploadId, 0, bytes("x")));
    assertCode(ErrorCode.INVALID_PARAMETER_VALUE, () -> store.uploadPart("x.bin", uploadId, 10_001, bytes("x")));
    store.abortMultipartUpload("x.bin", uploadId);
  }

  // ---- paths that try to leave the root

  static Stream<String> escapingPaths() {
    return Stream.of("../x", "a/../../x", "/etc/passwd", "a\\..\\b", "%2e%2e/x", "a/%2E%2E/b", "a/\u0000b",
        "C:/x", "./x", "a/./b", "..", "a/%2f../b", "x".repeat(ArtifactPaths.MAX_LENGTH + 1));
  }

  @ParameterizedTest
  @MethodSource("escapingPaths")
  public void pathsThatCouldEscapeTheRootAreRejectedByEveryOperation(String path) {
    store.put("victim.txt", bytes("still here"));

    assertCode(ErrorCode.INVALID_PARAMETER_VALUE, () -> store.put(path, bytes("x")));
    assertCode(ErrorCode.INVALID_PARAMETER_VALUE, () -> store.open(path));
    assertCode(ErrorCode.INVALID_PARAMETER_VALUE, () -> store.stat(path));
    assertCode(ErrorCode.INVALID_PARAMETER_VALUE, () -> store.list(path));
    assertCode(ErrorCode.INVALID_PARAMETER_VALUE, () -> store.delete(path));
    assertCode(ErrorCode.INVALID_PARAMETER_VALUE, () -> store.createMultipartUpload(path));
    assertThat(store.list("")).containsExactly(new ArtifactEntry("victim.txt", false, 10));
  }

  // ---- failures half way

  @Test
  public void failedPutLeavesTheOldContentIntactAndNothingElseVisible() throws IOException {
    store.put("run/model.bin", bytes("old content"));

    assertThatThrownBy(() -> store.put("run/model.bin",
        TestStreams.failingAfter(TestStreams.generated(4 << 20, 7), 1 << 20)))
        .isInstanceOf(CairnException.class);

    assertThat(readAll("run/model.bin")).isEqualTo("old content".getBytes(StandardCharsets.UTF_8));
    assertThat(store.list("")).containsExactly(new ArtifactEntry("run", true, -1));
    assertThat(store.list("run")).containsExactly(new ArtifactEntry("run/model.bin", false, 11));
  }

  @Test
  public void failedPutOfALargeStreamLeavesTheOldContentIntact() throws IOException {
    store.put("run/model.bin", bytes("old content"));

    assertThatThrownBy(() -> store.put("run/model.bin",
        TestStreams.failingAfter(TestStreams.generated(40 << 20, 7), 18 << 20)))
        .isInstanceOf(CairnException.class);

    assertThat(readAll("run/model.bin")).isEqualTo("old content".getBytes(StandardCharsets.UTF_8));
    assertThat(store.list("run")).containsExactly(new ArtifactEntry("run/model.bin", false, 11));
  }

  @Test
  public void failedPutToANewPathLeavesNothing() {
    assertThatThrownBy(() -> store.put("fresh/new.bin",
        TestStreams.failingAfter(TestStreams.generated(4 << 20, 7), 100_000)))
        .isInstanceOf(CairnException.class);

    assertThat(store.stat("fresh/new.bin")).isNull();
    assertThat(store.list("")).isEmpty();
  }

  // ---- health

  @Test
  public void checkReportsUpForAWorkingStore() {
    assertThat(store.check().isUp()).as(store.check().detail()).isTrue();
    assertThat(store.rootUri()).isNotBlank();
  }

  // ---- helpers

  protected static InputStream bytes(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
  }

  protected static byte[] filled(int size, byte value) {
    byte[] out = new byte[size];
    java.util.Arrays.fill(out, value);
    return out;
  }

  protected byte[] readAll(String path) throws IOException {
    try (InputStream in = store.open(path)) {
      return in.readAllBytes();
    }
  }

  protected static void assertCode(ErrorCode code, ThrowingCallable call) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.code()).as(e.getMessage()).isEqualTo(code));
  }
}
