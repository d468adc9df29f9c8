package dev.cairn.cli.docs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the {@code console} blocks of a Markdown page as one bash session and compares what each command
 * printed (stdout and stderr together) with the lines the page shows after it. A line starting with
 * {@code $ } is a command (a trailing backslash continues it on the next line); shell variables set by one
 * command stay for the next, as in a terminal. In the page's output, {@code <id>} stands for a 32-hex run id,
 * {@code <time>} for a UTC time as the CLI prints it, {@code <any>} for any text within a line, and a line
 * {@code ...} for any number of lines. {@code cairn} runs the CLI from the test classpath.
 */
final class ConsoleSession {
  /** One command of the page and the output the page shows for it. */
  record Step(int line, String command, List<String> expected) {}

  private static final String MARKER = "@@cairn-doc-step@@";

  private ConsoleSession() {}

  static List<Step> steps(Path markdown) throws IOException {
    List<String> lines = Files.readAllLines(markdown, StandardCharsets.UTF_8);
    List<Step> steps = new ArrayList<>();
    boolean inConsole = false;
    StringBuilder command = null;
    int commandLine = 0;
    List<String> expected = null;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.startsWith("```")) {
        if (inConsole && command != null) {
          steps.add(new Step(commandLine, command.toString(), expected));
          command = null;
        }
        inConsole = !inConsole && line.strip().equals("```console");
        continue;
      }
      if (!inConsole) {
        continue;
      }
      if (command != null && command.toString().endsWith("\\") && expected.isEmpty()) {
        command.append('\n').append(line);
      } else if (line.startsWith("$ ")) {
        if (command != null) {
          steps.add(new Step(commandLine, command.toString(), expected));
        }
        command = new StringBuilder(line.substring(2));
        commandLine = i + 1;
        expected = new ArrayList<>();
      } else if (command != null) {
        expected.add(line);
      }
    }
    return steps;
  }

  /**
   * Runs every step in one bash process in {@code workDir} and returns each step's output lines.
   * {@code environment} is added to a copy of this process's environment without its CAIRN_ and MLFLOW_
   * variables.
   */
  static List<List<String>> run(List<Step> steps, Path workDir, Map<String, String> environment, long timeoutSeconds)
      throws IOException, InterruptedException {
    return run(steps, workDir, environment, timeoutSeconds, "dev.cairn.cli.Main");
  }

  /** As above, with {@code cairn} running {@code mainClass} (a test launcher adding groups not merged yet). */
  static List<List<String>> run(List<Step> steps, Path workDir, Map<String, String> environment, long timeoutSeconds,
      String mainClass) throws IOException, InterruptedException {
    Path bin = Files.createDirectories(workDir.resolve(".doc-bin"));
    Path args = bin.resolve("java.args");
    Files.writeString(args, "-cp \"" + System.getProperty("java.class.path").replace("\\", "\\\\") + "\"\n");
    Path cairn = bin.resolve("cairn");
    Files.writeString(cairn, "#!/bin/sh\nexec java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC @" + args
        + " " + mainClass + " \"$@\"\n");
    cairn.toFile().setExecutable(true);

    StringBuilder script = new StringBuilder("exec 2>&1\n");
    for (Step step : steps) {
      script.append("printf '%s\\n' '").append(MARKER).append("'\n").append(step.command()).append('\n');
    }
    ProcessBuilder pb = new ProcessBuilder("bash", "-c", script.toString()).directory(workDir.toFile());
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("CAIRN_") || k.startsWith("MLFLOW_"));
    env.putAll(environment);
    env.put("PATH", bin + ":" + env.getOrDefault("PATH", "/usr/bin:/bin"));
    pb.redirectErrorStream(true);
    Path transcript = workDir.resolve(".doc-transcript");
    pb.redirectOutput(transcript.toFile());
    Process process = pb.start();
    if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("the page's commands did not finish within " + timeoutSeconds + " s; so far:\n"
          + Files.readString(transcript));
    }
    List<List<String>> outputs = new ArrayList<>();
    for (String line : Files.readAllLines(transcript, StandardCharsets.UTF_8)) {
      if (line.equals(MARKER)) {
        outputs.add(new ArrayList<>());
      } else if (!outputs.isEmpty()) {
        outputs.get(outputs.size() - 1).add(line);
      }
    }
    return outputs;
  }

  /** Null when {@code actual} is what the step shows, else a report naming the page line. */
  static String mismatch(Path page, Step step, List<String> actual) {
    List<String> trimmed = actual.stream().map(String::stripTrailing).toList();
    List<String> expected = step.expected().stream().map(String::stripTrailing).toList();
    while (!expected.isEmpty() && expected.get(expected.size() - 1).isEmpty()) {
      expected = expected.subList(0, expected.size() - 1);
    }
    if (DocRunner.linesMatch(expected, trimmed)) {
      return null;
    }
    return page.getFileName() + ":" + step.line() + ": $ " + step.command() + "\n--- the page shows:\n"
        + String.join("\n", expected) + "\n--- it printed:\n" + String.join("\n", trimmed) + "\n";
  }
}
