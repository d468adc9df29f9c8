package dev.cairn.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.tracking.Run;
import dev.cairn.tracking.RunStatus;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/sdk.md's Java examples, run as written: every ```java block, in order, becomes the body of one main
 * method (imports hoisted), compiled against the SDK and run in a fresh JVM against a real server.
 */
class SdkDocTest extends AgainstServer {
  static final Path DOC = Path.of("..", "docs", "sdk.md");
  static final Pattern JAVA_BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);

  @Test
  void everyJavaExampleInSdkMdCompilesAndRunsAgainstAServer(@TempDir Path work) throws Exception {
    String source = programOf(Files.readString(DOC));
    Path src = Files.writeString(Files.createDirectories(work.resolve("src")).resolve("SdkDoc.java"), source);
    Path classes = Files.createDirectories(work.resolve("classes"));
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    java.io.ByteArrayOutputStream errors = new java.io.ByteArrayOutputStream();
    int compiled = javac.run(null, null, errors, "-d", classes.toString(),
        "-cp", System.getProperty("java.class.path"), src.toString());
    assertThat(compiled).as("docs/sdk.md examples compile:%n%s%n%s", errors, source).isZero();

    // the files the examples upload, in the directory they run from
    Path cwd = Files.createDirectories(work.resolve("cwd"));
    Files.write(cwd.resolve("model.bin"), new byte[] {1, 2, 3});
    Files.writeString(Files.createDirectories(cwd.resolve("reports/plots")).resolve("roc.csv"), "fpr,tpr\n0,0\n1,1\n");
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", classes + File.pathSeparator + System.getProperty("java.class.path"), "SdkDoc")
        .directory(cwd.toFile())
        .redirectErrorStream(true);
    pb.environment().put("CAIRN_TRACKING_URI", server.url());
    pb.environment().remove("MLFLOW_TRACKING_URI");
    Process p = pb.start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as("the examples run:%n%s", output).isZero();

    String experimentId = client.getExperimentByName("churn").orElseThrow().experimentId();
    Map<String, RunStatus> status = new java.util.TreeMap<>();
    for (Run r : client.searchRuns(List.of(experimentId), null, null, 100, null).items()) {
      status.put(r.info().runName(), r.info().status());
    }
    assertThat(status).containsEntry("baseline", RunStatus.FAILED) // ended by endRun(runId, FAILED)
        .containsEntry("manual", RunStatus.KILLED)
        .containsEntry("sweep", RunStatus.FINISHED)
        .containsEntry("lr=0.1", RunStatus.FINISHED)
        .containsEntry("with-artifacts", RunStatus.FINISHED);
    assertThat(Files.readAllBytes(cwd.resolve("downloads/model/model.bin"))).containsExactly(1, 2, 3);
    assertThat(Files.readString(cwd.resolve("restored/plots/roc.csv"))).isEqualTo("fpr,tpr\n0,0\n1,1\n");
  }

  /** One class whose main method runs the doc's Java blocks in order; the doc's server URL becomes the test's. */
  static String programOf(String markdown) {
    TreeSet<String> imports = new TreeSet<>();
    List<String> body = new ArrayList<>();
    Matcher m = JAVA_BLOCK.matcher(markdown);
    while (m.find()) {
      for (String line : m.group(1).split("\n", -1)) {
        if (line.startsWith("import ")) {
          imports.add(line);
        } else {
          body.add(line.replace("CairnClient.connect(\"http://127.0.0.1:5000\")", "CairnClient.connect()"));
        }
      }
    }
    assertThat(body).as("java blocks in %s", DOC).isNotEmpty();
    return String.join("\n", imports) + "\n\npublic class SdkDoc {\n  public static void main(String[] args) throws Exception {\n"
        + body.stream().map(l -> "    " + l).collect(Collectors.joining("\n")) + "\n  }\n}\n";
  }
}
