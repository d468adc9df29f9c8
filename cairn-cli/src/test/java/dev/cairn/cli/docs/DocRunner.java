package dev.cairn.cli.docs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the shell sessions a Markdown page shows and compares their output with the page. A session is a fenced
 * {@code console} block: a line starting with {@code $ } is a command, the lines after it (up to the next command
 * or the end of the block) are its expected output, stdout and stderr together. In expected output, {@code <time>}
 * stands for a UTC time as the CLI prints it ({@code 2026-11-23 20:44:49Z}), {@code <any>} for any text within a
 * line, and a line {@code ...} for any number of lines. Commands run one after another in one working folder, each
 * as a real process: a command whose first word is a key of {@code programs} and that uses no shell syntax
 * (pipes, redirections, {@code ;}, {@code $}) runs that program's command line with the rest of the words as
 * arguments (so {@code ./cairn} can run the test's classpath); any other runs with {@code sh -c}.
 */
public final class DocRunner {
  /** One command of a page, with the output the page shows for it. */
  public record Step(int line, String command, List<String> expected) {}

  /** What a command printed (stdout, then stderr) and its exit code. */
  public record Outcome(int exitCode, String output) {}

  private static final Pattern FENCE = Pattern.compile("^```(\\S*)\\s*$");
  private static final Pattern SHELL_SYNTAX = Pattern.compile("[|;&<>$`]");
  private static final Pattern PLACEHOLDER = Pattern.compile("<id>|<time>|<any>");

  private final Path workDir;
  private final Map<String, List<String>> programs;
  private final long timeoutSeconds;
  private final java.util.function.Consumer<Map<String, String>> environment;

  /**
   * @param environment adjusts each process's environment (e.g. removes variables that would redirect it)
   */
  public DocRunner(Path workDir, Map<String, List<String>> programs, long timeoutSeconds,
      java.util.function.Consumer<Map<String, String>> environment) {
    this.workDir = workDir;
    this.programs = Map.copyOf(programs);
    this.timeoutSeconds = timeoutSeconds;
    this.environment = environment;
  }

  /** Splits a command into words as sh would for plain words and '...' or "..." quoting (no expansions). */
  static List<String> words(String command) {
    List<String> out = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    boolean inWord = false;
    char quote = 0;
    for (char c : command.toCharArray()) {
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        } else {
          word.append(c);
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
        inWord = true;
      } else if (Character.isWhitespace(c)) {
        if (inWord) {
          out.add(word.toString());
          word.setLength(0);
          inWord = false;
        }
      } else {
        word.append(c);
        inWord = true;
      }
    }
    if (inWord) {
      out.add(word.toString());
    }
    return out;
  }

  /** The commands of every {@code console} block of {@code markdown}, in page order. */
  /**
   * A runner in {@code workDir} whose {@code ./cairn} is this build's CLI, both as a program run directly and as a
   * {@code ./cairn} script for the commands sh runs (pipes, quoting), with {@code java} this JVM, and with no
   * {@code CAIRN_*} or {@code MLFLOW_*} variable reaching the processes.
   */
  public static DocRunner forThisBuild(Path workDir, long timeoutSeconds) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classPath = System.getProperty("java.class.path");
    Path launcher = workDir.resolve("cairn");
    Files.writeString(launcher, "#!/bin/sh\nexec '" + java + "' -cp '" + classPath + "' dev.cairn.cli.Main \"$@\"\n");
    launcher.toFile().setExecutable(true);
    return new DocRunner(workDir, Map.of("./cairn", List.of(java, "-cp", classPath, "dev.cairn.cli.Main"),
        "java", List.of(java)), timeoutSeconds,
        env -> env.keySet().removeIf(k -> k.startsWith("CAIRN_") || k.startsWith("MLFLOW_")));
  }

  /** Runs every step in order and returns how each one's output differs from the page (empty: all as shown). */
  public List<String> mismatches(List<Step> steps) throws IOException, InterruptedException {
    List<String> mismatches = new ArrayList<>();
    for (Step step : steps) {
      String problem = mismatch(step, run(step).output());
      if (problem != null) {
        mismatches.add(problem);
      }
    }
    return mismatches;
  }

  public static List<Step> steps(Path markdown) throws IOException {
    List<String> lines = Files.readAllLines(markdown, StandardCharsets.UTF_8);
    List<Step> out = new ArrayList<>();
    boolean inConsole = false;
    boolean inOther = false;
    int commandLine = 0;
    String command = null;
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      Matcher fence = FENCE.matcher(line);
      if (fence.matches()) {
        if (inConsole) {
          if (command != null) {
            out.add(new Step(commandLine, command, List.copyOf(expected)));
          }
          command = null;
          inConsole = false;
        } else if (inOther) {
          inOther = false;
        } else if (fence.group(1).equals("console")) {
          inConsole = true;
        } else {
          inOther = true;
        }
        continue;
      }
      if (!inConsole) {
        continue;
      }
      if (line.startsWith("$ ")) {
        if (command != null) {
          out.add(new Step(commandLine, command, List.copyOf(expected)));
        }
        command = line.substring(2);
        commandLine = i + 1;
        expected.clear();
      } else if (command != null) {
        expected.add(line);
      }
    }
    return out;
  }

  /** Runs one command in the working folder. */
  public Outcome run(Step step) throws IOException, InterruptedException {
    List<String> words = words(step.command());
    List<String> commandLine = new ArrayList<>();
    List<String> program = programs.get(words.get(0));
    if (program != null && !SHELL_SYNTAX.matcher(step.command()).find()) {
      commandLine.addAll(program);
      commandLine.addAll(words.subList(1, words.size()));
    } else {
      commandLine.addAll(List.of("sh", "-c", step.command()));
    }
    Path output = Files.createTempFile("doc-step", ".out");
    try {
      ProcessBuilder builder = new ProcessBuilder(commandLine).directory(workDir.toFile()).redirectErrorStream(true)
          .redirectOutput(output.toFile());
      environment.accept(builder.environment());
      Process p = builder.start();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("line " + step.line() + ": '" + step.command() + "' ran longer than "
            + timeoutSeconds + " s");
      }
      return new Outcome(p.exitValue(), Files.readString(output));
    } finally {
      Files.deleteIfExists(output);
    }
  }

  /** Null when {@code actual} matches what the page shows, else a description of the first difference. */
  public static String mismatch(Step step, String actual) {
    List<String> lines = actual.lines().toList();
    if (linesMatch(step.expected(), lines)) {
      return null;
    }
    return "line " + step.line() + ": '" + step.command() + "' printed\n" + actual + "but the page shows\n"
        + String.join("\n", step.expected());
  }

  /** Whether {@code actual} matches the page's lines: placeholders within a line, "..." for any lines. */
  static boolean linesMatch(List<String> expected, List<String> actual) {
    return matches(expected, 0, actual, 0);
  }

  private static boolean matches(List<String> expected, int e, List<String> actual, int a) {
    if (e == expected.size()) {
      return a == actual.size();
    }
    if (expected.get(e).equals("...")) {
      for (int skip = a; skip <= actual.size(); skip++) {
        if (matches(expected, e + 1, actual, skip)) {
          return true;
        }
      }
      return false;
    }
    return a < actual.size() && lineMatches(expected.get(e), actual.get(a)) && matches(expected, e + 1, actual, a + 1);
  }

  static boolean lineMatches(String expectedLine, String actual) {
    String expected = expectedLine.stripTrailing();
    StringBuilder regex = new StringBuilder();
    Matcher m = PLACEHOLDER.matcher(expected);
    int at = 0;
    while (m.find()) {
      regex.append(Pattern.quote(expected.substring(at, m.start())));
      regex.append(switch (m.group()) {
        case "<id>" -> "[0-9a-f]{32}";
        case "<time>" -> "\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}Z";
        default -> ".*";
      });
      at = m.end();
    }
    regex.append(Pattern.quote(expected.substring(at)));
    return Pattern.compile(regex.toString()).matcher(actual.stripTrailing()).matches();
  }
}
