package dev.cairn.ml.eval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.ml.gate.Gate;
import dev.cairn.ml.onnx.OnnxSchema;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/evaluation.md as written: its Java example compiles and prints exactly the text shown under "It prints:",
 * its YAML examples parse (the gate config and schema.yaml), and its gate expressions and error lines are real.
 */
class EvaluationDocTest {
  static final Path DOC = Path.of("..", "docs", "evaluation.md");

  private static List<String> blocks(String markdown, String language) {
    List<String> out = new ArrayList<>();
    Matcher m = Pattern.compile("```" + language + "\\n(.*?)```", Pattern.DOTALL).matcher(markdown);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  @Test
  void theJavaExampleRunsAndPrintsWhatTheDocShows(@TempDir Path work) throws Exception {
    String markdown = Files.readString(DOC);
    TreeSet<String> imports = new TreeSet<>();
    StringBuilder body = new StringBuilder();
    for (String block : blocks(markdown, "java")) {
      for (String line : block.split("\n", -1)) {
        if (line.startsWith("import ")) {
          imports.add(line);
        } else {
          body.append("    ").append(line).append('\n');
        }
      }
    }
    String source = String.join("\n", imports) + "\n\npublic class EvaluationDoc {\n"
        + "  public static void main(String[] args) throws Exception {\n" + body + "  }\n}\n";
    Path src = Files.writeString(Files.createDirectories(work.resolve("src")).resolve("EvaluationDoc.java"), source);
    Path classes = Files.createDirectories(work.resolve("classes"));
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    ByteArrayOutputStream errors = new ByteArrayOutputStream();
    int compiled = javac.run(null, null, errors, "-d", classes.toString(),
        "-cp", System.getProperty("java.class.path"), src.toString());
    assertThat(compiled).as("docs/evaluation.md example compiles:%n%s%n%s", errors, source).isZero();

    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    PrintStream out = System.out;
    try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()},
        getClass().getClassLoader())) {
      System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
      loader.loadClass("EvaluationDoc").getMethod("main", String[].class).invoke(null, (Object) new String[0]);
    } finally {
      System.setOut(out);
    }
    String shown = markdown.substring(markdown.indexOf("It prints:"));
    String expected = blocks(shown, "text").get(0);
    assertThat(printed.toString(StandardCharsets.UTF_8)).isEqualTo(expected);
  }

  @Test
  void theYamlExamplesParse() throws Exception {
    List<String> yaml = blocks(Files.readString(DOC), "yaml");
    assertThat(yaml).hasSize(2);
    assertThat(Gate.fromYaml(yaml.get(0), "gate.yaml").checks()).hasSize(3);
    OnnxSchema schema = OnnxSchema.parse(yaml.get(1), "schema.yaml");
    assertThat(schema.width()).isEqualTo(5);
    assertThat(schema.output().labels()).containsExactly("no", "yes");
    assertThat(schema.inputTensor()).isEqualTo("float_input");
  }

  @Test
  void theGateExpressionsParseAndTheErrorsAreTheRealOnes() throws Exception {
    List<String> text = blocks(Files.readString(DOC), "text");
    assertThat(Gate.parse(text.get(0).strip().split("\n")).checks()).hasSize(5);
    for (String error : text.get(1).strip().split("\n")) {
      String expression = error.substring(error.indexOf('\'') + 1, error.indexOf('\'', error.indexOf('\'') + 1));
      try {
        Gate.parse(expression);
        throw new AssertionError(expression + " parsed");
      } catch (dev.cairn.core.CairnException e) {
        String shown = error.endsWith("...") ? error.substring(0, error.length() - 3) : error;
        assertThat(e.getMessage()).startsWith(shown);
      }
    }
  }
}
