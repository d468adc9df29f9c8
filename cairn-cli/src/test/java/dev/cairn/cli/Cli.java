package dev.cairn.cli;

import dev.cairn.server.CairnServer;
import dev.cairn.server.CairnServer.ServerConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine;

/** Runs the CLI in-process as {@code main} does and captures what it printed; starts test servers. */
public final class Cli {
  private Cli() {}

  /** What one in-process run of the CLI printed and returned. */
  public record Result(int exitCode, String out, String err) {
    long errLines() {
      return err.lines().count();
    }
  }

  /** Runs the CLI as {@code main} does (only the named group built), with an empty environment. */
  public static Result cairn(String... args) {
    return cairnWith(Map.of(), args);
  }

  /** Runs the CLI with {@code env} as its environment (the process's own is never read for options). */
  public static Result cairnWith(Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = Main.commandLine(env, args);
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  /**
   * Runs {@code group args...} on embedded stores under {@code dir}: the database at {@code db/cairn.db}, blobs under
   * {@code artifactsFolder}, the stat cache at {@code cache}.
   */
  public static Result onStores(Path dir, String artifactsFolder, String group, String... args) {
    java.util.List<String> all = new java.util.ArrayList<>(java.util.List.of(group));
    all.addAll(java.util.List.of(args));
    all.addAll(java.util.List.of("--backend-store-uri", "sqlite:" + dir.resolve("db/cairn.db"),
        "--artifacts-uri", "file:" + dir.resolve(artifactsFolder), "--stat-cache", dir.resolve("cache").toString()));
    return cairn(all.toArray(String[]::new));
  }

  /** Runs a command against {@code server}. */
  static Result tracked(CairnServer server, String... args) {
    String[] all = new String[args.length + 2];
    all[0] = "--tracking-uri";
    all[1] = server.url();
    System.arraycopy(args, 0, all, 2, args.length);
    return cairn(all);
  }

  /** A server on a free loopback port keeping its SQLite database and artifacts in {@code dir}. */
  static CairnServer startServer(Path dir) {
    return CairnServer.start(new ServerConfig("127.0.0.1", 0,
        "sqlite:" + dir.resolve("cairn.db"), "file:" + dir.resolve("artifacts")));
  }
}
