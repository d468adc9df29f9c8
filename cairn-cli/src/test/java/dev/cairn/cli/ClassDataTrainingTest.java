package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The launcher's class-data training run still runs every command it means to, and cleans up after itself. */
class ClassDataTrainingTest {
  @Test
  void trainingRunsEachLightCommandWithTheExpectedExitCodeAndLeavesNoTempFolder() throws IOException {
    List<Path> before = trainingFolders();
    ClassDataTraining.main(new String[0]); // throws when a command exits otherwise than expected
    assertThat(trainingFolders()).isEqualTo(before);
  }

  private static List<Path> trainingFolders() throws IOException {
    try (Stream<Path> list = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return list.filter(p -> p.getFileName().toString().startsWith("cairn-cds-")).sorted().toList();
    }
  }
}
