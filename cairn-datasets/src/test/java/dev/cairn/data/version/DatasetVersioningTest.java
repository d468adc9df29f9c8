package dev.cairn.data.version;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Hashing;
import dev.cairn.store.ArtifactStores;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetVersioningTest {
  @TempDir Path tmp;
  Path data;
  DatasetVersionStore store;
  TestStores.Wrapped artifacts;
  Path cacheFile;
  DatasetVersioning versioning;

  @BeforeEach
  void setUp() throws IOException {
    data = Files.createDirectories(tmp.resolve("data"));
    store = TestStores.sqlite(tmp);
    artifacts = new TestStores.Wrapped(ArtifactStores.open("file:" + tmp.resolve("artifacts")));
    cacheFile = tmp.resolve("work/.cairn/statcache");
    versioning = newVersioning(TableProfiler.NONE);
  }

  @AfterEach
  void tearDown() {
    store.close();
    artifacts.close();
  }

  private DatasetVersioning newVersioning(TableProfiler profiler) {
    return new DatasetVersioning(store, artifacts, StatCache.open(cacheFile), profiler);
  }

  private Path write(String relative, String content) throws IOException {
    Path p = data.resolve(relative);
    Files.createDirectories(p.getParent());
    Files.writeString(p, content);
    return p;
  }

  private AddResult add() {
    return versioning.add(data, "churn", "msg", "alice", Map.of());
  }

  @Test
  void addRecordsSortedRelativePathsSizesAndHashes() throws IOException {
    write("b.txt", "bee");
    write("a/z.txt", "zed");
    write("a/y.txt", "why");

    AddResult r = versioning.add(data, "churn", "first", "alice", Map.of("source", "crm"));

    assertThat(r.isNew()).isTrue();
    assertThat(r.version().version()).isEqualTo(1);
    assertThat(r.version().parentVersion()).isNull();
    assertThat(r.version().fileCount()).isEqualTo(3);
    assertThat(r.version().totalSize()).isEqualTo(9);
    assertThat(r.version().tags()).containsEntry("source", "crm");
    assertThat(r.filesHashed()).isEqualTo(3);
    Manifest m = versioning.readManifest(r.version());
    assertThat(m.files()).extracting(ManifestEntry::path).containsExactly("a/y.txt", "a/z.txt", "b.txt");
    assertThat(m.files().get(2).sha256()).isEqualTo(Hashing.sha256Hex("bee".getBytes(StandardCharsets.UTF_8)));
    assertThat(r.version().manifestSha256()).isEqualTo(m.sha256());
    assertThat(artifacts.stat(DatasetVersioning.blobPath(m.files().get(2).sha256()))).isNotNull();
  }

  @Test
  void addingOneFileStoresItUnderItsFileName() throws IOException {
    Path file = write("train.csv", "a,b\n1,2\n");
    AddResult r = versioning.add(file, "single", null, null, Map.of());
    assertThat(versioning.readManifest(r.version()).files()).extracting(ManifestEntry::path)
        .containsExactly("train.csv");
  }

  @Test
  void identicalReAddReturnsTheSameVersionWithoutHashingOrUploading() throws IOException {
    write("a.txt", "one");
    write("b.txt", "two");
    AddResult first = add();
    int putsAfterFirst = artifacts.puts.get();

    AddResult again = add();

    assertThat(again.isNew()).isFalse();
    assertThat(again.version().id()).isEqualTo(first.version().id());
    assertThat(again.filesHashed()).isZero();
    assertThat(artifacts.puts.get()).isEqualTo(putsAfterFirst);
    assertThat(versioning.log("churn")).hasSize(1);
  }

  @Test
  void statCachePersistsAcrossProcessesSoANewInstanceHashesNothing() throws IOException {
    write("a.txt", "one");
    add();
    DatasetVersioning fresh = newVersioning(TableProfiler.NONE);
    assertThat(fresh.add(data, "churn", null, null, Map.of()).filesHashed()).isZero();
  }

  @Test
  void touchWithoutContentChangeRehashesOnceKeepsTheHashAndMakesNoVersion() throws IOException {
    Path a = write("a.txt", "one");
    write("b.txt", "two");
    AddResult first = add();
    Files.setLastModifiedTime(a, FileTime.from(Instant.now().plusSeconds(60)));

    AddResult afterTouch = add();
    AddResult afterThat = add();

    assertThat(afterTouch.filesHashed()).isEqualTo(1);
    assertThat(afterTouch.isNew()).isFalse();
    assertThat(afterTouch.version().manifestSha256()).isEqualTo(first.version().manifestSha256());
    assertThat(afterThat.filesHashed()).isZero();
  }

  @Test
  void contentChangeWithTheSameMtimeIsCaughtBySize() throws IOException {
    Path a = write("a.txt", "one");
    add();
    FileTime mtime = Files.getLastModifiedTime(a);
    Files.writeString(a, "one more");
    Files.setLastModifiedTime(a, mtime);

    AddResult r = add();

    assertThat(r.filesHashed()).isEqualTo(1);
    assertThat(r.isNew()).isTrue();
    assertThat(r.version().version()).isEqualTo(2);
    assertThat(r.version().parentVersion()).isEqualTo(1);
  }

  @Test
  void replacingAFileByRenameWithSameSizeAndMtimeIsCaughtByInode() throws IOException {
    Path a = write("a.txt", "one");
    add();
    FileTime mtime = Files.getLastModifiedTime(a);
    Path other = tmp.resolve("other.txt");
    Files.writeString(other, "two");
    Files.setLastModifiedTime(other, mtime);
    Files.move(other, a, StandardCopyOption.REPLACE_EXISTING);

    AddResult r = add();

    assertThat(r.filesHashed()).isEqualTo(1);
    assertThat(r.isNew()).isTrue();
  }

  @Test
  void renamedFileMakesANewVersionButUploadsNoBlob() throws IOException {
    Path a = write("a.txt", "one");
    add();
    int puts = artifacts.puts.get();
    Files.move(a, data.resolve("renamed.txt"));

    AddResult r = add();

    assertThat(r.isNew()).isTrue();
    assertThat(r.blobsUploaded()).isZero();
    assertThat(artifacts.puts.get()).isEqualTo(puts + 2); // the new manifest and the add's gc lease
    DatasetDiff diff = versioning.diff(new DatasetRef("churn", 1), new DatasetRef("churn", 2));
    assertThat(diff.added()).extracting(ManifestEntry::path).containsExactly("renamed.txt");
    assertThat(diff.removed()).extracting(ManifestEntry::path).containsExactly("a.txt");
  }

  @Test
  void blobsAreStoredOnceAcrossVersionsAndDatasets() throws IOException {
    write("a.txt", "one");
    write("b.txt", "two");
    write("c.txt", "one"); // same content as a.txt: one blob
    AddResult v1 = add();
    assertThat(v1.blobsUploaded()).isEqualTo(2);

    write("b.txt", "two, edited");
    AddResult v2 = add();
    assertThat(v2.blobsUploaded()).isEqualTo(1);

    AddResult otherDataset = versioning.add(data, "copy", null, null, Map.of());
    assertThat(otherDataset.blobsUploaded()).isZero();
    assertThat(otherDataset.version().version()).isEqualTo(1);
    assertThat(store.findByContent(v2.version().manifestSha256())).hasSize(2);
    try (Stream<Path> blobs = Files.walk(tmp.resolve("artifacts/datasets/blobs"))) {
      // 3 file blobs + 2 manifests (the copy's manifest equals v2's)
      assertThat(blobs.filter(Files::isRegularFile).count()).isEqualTo(5);
    }
  }

  @Test
  void statCacheFileInsideTheAddedDirectoryIsNotPartOfTheDataset() throws IOException {
    write("a.txt", "one");
    DatasetVersioning local = new DatasetVersioning(store, artifacts, StatCache.inDirectory(data), TableProfiler.NONE);
    local.add(data, "churn", null, null, Map.of());
    assertThat(Files.exists(data.resolve(".cairn/statcache"))).isTrue();

    AddResult again = local.add(data, "churn", null, null, Map.of());

    assertThat(again.isNew()).isFalse();
    assertThat(local.readManifest(again.version()).files()).extracting(ManifestEntry::path).containsExactly("a.txt");
  }

  @Test
  void getRestoresEveryFileOfTheVersionAsked() throws IOException {
    write("a.txt", "one");
    write("dir/b.txt", "two");
    add();
    write("dir/b.txt", "two v2");
    add();

    GetResult r = versioning.get(DatasetRef.parse("churn@1"), tmp.resolve("out"));

    assertThat(r.filesWritten()).isEqualTo(2);
    assertThat(Files.readString(tmp.resolve("out/a.txt"))).isEqualTo("one");
    assertThat(Files.readString(tmp.resolve("out/dir/b.txt"))).isEqualTo("two");
    GetResult latest = versioning.get(DatasetRef.parse("churn"), tmp.resolve("out"));
    assertThat(Files.readString(tmp.resolve("out/dir/b.txt"))).isEqualTo("two v2");
    assertThat(latest.filesAlreadyPresent()).isEqualTo(1);
  }

  @Test
  void getFailsOnACorruptBlobAndLeavesNoPartialFile() throws IOException {
    write("a.txt", "one");
    write("b.txt", "two");
    AddResult v = add();
    String sha = versioning.readManifest(v.version()).files().get(1).sha256();
    Path blob = tmp.resolve("artifacts").resolve(DatasetVersioning.blobPath(sha));
    Files.writeString(blob, "tw0"); // same size, other content

    Path out = tmp.resolve("out");
    assertThatThrownBy(() -> versioning.get(DatasetRef.parse("churn@1"), out))
        .isInstanceOf(CairnException.class)
        .hasMessageContaining("'b.txt'").hasMessageContaining("corrupt")
        .satisfies(e -> assertThat(((CairnException) e).code()).isEqualTo(ErrorCode.INVALID_STATE));
    assertThat(out.resolve("b.txt")).doesNotExist();
    try (Stream<Path> left = Files.list(out)) {
      assertThat(left.map(p -> p.getFileName().toString())).containsExactly("a.txt");
    }
  }

  @Test
  void getFailsWhenTheManifestWasTamperedWith() throws IOException {
    write("a.txt", "one");
    AddResult v = add();
    Path manifest = tmp.resolve("artifacts").resolve(DatasetVersioning.blobPath(v.version().manifestSha256()));
    Files.writeString(manifest, Files.readString(manifest).replace("a.txt", "x.txt"));

    assertThatThrownBy(() -> versioning.get(DatasetRef.parse("churn"), tmp.resolve("out")))
        .hasMessageContaining("manifest of churn@1 is corrupt");
  }

  @Test
  void interruptedAddLeavesNoVersionAndARetrySucceeds() throws IOException {
    for (int i = 0; i < 5; i++) {
      write("f" + i + ".txt", "content " + i);
    }
    // One I/O thread, so the puts before the failing one have finished when it fails (with several, a slow
    // machine can still be writing them when the failure cancels the rest, and none survives).
    versioning = new DatasetVersioning(store, artifacts, StatCache.open(cacheFile), TableProfiler.NONE, 1, 1);
    artifacts.failOnPut = 3;

    assertThatThrownBy(this::add).hasMessageContaining("simulated crash");
    assertThat(artifacts.completedPuts.get()).isEqualTo(2); // the gc lease, then the first file's blob
    assertThatThrownBy(() -> versioning.show(DatasetRef.parse("churn")))
        .isInstanceOf(CairnException.class).hasMessageContaining("does not exist");
    assertThat(store.datasets()).isEmpty();

    artifacts.failOnPut = -1;
    AddResult retry = add();
    assertThat(retry.version().version()).isEqualTo(1);
    assertThat(retry.filesHashed()).isZero(); // hashes survived the crash in the stat cache
    assertThat(retry.blobsUploaded()).isEqualTo(4); // the blob stored before the crash is not sent again
    assertThat(versioning.readManifest(retry.version()).files()).hasSize(5);
  }

  @Test
  void diffListsAddedRemovedChangedFilesAndTableChanges() throws IOException {
    versioning = newVersioning(LibraryTableProfiler.INSTANCE);
    write("train.csv", "id,age\n1,30\n2,40\n");
    write("readme.txt", "hello");
    write("old.bin", "x");
    AddResult v1 = add();
    assertThat(v1.version().rowCount()).isEqualTo(2);
    write("train.csv", "id,age,city\n1,30,Oslo\n2,40,Rome\n3,50,Lima\n");
    Files.delete(data.resolve("old.bin"));
    write("new.bin", "y");

    add();
    DatasetDiff diff = versioning.diff(DatasetRef.parse("churn@1"), DatasetRef.parse("churn@2"));

    assertThat(diff.added()).extracting(ManifestEntry::path).containsExactly("new.bin");
    assertThat(diff.removed()).extracting(ManifestEntry::path).containsExactly("old.bin");
    assertThat(diff.changed()).extracting(DatasetDiff.ChangedFile::path).containsExactly("train.csv");
    assertThat(diff.unchanged()).isEqualTo(1);
    assertThat(diff.schemaChanges()).anyMatch(l -> l.equals("train.csv: city.type: added text"));
    assertThat(diff.statsChanges()).contains("train.csv: row_count: 2 -> 3 (+50.0%)",
        "train.csv: age.mean: 35 -> 40 (+14.3%)", "train.csv: age.std: 7.07107 -> 10 (+41.4%)");
    assertThat(diff.statsChanges()).noneMatch(l -> l.contains("state") || l.contains("histogram"));
    String text = diff.render();
    assertThat(text).startsWith("diff churn@1 -> churn@2\n")
        .contains("files: 1 added, 1 removed, 1 changed, 1 unchanged")
        .contains("+ new.bin (1 bytes)", "- old.bin (1 bytes)", "~ train.csv (")
        .contains("schema:\n", "  train.csv: city.type: added text");
    assertThat(diff.statsChanges()).filteredOn(l -> l.contains("2 -> 3 (+50.0%)") && l.contains("row")).hasSize(1);
  }

  @Test
  void driftComparesTablesWithTheSamePathFromStoredProfiles() throws IOException {
    versioning = newVersioning(LibraryTableProfiler.INSTANCE);
    StringBuilder before = new StringBuilder("x,colour\n");
    StringBuilder after = new StringBuilder("x,colour\n");
    for (int i = 0; i < 500; i++) {
      before.append(i % 50).append(',').append(i % 2 == 0 ? "red" : "blue").append('\n');
      after.append(1000 + i % 50).append(',').append("red").append('\n');
    }
    write("t.csv", before.toString());
    add();
    write("t.csv", after.toString());
    add();

    Map<String, dev.cairn.data.drift.DriftReport> drift = versioning.drift(DatasetRef.parse("churn@1"),
        DatasetRef.parse("churn@2"), dev.cairn.data.drift.DriftOptions.DEFAULT);

    assertThat(drift).containsOnlyKeys("t.csv");
    assertThat(drift.get("t.csv").column("x").drifted()).isTrue();
    assertThat(drift.get("t.csv").datasetDrift()).isTrue();
  }

  @Test
  void driftWithoutCommonTablesSaysSo() throws IOException {
    write("a.txt", "one");
    add();
    assertThatThrownBy(() -> versioning.drift(DatasetRef.parse("churn@1"), DatasetRef.parse("churn@1"),
        dev.cairn.data.drift.DriftOptions.DEFAULT)).hasMessageContaining("share no profiled table file");
  }

  @Test
  void validateChecksTheStoredTablesAgainstASuite() throws IOException {
    versioning = newVersioning(LibraryTableProfiler.INSTANCE);
    write("t.csv", "id,age\n1,30\n2,40\n");
    write("notes.txt", "not a table");
    add();
    dev.cairn.data.stats.Profile profile = versioning.profiles(DatasetRef.parse("churn")).get("t.csv");
    dev.cairn.data.expect.ExpectationSuite suggested = dev.cairn.data.expect.Suggest.fromProfile(profile);
    dev.cairn.data.expect.ExpectationSuite missingColumn = new dev.cairn.data.expect.ExpectationSuite("s",
        List.of(dev.cairn.data.expect.Expectation.of(dev.cairn.data.expect.ExpectationKind.COLUMN_PRESENT, "city")));

    var ok = versioning.validate(DatasetRef.parse("churn@1"), suggested, null);
    var failing = versioning.validate(DatasetRef.parse("churn@1"), missingColumn, "t.csv");

    assertThat(ok).containsOnlyKeys("t.csv");
    assertThat(ok.get("t.csv").success()).isTrue();
    assertThat(failing.get("t.csv").success()).isFalse();
    assertThat(failing.get("t.csv").rowCount()).isEqualTo(2);
    assertThatThrownBy(() -> versioning.validate(DatasetRef.parse("churn@1"), suggested, "x.csv"))
        .hasMessageContaining("no table file 'x.csv'");
  }

  /** Every regular file under the artifact store's root, as relative paths. */
  private List<String> storedFiles() throws IOException {
    Path root = tmp.resolve("artifacts");
    if (!Files.exists(root)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(Files::isRegularFile).map(p -> root.relativize(p).toString()).sorted().toList();
    }
  }

  @Test
  void aRaggedTableFailsTheAddNamingFileLineAndColumnsAndStoresNothing() throws IOException {
    versioning = newVersioning(LibraryTableProfiler.INSTANCE);
    write("notes.txt", "kept aside");
    write("bad.csv", "a,b\n1,2\n3\n");

    assertThatThrownBy(this::add).isInstanceOf(CairnException.class)
        .hasMessageContaining("bad.csv").hasMessageContaining("line 3")
        .hasMessageContaining("row has 1 fields but the header has 2").hasMessageContaining("--allow-unparsed");
    assertThat(store.datasets()).isEmpty();
    assertThat(storedFiles()).isEmpty();
  }

  @Test
  void allowUnparsedStoresTheTableWithItsErrorInsteadOfAProfile() throws IOException {
    versioning = newVersioning(LibraryTableProfiler.INSTANCE);
    write("bad.csv", "a,b\n1\n");
    AddResult r = versioning.add(data, "churn", null, null, Map.of(), AddProgress.NONE, true);
    assertThat(r.isNew()).isTrue();
    assertThat(r.version().profileJson()).contains("\"error\"").contains("line 2");
    assertThat(versioning.profiles(DatasetRef.parse("churn"))).isEmpty();
  }

  @Test
  void validationReportsAndErrorsNameTheDatasetPathNotATemporaryFile() throws IOException {
    versioning = newVersioning(LibraryTableProfiler.INSTANCE);
    write("t.csv", "id,age\n1,30\n2,-4\n");
    add();
    dev.cairn.data.expect.ExpectationSuite suite = dev.cairn.data.expect.ExpectationSuite.parse("""
        expectations:
          - {kind: range, column: age, min: 0}
        """, "s.yaml");
    var report = versioning.validate(DatasetRef.parse("churn@1"), suite, null).get("t.csv");
    assertThat(report.source()).isEqualTo("churn@1/t.csv");
    assertThat(report.results().get(0).examples()).singleElement()
        .satisfies(row -> assertThat(row.file()).isEqualTo("churn@1/t.csv"));
  }

  @Test
  void getRefusesToOverwriteAChangedLocalFileUnlessForced() throws IOException {
    write("a.txt", "alpha");
    write("b.txt", "bravo");
    add();
    Path target = Files.createDirectories(tmp.resolve("restored"));
    Files.writeString(target.resolve("a.txt"), "my own edit");
    Files.writeString(target.resolve("b.txt"), "bravo"); // same content, unknown to the stat cache

    assertThatThrownBy(() -> versioning.get(DatasetRef.parse("churn@1"), target))
        .isInstanceOf(CairnException.class)
        .hasMessageContaining("1 local file differs from churn@1: a.txt in " + target + " and no version holds its")
        .hasMessageContaining("--force");
    assertThat(Files.readString(target.resolve("a.txt"))).isEqualTo("my own edit");

    GetResult forced = versioning.get(DatasetRef.parse("churn@1"), target, AddProgress.NONE, true);
    assertThat(forced.filesWritten()).isEqualTo(1);
    assertThat(forced.filesAlreadyPresent()).isEqualTo(1);
    assertThat(Files.readString(target.resolve("a.txt"))).isEqualTo("alpha");
  }

  @Test
  void cancellingAnAddMidUploadRemovesItsTemporaryFilesAndRecordsNothing() throws IOException {
    byte[] big = new byte[8 << 20];
    new java.util.Random(1).nextBytes(big);
    Files.write(data.resolve("big.bin"), big);
    write("small.txt", "s");
    List<String> seen = new java.util.ArrayList<>();
    AddProgress cancelMidUpload = new AddProgress() {
      String phase = "";
      long uploaded;

      @Override
      public void phase(String name, long totalBytes) {
        phase = name;
      }

      @Override
      public void advance(long bytes) {
        if (phase.equals("uploading") && (uploaded += bytes) > (1 << 20) && seen.isEmpty()) {
          try (Stream<Path> files = Files.walk(tmp.resolve("artifacts"))) {
            files.filter(Files::isRegularFile).forEach(p -> seen.add(p.toString()));
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
          versioning.cancel();
        }
      }
    };

    assertThatThrownBy(() -> versioning.add(data, "churn", null, null, Map.of(), cancelMidUpload, false))
        .hasMessageContaining("cancelled");
    assertThat(seen).anyMatch(p -> p.contains(".tmp")); // the upload was under way, into a temporary file
    assertThat(storedFiles()).noneMatch(p -> p.contains(".tmp") || p.contains("leases"))
        .noneMatch(p -> p.endsWith(Hashing.sha256Hex(big)));
    assertThat(store.datasets()).isEmpty();
  }

  @Test
  void gcRemovesUnreferencedBlobsOnlyAfterTheGracePeriodAndDryRunRemovesNothing() throws IOException {
    write("kept.txt", "kept");
    add();
    // an interrupted add left a blob no version references
    String orphan = Hashing.sha256Hex("orphan".getBytes(StandardCharsets.UTF_8));
    artifacts.put(DatasetVersioning.blobPath(orphan), new java.io.ByteArrayInputStream("orphan".getBytes()));
    BlobCollector gc = new BlobCollector(store, artifacts);
    Instant now = Instant.now();

    GcResult dry = gc.collect(java.time.Duration.ZERO, true, now);
    assertThat(dry.removed()).containsExactly(orphan);
    assertThat(artifacts.stat(DatasetVersioning.blobPath(orphan))).isNotNull();

    GcResult first = gc.collect(java.time.Duration.ofHours(1), false, now);
    assertThat(first.removed()).isEmpty();
    assertThat(first.waiting()).isEqualTo(1);
    assertThat(first.referenced()).isEqualTo(2); // kept.txt and the manifest
    GcResult early = gc.collect(java.time.Duration.ofHours(1), false, now.plus(java.time.Duration.ofMinutes(59)));
    assertThat(early.removed()).isEmpty();
    GcResult late = gc.collect(java.time.Duration.ofHours(1), false, now.plus(java.time.Duration.ofMinutes(61)));
    assertThat(late.removed()).containsExactly(orphan);
    assertThat(late.removedBytes()).isEqualTo(6);
    assertThat(artifacts.stat(DatasetVersioning.blobPath(orphan))).isNull();
    assertThat(versioning.get(DatasetRef.parse("churn@1"), tmp.resolve("out")).filesWritten()).isEqualTo(1);
  }

  @Test
  void gcNeverRemovesTheBlobsOfAnAddInProgress() throws Exception {
    write("a.txt", "in flight");
    String blob = Hashing.sha256Hex("in flight".getBytes(StandardCharsets.UTF_8));
    BlobCollector gc = new BlobCollector(store, artifacts);
    GcResult[] during = new GcResult[1];
    // run gc (grace 0) while the add has uploaded its blobs but not yet written its version row
    AddProgress gcBeforeCommit = new AddProgress() {
      @Override
      public void phase(String name, long totalBytes) {}

      @Override
      public void advance(long bytes) {}

      @Override
      public void done() {
        during[0] = gc.collect(java.time.Duration.ZERO, false, Instant.now());
      }
    };
    AddResult r = versioning.add(data, "churn", null, null, Map.of(), gcBeforeCommit, false);

    assertThat(during[0].removed()).isEmpty();
    assertThat(during[0].leased()).isEqualTo(2); // the file and the manifest
    assertThat(artifacts.stat(DatasetVersioning.blobPath(blob))).isNotNull();
    assertThat(gc.collect(java.time.Duration.ZERO, false, Instant.now()).removed()).isEmpty();
    assertThat(storedFiles()).noneMatch(p -> p.contains("leases"));
    assertThat(versioning.get(r.version().ref(), tmp.resolve("out")).filesWritten()).isEqualTo(1);
  }

  @Test
  void unchangedTablesAreNotProfiledAgain() throws IOException {
    int[] calls = {0};
    versioning = newVersioning((file, rel) -> {
      calls[0]++;
      return new TableProfiler.TableProfile(1, JsonNodeFactory.instance.objectNode(),
          JsonNodeFactory.instance.objectNode());
    });
    write("a.csv", "x\n1\n");
    write("b.csv", "y\n2\n");
    add();
    write("b.csv", "y\n3\n");
    AddResult v2 = add();
    assertThat(calls[0]).isEqualTo(3);
    assertThat(v2.version().rowCount()).isEqualTo(2);
  }

  @Test
  void addOfAMissingOrEmptyPathFailsWithItsName() throws IOException {
    assertThatThrownBy(() -> versioning.add(tmp.resolve("nope"), "x", null, null, Map.of()))
        .hasMessageContaining("nope").hasMessageContaining("does not exist");
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    assertThatThrownBy(() -> versioning.add(empty, "x", null, null, Map.of())).hasMessageContaining("no files");
  }

  @Test
  void unknownVersionErrorNamesTheRange() throws IOException {
    write("a.txt", "one");
    add();
    assertThatThrownBy(() -> versioning.show(DatasetRef.parse("churn@7")))
        .hasMessage("dataset 'churn' has no version 7; its versions are 1..1");
  }
}
