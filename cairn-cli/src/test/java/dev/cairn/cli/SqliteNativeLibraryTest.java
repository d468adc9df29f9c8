package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The library the launcher extracts once is the one the driver then loads: a process given its path opens SQLite
 * without writing a temporary copy of the library (one without it does write one, so the check can fail).
 */
class SqliteNativeLibraryTest {
  @TempDir Path dir;

  @Test
  void aProcessGivenTheExtractedLibraryOpensSqliteWithoutWritingItsOwnCopy() throws Exception {
    Path library = SqliteNativeLibrary.extract(dir.resolve("native"));
    assertThat(library).isRegularFile();
    try (Stream<Path> files = Files.list(library.getParent())) {
      assertThat(files).containsExactly(library); // no partial file left
    }

    assertThat(probe(List.of("-Dorg.sqlite.lib.path=" + library.getParent(),
        "-Dorg.sqlite.lib.name=" + library.getFileName()), dir.resolve("tmp-given"))).isEqualTo("opened, 0 files");
    assertThat(probe(List.of(), dir.resolve("tmp-own"))).startsWith("opened, ").isNotEqualTo("opened, 0 files");
  }

  /** What {@link Probe} printed in a JVM with {@code flags} and the driver's temporary folder {@code tmp}. */
  private static String probe(List<String> flags, Path tmp) throws Exception {
    Files.createDirectories(tmp);
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    command.addAll(flags);
    command.addAll(List.of("-Dorg.sqlite.tmpdir=" + tmp, "-cp", System.getProperty("java.class.path"),
        Probe.class.getName()));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }

  /** Opens an in-memory database and counts what the driver wrote to its temporary folder meanwhile. */
  static final class Probe {
    public static void main(String[] args) throws Exception {
      try (Connection c = DriverManager.getConnection("jdbc:sqlite::memory:");
          Stream<Path> files = Files.list(Path.of(System.getProperty("org.sqlite.tmpdir")))) {
        c.createStatement().execute("SELECT 1");
        System.out.println("opened, " + files.count() + " files");
      }
    }
  }
}
