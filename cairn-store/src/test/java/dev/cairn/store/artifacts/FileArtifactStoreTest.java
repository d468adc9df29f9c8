package dev.cairn.store.artifacts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.ErrorCode;
import dev.cairn.core.Hashing;
import dev.cairn.store.ArtifactStore;
import dev.cairn.store.ArtifactStore.ArtifactEntry;
import dev.cairn.store.ArtifactStore.CompletedPart;
import dev.cairn.store.ArtifactStores;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileArtifactStoreTest extends ArtifactStoreContract {
  @TempDir Path tmp;

  private Path root() {
    return tmp.resolve("artifacts");
  }

  @Override
  protected ArtifactStore openStore() {
    return new FileArtifactStore(root());
  }

  @Test
  void symlinkedDirectoryLeadingOutOfTheRootIsRejected() throws IOException {
    Path outside = Files.createDirectories(tmp.resolve("outside"));
    Files.writeString(outside.resolve("secret.txt"), "top secret");
    Files.createSymbolicLink(root().resolve("escape"), outside);

    assertCode(ErrorCode.INVALID_PARAMETER_VALUE, () -> store.put("escape/planted.txt", bytes("x")));
    assertCode(ErrorCode.INVALID_PARAMETER_VALUE, () -> store.open("escape/secret.txt"));
    assertCode(ErrorCode.INVALID_PARAMETER_VALUE, () -> store.stat("escape/secret.txt"));
    assertCode(ErrorCode.INVALID_PARAMETER_VALUE, () -> store.list("escape"));
    assertCode(ErrorCode.INVALID_PARAMETER_VALUE, () -> store.delete("escape/secret.txt"));
    assertCode(ErrorCode.INVALID_PARAMETER_VALUE, () -> store.createMultipartUpload("escape/new/deeper.bin"));

    try (Stream<Path> files = Files.list(outside)) {
      assertThat(files).containsExactly(outside.resolve("secret.txt"));
    }
    assertThat(Files.readString(outside.resolve("secret.txt"))).isEqualTo("top secret");
  }

  @Test
  void symlinkedFileLeadingOutOfTheRootIsRejected() throws IOException {
    Path secret = Files.writeString(tmp.resolve("passwd"), "root:x:0:0");
    Files.createSymbolicLink(root().resolve("link.txt"), secret);

    assertCode(ErrorCode.INVALID_PARAMETER_VALUE, () -> store.open("link.txt"));
    assertCode(ErrorCode.INVALID_PARAMETER_VALUE, () -> store.put("link.txt", bytes("overwrite")));
    assertThat(Files.readString(secret)).isEqualTo("root:x:0:0");
  }

  @Test
  void symlinkInsideTheRootIsFollowed() throws IOException {
    store.put("real/model.bin", bytes("inside"));
    Files.createSymbolicLink(root().resolve("alias"), root().resolve("real"));

    assertThat(readAll("alias/model.bin")).isEqualTo("inside".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void brokenSymlinkIsRejected() throws IOException {
    Files.createSymbolicLink(root().resolve("dangling"), tmp.resolve("does-not-exist"));

    assertCode(ErrorCode.INVALID_PARAMETER_VALUE, () -> store.put("dangling/x.txt", bytes("x")));
    assertThat(tmp.resolve("does-not-exist")).doesNotExist();
  }

  @Test
  void namesTheStoreKeepsForItselfAreRejected() {
    assertCode(ErrorCode.INVALID_PARAMETER_VALUE, () -> store.put(".tmp/x", bytes("x")));
    assertCode(ErrorCode.INVALID_PARAMETER_VALUE, () -> store.put(".uploads/0123/1", bytes("x")));
    assertCode(ErrorCode.INVALID_PARAMETER_VALUE, () -> store.list(".uploads"));
    assertCode(ErrorCode.INVALID_PARAMETER_VALUE, () -> store.delete(".tmp"));
  }

  @Test
  void failedPutLeavesNoTempFileBehind() throws IOException {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.put("x.bin",
        TestStreams.failingAfter(TestStreams.generated(1 << 20, 1), 300_000)))
        .isInstanceOf(dev.cairn.core.CairnException.class);

    try (Stream<Path> temps = Files.list(root().resolve(FileArtifactStore.TMP_DIR))) {
      assertThat(temps).isEmpty();
    }
    assertThat(root().resolve("x.bin")).doesNotExist();
  }

  @Test
  void multipartPartsLiveUnderUploadsUntilCompleted() {
    String uploadId = store.createMultipartUpload("m.bin");
    store.uploadPart("m.bin", uploadId, 1, bytes("abc"));

    assertThat(root().resolve(".uploads").resolve(uploadId).resolve("1")).hasContent("abc");

    store.abortMultipartUpload("m.bin", uploadId);
    assertThat(root().resolve(".uploads").resolve(uploadId)).doesNotExist();
  }

  @Test
  void uploadIdsThatAreNotRandomHexAreRejected() {
    for (String id : List.of("../../etc", "..", "a/b", "", "0123456789abcdef0123456789ABCDEF", "%2e%2e")) {
      assertCode(ErrorCode.INVALID_PARAMETER_VALUE, () -> store.uploadPart("m.bin", id, 1, bytes("x")));
      assertCode(ErrorCode.INVALID_PARAMETER_VALUE, () -> store.abortMultipartUpload("m.bin", id));
      assertCode(ErrorCode.INVALID_PARAMETER_VALUE,
          () -> store.completeMultipartUpload("m.bin", id, List.of(new CompletedPart(1, "x"))));
    }
  }

  @Test
  void unknownUploadIdRaisesResourceDoesNotExist() {
    assertCode(ErrorCode.RESOURCE_DOES_NOT_EXIST,
        () -> store.uploadPart("m.bin", "0123456789abcdef0123456789abcdef", 1, bytes("x")));
  }

  @Test
  void uploadIdIsBoundToThePathItWasCreatedFor() {
    String uploadId = store.createMultipartUpload("mine.bin");

    assertCode(ErrorCode.INVALID_PARAMETER_VALUE, () -> store.uploadPart("other.bin", uploadId, 1, bytes("x")));
  }

  @Test
  void completeRejectsAnEtagThatDoesNotMatchThePart() {
    String uploadId = store.createMultipartUpload("m.bin");
    store.uploadPart("m.bin", uploadId, 1, bytes("abc"));

    assertCode(ErrorCode.INVALID_PARAMETER_VALUE, () -> store.completeMultipartUpload(
        "m.bin", uploadId, List.of(new CompletedPart(1, Hashing.sha256Hex(new byte[0])))));
    assertThat(store.stat("m.bin")).isNull();
  }

  @Test
  void putRecordsTheHashSoStatNeedNotRereadTheFile() throws IOException {
    var view = Files.getFileAttributeView(root(), java.nio.file.attribute.UserDefinedFileAttributeView.class);
    org.junit.jupiter.api.Assumptions.assumeTrue(view != null, "file system has no user attributes");
    store.put("f.bin", bytes("content"));
    var fileView = Files.getFileAttributeView(
        root().resolve("f.bin"), java.nio.file.attribute.UserDefinedFileAttributeView.class);
    org.junit.jupiter.api.Assumptions.assumeTrue(fileView.list().contains("cairn.sha256"), "user attributes unsupported here");

    // A forged cache entry that matches size and mtime is believed: proof that stat reads the cache.
    var attributes = Files.readAttributes(root().resolve("f.bin"), java.nio.file.attribute.BasicFileAttributes.class);
    String forged = "f".repeat(64) + " " + attributes.size() + " " + attributes.lastModifiedTime().toMillis();
    fileView.write("cairn.sha256", StandardCharsets.US_ASCII.encode(forged));

    assertThat(store.stat("f.bin").sha256()).isEqualTo("f".repeat(64));
  }

  @Test
  void statRehashesAFileChangedBehindTheStoresBack() throws IOException {
    store.put("f.txt", bytes("original"));
    assertThat(store.stat("f.txt").sha256()).isEqualTo(Hashing.sha256Hex("original".getBytes(StandardCharsets.UTF_8)));

    Files.writeString(root().resolve("f.txt"), "changed in place, longer");

    assertThat(store.stat("f.txt").sha256())
        .isEqualTo(Hashing.sha256Hex("changed in place, longer".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void openingTheStoreRemovesTempFilesOlderThanADay() throws IOException {
    Path temps = root().resolve(FileArtifactStore.TMP_DIR);
    Path stale = Files.writeString(temps.resolve("stale"), "left by a crashed writer");
    Path fresh = Files.writeString(temps.resolve("fresh"), "being written right now");
    Files.setLastModifiedTime(stale, java.nio.file.attribute.FileTime.from(
        java.time.Instant.now().minus(java.time.Duration.ofDays(2))));

    new FileArtifactStore(root()).close();

    assertThat(stale).doesNotExist();
    assertThat(fresh).exists();
  }

  @Test
  void putBelowAnExistingBlobIsRejected() {
    store.put("a", bytes("blob"));

    assertCode(ErrorCode.INVALID_PARAMETER_VALUE, () -> store.put("a/b", bytes("x")));
    assertThat(store.list("")).containsExactly(new ArtifactEntry("a", false, 4));
  }

  @Test
  void putOntoADirectoryIsRejected() {
    store.put("d/x.txt", bytes("x"));

    assertCode(ErrorCode.INVALID_PARAMETER_VALUE, () -> store.put("d", bytes("y")));
    assertThat(store.list("d")).containsExactly(new ArtifactEntry("d/x.txt", false, 1));
  }

  @Test
  void storesOpenFromFileUrisAndPlainPaths() {
    Path dir = tmp.resolve("by-uri");
    for (String uri : List.of("file:" + dir, "file://" + dir, "file://localhost" + dir, dir.toString())) {
      try (ArtifactStore opened = ArtifactStores.open(uri)) {
        opened.put("probe.txt", bytes(uri));
        assertThat(opened).isInstanceOf(FileArtifactStore.class);
        assertThat(((FileArtifactStore) opened).root()).isEqualTo(dir);
      }
    }
  }

  @Test
  void relativeFileUriResolvesAgainstTheWorkingDirectory() {
    try (ArtifactStore opened = ArtifactStores.open("file:target/test-artifacts-relative")) {
      assertThat(((FileArtifactStore) opened).root())
          .isEqualTo(Path.of("target/test-artifacts-relative").toAbsolutePath());
    }
  }

  @Test
  void unknownSchemeIsRejectedWithTheKnownOnes() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ArtifactStores.open("gs://bucket/prefix"))
        .isInstanceOfSatisfying(dev.cairn.core.CairnException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE);
          assertThat(e.getMessage()).contains("gs://bucket/prefix", "file:", "s3://");
        });
    assertCode(ErrorCode.INVALID_PARAMETER_VALUE, () -> ArtifactStores.open("file://remote-host/data"));
  }
}
