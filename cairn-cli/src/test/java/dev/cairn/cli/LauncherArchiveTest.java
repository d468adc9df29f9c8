package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code cairn} launcher records its class-data archive in the background: the command that finds none runs
 * first and alone prints one line about it, a second launcher meanwhile neither waits nor records again, no archive
 * exists until a complete one is renamed into place, and the next command maps it. The launcher runs for real on a
 * small jar whose {@code ClassDataTraining} waits for the test's word, so the order of events is the test's to see.
 */
class LauncherArchiveTest {
  private static final long TIMEOUT_SECONDS = 120;

  @TempDir Path root;
  private Path training;
  private Path archive;

  private record Run(int exit, String out, String err) {}

  @BeforeEach
  void setUp() throws Exception {
    Path script = Path.of(System.getProperty("user.dir")).resolveSibling("cairn");
    Files.copy(script, root.resolve("cairn"));
    root.resolve("cairn").toFile().setExecutable(true);
    Path target = Files.createDirectories(root.resolve("cairn-cli/target"));
    training = Files.createDirectories(root.resolve("training"));
    archive = target.resolve("cairn.jsa");
    buildJar(target.resolve("cairn.jar"));
  }

  @AfterEach
  void release() throws IOException {
    Files.writeString(training.resolve("release"), ""); // a recorder left waiting by a failed test finishes
  }

  @Test
  void theFirstCommandRunsAtOnceWhileOneBackgroundRecorderWritesTheArchiveTheNextCommandMaps() throws Exception {
    Run first = launch(Map.of(), "one");
    assertThat(first.exit()).isZero();
    assertThat(first.out()).isEqualTo("hello one\n");
    assertThat(first.err().lines().toList()).containsExactly(
        "cairn: recording a class-data archive in the background for faster start-ups (once per build)");

    awaitTrue(() -> recordersStarted() == 1);
    assertThat(archive).as("no archive before the recording is complete").doesNotExist();

    Run second = launch(Map.of(), "two");
    assertThat(second.exit()).isZero();
    assertThat(second.out()).isEqualTo("hello two\n");
    assertThat(second.err()).as("a recording is under way: nothing to say").isEmpty();

    Files.writeString(training.resolve("release"), "");
    awaitTrue(() -> Files.exists(archive) && Files.exists(archive.resolveSibling("cairn.jsa.java")));
    assertThat(recordersStarted()).isEqualTo(1);
    try (Stream<Path> files = Files.list(archive.getParent())) {
      assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".partial"));
    }

    Run third = launch(Map.of("CAIRN_JAVA_OPTS", "-Xlog:class+load=info"), "three");
    assertThat(third.exit()).isZero();
    assertThat(third.out()).contains("fake.Hello source: shared objects file").contains("\nhello three\n");
    assertThat(third.err()).isEmpty();
    assertThat(recordersStarted()).as("a current archive is not recorded again").isEqualTo(1);
  }

  private long recordersStarted() {
    try (Stream<Path> files = Files.list(training)) {
      return files.filter(p -> p.getFileName().toString().startsWith("started-")).count();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private Run launch(Map<String, String> env, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(root.resolve("cairn").toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(root.toFile());
    pb.environment().put("CAIRN_SKIP_BUILD", "1");
    pb.environment().put("FAKE_TRAINING_DIR", training.toString());
    pb.environment().put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":"
        + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    pb.environment().remove("CAIRN_JAVA_OPTS");
    pb.environment().remove("CAIRN_CDS");
    pb.environment().putAll(env);
    Path out = Files.createTempFile(root, "out", ".txt");
    Path err = Files.createTempFile(root, "err", ".txt");
    Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("the launcher did not finish within " + TIMEOUT_SECONDS + " s");
    }
    return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within " + TIMEOUT_SECONDS + " s");
      }
      Thread.sleep(50);
    }
  }

  /** A jar whose main class echoes its arguments and whose training waits until the test writes "release". */
  private void buildJar(Path jar) throws IOException {
    Path sources = Files.createDirectories(root.resolve("src"));
    Path classes = Files.createDirectories(root.resolve("classes"));
    Path hello = sources.resolve("Hello.java");
    Files.writeString(hello, """
        package fake;
        public class Hello {
          public static void main(String[] args) {
            System.out.println("hello " + String.join(" ", args));
          }
        }
        """);
    Path trainingSource = sources.resolve("ClassDataTraining.java");
    Files.writeString(trainingSource, """
        package dev.cairn.cli;
        import java.nio.file.*;
        public class ClassDataTraining {
          public static void main(String[] args) throws Exception {
            Path dir = Path.of(System.getenv("FAKE_TRAINING_DIR"));
            Files.writeString(dir.resolve("started-" + ProcessHandle.current().pid()), "");
            long deadline = System.nanoTime() + 300_000_000_000L;
            while (!Files.exists(dir.resolve("release")) && System.nanoTime() < deadline) {
              Thread.sleep(50);
            }
            fake.Hello.main(new String[] {"from training"}); // its class goes into the archive
          }
        }
        """);
    int compiled = ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", classes.toString(),
        hello.toString(), trainingSource.toString());
    assertThat(compiled).isZero();
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "fake.Hello");
    try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest);
        Stream<Path> walk = Files.walk(classes)) {
      for (Path c : walk.filter(Files::isRegularFile).toList()) {
        out.putNextEntry(new JarEntry(classes.relativize(c).toString().replace('\\', '/')));
        out.write(Files.readAllBytes(c));
        out.closeEntry();
      }
    }
  }
}
