package dev.cairn.client;

import dev.cairn.tracking.Tag;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The tags every run gets automatically: where the code came from (git commit, branch, remote, dirty flag,
 * entry point) and what ran it (user, JDK, host), under MLflow's {@code mlflow.*} names where MLflow has one.
 * Git is asked with the {@code git} command in the working directory; no git, or no repository, just means
 * no git tags.
 */
public final class SourceTags {
  static final String GIT_COMMIT = "mlflow.source.git.commit";
  static final String GIT_BRANCH = "mlflow.source.git.branch";
  static final String GIT_REPO_URL = "mlflow.source.git.repoURL";
  static final String GIT_DIRTY = "cairn.source.git.dirty";
  static final String SOURCE_NAME = "mlflow.source.name";
  static final String SOURCE_TYPE = "mlflow.source.type";
  static final String USER = "mlflow.user";
  static final String JDK = "cairn.jdk";
  static final String HOST = "cairn.host";

  private SourceTags() {}

  /** The tags for code run from {@code workingDirectory} (git is asked there). */
  public static List<Tag> collect(Path workingDirectory) {
    List<Tag> tags = new ArrayList<>();
    tags.add(new Tag(SOURCE_NAME, sourceName()));
    tags.add(new Tag(SOURCE_TYPE, "LOCAL"));
    tags.add(new Tag(USER, System.getProperty("user.name", "unknown")));
    tags.add(new Tag(JDK, Runtime.version() + " (" + System.getProperty("java.vendor", "unknown vendor") + ")"));
    host().ifPresent(h -> tags.add(new Tag(HOST, h)));
    git(workingDirectory, "rev-parse", "HEAD").ifPresent(commit -> {
      tags.add(new Tag(GIT_COMMIT, commit));
      git(workingDirectory, "rev-parse", "--abbrev-ref", "HEAD").ifPresent(b -> tags.add(new Tag(GIT_BRANCH, b)));
      git(workingDirectory, "config", "--get", "remote.origin.url")
          .ifPresent(u -> tags.add(new Tag(GIT_REPO_URL, withoutCredentials(u))));
      git(workingDirectory, "status", "--porcelain", "--untracked-files=no")
          .ifPresent(s -> tags.add(new Tag(GIT_DIRTY, Boolean.toString(!s.isBlank()))));
    });
    return tags;
  }

  /** The program that runs: the main class or jar of this JVM, as MLflow records the script path. */
  static String sourceName() {
    String command = System.getProperty("sun.java.command", "").strip();
    if (command.isEmpty()) {
      return "java";
    }
    int space = command.indexOf(' ');
    return space < 0 ? command : command.substring(0, space);
  }

  /** Drops a user:token@ part so a credential in a remote URL never lands in a tag. */
  static String withoutCredentials(String url) {
    return url.replaceFirst("^([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@]*@", "$1");
  }

  private static Optional<String> host() {
    String env = System.getenv("HOSTNAME");
    if (env != null && !env.isBlank()) {
      return Optional.of(env.strip());
    }
    try {
      return Optional.of(InetAddress.getLocalHost().getHostName());
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** Runs git and returns its trimmed output, or empty when git is missing, fails, or hangs. */
  static Optional<String> git(Path dir, String... args) {
    List<String> command = new ArrayList<>();
    command.add("git");
    command.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      p.getOutputStream().close();
      byte[] out;
      try (InputStream in = p.getInputStream()) {
        out = in.readNBytes(64 * 1024);
      }
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return Optional.empty();
      }
      if (p.exitValue() != 0) {
        return Optional.empty();
      }
      return Optional.of(new String(out, StandardCharsets.UTF_8).strip());
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }
}
