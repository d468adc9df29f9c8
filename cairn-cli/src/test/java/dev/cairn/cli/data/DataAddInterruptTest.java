package dev.cairn.cli.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ctrl-C (SIGTERM) during {@code cairn data add}: a real child JVM, stopped while it uploads. */
class DataAddInterruptTest {
  @TempDir Path work;

  private List<Path> filesUnder(Path root) throws IOException {
    if (!Files.exists(root)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(Files::isRegularFile).toList();
    }
  }

  @Test
  void sigtermMidUploadLeavesNoTemporaryFilesAndNoVersion() throws Exception {
    Path data = Files.createDirectories(work.resolve("big"));
    // 8 sparse files of 64 MiB: cheap to create, slow enough to upload that the signal lands mid-way
    for (int i = 0; i < 8; i++) {
      try (RandomAccessFile f = new RandomAccessFile(data.resolve("part" + i + ".bin").toFile(), "rw")) {
        f.setLength(64L << 20);
        f.writeLong(i); // distinct content per file
      }
    }
    Path artifacts = work.resolve("artifacts");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "dev.cairn.cli.Main",
        "data", "add", data.toString(), "--name", "big", "--no-progress",
        "--backend-store-uri", "sqlite:" + work.resolve("cairn.db"), "--artifacts-uri", "file:" + artifacts,
        "--stat-cache", work.resolve("statcache").toString())
        .redirectErrorStream(true).redirectOutput(work.resolve("out.txt").toFile()).start();
    // wait (bounded) until an upload is writing its temporary file
    Path tmp = artifacts.resolve(".tmp");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (filesUnder(tmp).isEmpty() && p.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(filesUnder(tmp)).as("an upload was under way when the signal was sent").isNotEmpty();
    p.destroy(); // SIGTERM, as Ctrl-C's SIGINT: the JVM runs its shutdown hooks
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();

    assertThat(p.exitValue()).isNotZero();
    assertThat(filesUnder(tmp)).isEmpty();
    assertThat(filesUnder(artifacts.resolve("datasets/leases"))).isEmpty();
    assertThat(Files.readString(work.resolve("out.txt"))).doesNotContain("added");
    // no version was recorded: the next add of the same data makes version 1
    Process again = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "dev.cairn.cli.Main",
        "data", "log", "big", "--backend-store-uri", "sqlite:" + work.resolve("cairn.db"))
        .redirectErrorStream(true).start();
    assertThat(again.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(new String(again.getInputStream().readAllBytes())).contains("dataset 'big' does not exist");
  }
}
