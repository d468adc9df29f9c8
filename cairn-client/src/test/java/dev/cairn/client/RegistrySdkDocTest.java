package dev.cairn.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** docs/registry.md's Java example, compiled and run as written in a fresh JVM against a real server. */
class RegistrySdkDocTest extends AgainstServer {
  static final Path DOC = Path.of("..", "docs", "registry.md");

  @Test
  void theJavaExampleRegistersAliasesAndDownloads(@TempDir Path work) throws Exception {
    String source = SdkDocTest.programOf(Files.readString(DOC));
    Path src = Files.writeString(Files.createDirectories(work.resolve("src")).resolve("SdkDoc.java"), source);
    Path classes = Files.createDirectories(work.resolve("classes"));
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    java.io.ByteArrayOutputStream errors = new java.io.ByteArrayOutputStream();
    int compiled = javac.run(null, null, errors, "-d", classes.toString(),
        "-cp", System.getProperty("java.class.path"), src.toString());
    assertThat(compiled).as("docs/registry.md's example compiles:%n%s%n%s", errors, source).isZero();

    Path cwd = Files.createDirectories(work.resolve("cwd"));
    Files.writeString(Files.createDirectories(cwd.resolve("model")).resolve("weights.txt"), "w=0.42\n");
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", classes + File.pathSeparator + System.getProperty("java.class.path"), "SdkDoc")
        .directory(cwd.toFile())
        .redirectErrorStream(true);
    pb.environment().put("CAIRN_TRACKING_URI", server.url());
    pb.environment().remove("MLFLOW_TRACKING_URI");
    Process p = pb.start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as("the example runs:%n%s", output).isZero();

    assertThat(output).contains("churn-sdk version 1 at mlflow-artifacts:/");
    assertThat(Files.readString(cwd.resolve("served/weights.txt"))).isEqualTo("w=0.42\n");
    assertThat(client.models().getVersionByAlias("churn-sdk", "champion").version()).isEqualTo(1);
  }
}
