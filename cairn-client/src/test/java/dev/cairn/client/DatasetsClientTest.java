package dev.cairn.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Hashing;
import dev.cairn.server.CairnServer;
import dev.cairn.tracking.Run;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SDK's dataset calls against a real server: add, get with hash checks, link to a run. */
class DatasetsClientTest {
  @TempDir Path serverDir;
  @TempDir Path work;
  CairnServer server;
  CairnClient client;
  DatasetsClient datasets;

  @BeforeEach
  void start() {
    server = TestServer.start(serverDir);
    client = CairnClient.connect(server.url());
    datasets = client.datasets();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private Path folder(String name, Map<String, String> files) throws IOException {
    Path dir = work.resolve(name);
    for (Map.Entry<String, String> f : files.entrySet()) {
      Path file = dir.resolve(f.getKey());
      Files.createDirectories(file.getParent());
      Files.writeString(file, f.getValue());
    }
    return dir;
  }

  private List<Path> serverBlobs() throws IOException {
    try (Stream<Path> files = Files.walk(serverDir.resolve("artifacts/datasets/blobs"))) {
      return files.filter(Files::isRegularFile).toList();
    }
  }

  private static String sha(String text) {
    return Hashing.sha256Hex(text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void addStoresEachContentOnceAndUnchangedContentMakesNoNewVersion() throws IOException {
    Path data = folder("churn", Map.of("train.csv", "x,y\n1,a\n2,b\n", "copy.csv", "x,y\n1,a\n2,b\n",
        "docs/README", "about", ".cairn/statcache", "not data"));

    DatasetVersionInfo v1 = datasets.add("churn", data, "first", Map.of("team", "red"));
    DatasetVersionInfo same = datasets.add("churn", data);
    Files.writeString(data.resolve("docs/README"), "about, edited");
    DatasetVersionInfo v2 = datasets.add("churn", data);

    assertThat(v1.version()).isEqualTo(1);
    assertThat(v1.fileCount()).isEqualTo(3);
    assertThat(v1.rowCount()).isEqualTo(4);
    assertThat(v1.tags()).containsEntry("team", "red");
    assertThat(v1.message()).isEqualTo("first");
    assertThat(same.version()).isEqualTo(1);
    assertThat(same.contentSha256()).isEqualTo(v1.contentSha256());
    assertThat(v2.version()).isEqualTo(2);
    // blobs: one CSV content, two READMEs, two manifests
    assertThat(serverBlobs()).extracting(p -> p.getFileName().toString()).containsExactlyInAnyOrder(
        sha("x,y\n1,a\n2,b\n"), sha("about"), sha("about, edited"), v1.contentSha256(), v2.contentSha256());
    assertThat(datasets.show("churn").version()).isEqualTo(2);
    assertThat(datasets.show("churn@1").contentSha256()).isEqualTo(v1.contentSha256());
  }

  @Test
  void addReportsTheUploadOfWhatTheServerLacksAgainstItsTotal() throws IOException {
    byte[] big = new byte[3 << 20];
    new java.util.Random(7).nextBytes(big);
    Path data = folder("upload", Map.of("small.txt", "small"));
    Files.write(data.resolve("big.bin"), big);
    List<long[]> first = new java.util.concurrent.CopyOnWriteArrayList<>();
    List<long[]> again = new java.util.concurrent.CopyOnWriteArrayList<>();

    datasets.addVersion("upload", data, null, "me", Map.of(), DatasetsClientTest::sha256Of,
        (done, total) -> first.add(new long[] {done, total}));
    Files.writeString(data.resolve("small.txt"), "changed");
    datasets.addVersion("upload", data, null, "me", Map.of(), DatasetsClientTest::sha256Of,
        (done, total) -> again.add(new long[] {done, total}));

    long firstTotal = big.length + "small".length();
    assertThat(first).isNotEmpty().allSatisfy(u -> assertThat(u[1]).isEqualTo(firstTotal));
    assertThat(first).extracting(u -> u[0]).isSorted().last().isEqualTo(firstTotal);
    // the second add uploads only the edited file: the big blob is already on the server
    assertThat(again).isNotEmpty().allSatisfy(u -> assertThat(u[1]).isEqualTo("changed".length()));
    assertThat(again.get(again.size() - 1)[0]).isEqualTo("changed".length());
  }

  private static String sha256Of(Path file) throws IOException {
    return Hashing.sha256Hex(Files.readAllBytes(file));
  }

  @Test
  void getWritesEveryFileCheckedAndLeavesUpToDateFilesAlone() throws IOException {
    Path data = folder("src", Map.of("a.txt", "alpha", "nested/b.txt", "beta"));
    DatasetVersionInfo v = datasets.add("letters", data);
    Path target = work.resolve("out");

    DatasetVersionInfo got = datasets.get("letters@" + v.version(), target);
    FileTime stamp = FileTime.fromMillis(1_000_000);
    Files.setLastModifiedTime(target.resolve("a.txt"), stamp);
    datasets.get("letters", target);

    assertThat(got.contentSha256()).isEqualTo(v.contentSha256());
    assertThat(Files.readString(target.resolve("a.txt"))).isEqualTo("alpha");
    assertThat(Files.readString(target.resolve("nested/b.txt"))).isEqualTo("beta");
    assertThat(Files.getLastModifiedTime(target.resolve("a.txt"))).isEqualTo(stamp);
    try (Stream<Path> files = Files.walk(target)) {
      assertThat(files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("a.txt", "b.txt");
    }
  }

  @Test
  void getRefusesToOverwriteAnEditedFileUnlessAsked() throws IOException {
    DatasetVersionInfo v = datasets.add("letters", folder("src", Map.of("a.txt", "alpha", "b.txt", "beta")));
    Path target = work.resolve("out");
    datasets.get(v.ref(), target);
    Files.writeString(target.resolve("a.txt"), "my edits");
    Files.delete(target.resolve("b.txt"));

    assertThatThrownBy(() -> datasets.get(v.ref(), target))
        .isInstanceOf(CairnException.class).hasMessageContaining("a.txt").hasMessageContaining("nothing was written");
    assertThat(Files.readString(target.resolve("a.txt"))).isEqualTo("my edits");
    assertThat(target.resolve("b.txt")).doesNotExist();

    datasets.get(v.ref(), target, true);
    assertThat(Files.readString(target.resolve("a.txt"))).isEqualTo("alpha");
    assertThat(Files.readString(target.resolve("b.txt"))).isEqualTo("beta");
  }

  @Test
  void aCorruptedBlobOnTheServerIsNeverWrittenToTheTarget() throws IOException {
    DatasetVersionInfo v = datasets.add("letters", folder("src", Map.of("a.txt", "alpha")));
    Path blob = serverDir.resolve("artifacts/datasets/blobs/" + sha("alpha").substring(0, 2) + "/" + sha("alpha"));
    Files.writeString(blob, "omega");
    Path target = work.resolve("out");

    assertThatThrownBy(() -> datasets.get(v.ref(), target))
        .isInstanceOf(CairnException.class).hasMessageContaining("a.txt").hasMessageContaining(sha("alpha"));
    try (Stream<Path> files = Files.walk(target)) {
      assertThat(files.filter(Files::isRegularFile)).isEmpty();
    }
  }

  @Test
  void aVersionLinkedToARunIsItsMlflowDatasetInput() throws IOException {
    DatasetVersionInfo v = datasets.add("churn", folder("churn", Map.of("train.csv", "x\n1\n2\n3\n")));
    String experimentId = client.createExperiment("with-data");
    String runId;
    try (ActiveRun run = client.startRun(experimentId, "trained", RunOptions.defaults().withAutoTags(false))) {
      runId = run.runId();
    }
    String other = client.run(experimentId, "other", RunOptions.defaults().withAutoTags(false), r -> { });

    datasets.logAsRunInput(runId, v.ref(), "training");

    Run reloaded = client.getRun(runId);
    assertThat(reloaded.inputs()).singleElement().satisfies(i -> {
      assertThat(i.name()).isEqualTo("churn");
      assertThat(v.contentSha256()).startsWith(i.digest());
      assertThat(i.source()).isEqualTo("cairn-dataset:churn@1");
      assertThat(i.profile()).contains("\"num_rows\":3");
      assertThat(i.tags()).anySatisfy(t -> assertThat(t.value()).isEqualTo("training"));
    });
    assertThat(client.searchRuns(List.of(experimentId), "datasets.name = 'churn'", List.of(), 10, null).items())
        .extracting(r -> r.info().runId()).containsExactly(runId).doesNotContain(other);
  }

  @Test
  void badReferencesNamesAndUnknownVersionsFailWithTheServersReason() throws IOException {
    Path data = folder("src", Map.of("a.txt", "alpha"));

    assertThatThrownBy(() -> datasets.add("bad name!", data))
        .isInstanceOf(CairnException.class).hasMessageContaining("dataset name")
        .extracting(e -> ((CairnException) e).code()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE);
    assertThatThrownBy(() -> datasets.get("nope@1", work.resolve("x")))
        .isInstanceOf(CairnException.class)
        .extracting(e -> ((CairnException) e).code()).isEqualTo(ErrorCode.RESOURCE_DOES_NOT_EXIST);
    assertThatThrownBy(() -> datasets.show("a@")).hasMessageContaining("NAME@VERSION");
    assertThatThrownBy(() -> datasets.add("empty", Files.createDirectories(work.resolve("empty"))))
        .hasMessageContaining("no files");
    assertThat(work.resolve("x")).doesNotExist();
  }
}
