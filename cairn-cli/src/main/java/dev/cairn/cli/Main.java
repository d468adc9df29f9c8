package dev.cairn.cli;

import dev.cairn.client.CairnClient;
import dev.cairn.core.CairnException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code cairn} command line: the server and the tracking API's experiments, runs and artifacts.
 *
 * <p>Exit codes: 0 success, 1 a server or network error, 2 bad arguments. Every error is one line on
 * stderr; set {@code CAIRN_DEBUG=1} to get stack traces as well.
 */
@Command(
    name = "cairn",
    description = "Cairn: experiment tracking, data versioning and model serving for the JVM.",
    footer = {"", "Exit codes: 0 ok, 1 server or network error, 2 bad arguments.",
        "Tracking URI: --tracking-uri, else $CAIRN_TRACKING_URI, else $MLFLOW_TRACKING_URI, else "
            + CairnClient.DEFAULT_TRACKING_URI + "."})
public final class Main implements Runnable {
  /** Exit code for a server or network failure. */
  public static final int EXIT_FAILURE = 1;
  /** Exit code for bad arguments (picocli's usage code). */
  public static final int EXIT_USAGE = 2;

  @Spec CommandSpec spec;

  @Option(names = "--tracking-uri", scope = ScopeType.INHERIT, paramLabel = "URI",
      description = "Tracking server URL (default: $CAIRN_TRACKING_URI, $MLFLOW_TRACKING_URI or "
          + CairnClient.DEFAULT_TRACKING_URI + ").")
  String trackingUri;

  /**
   * The top-level command groups, in help order. A new group is one line here; the group's own class
   * declares its subcommands.
   */
  static List<Object> commandGroups() {
    return List.of(
        new ServerCommand(),
        new ExperimentsCommand(),
        new RunsCommand(),
        new ArtifactsCommand(),
        new dev.cairn.cli.data.DataCommand()
    );
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured command line: all groups, --help/--version everywhere, one-line error handlers. */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    for (Object group : commandGroups()) {
      cl.addSubcommand(group);
    }
    configure(cl, new Version());
    cl.setParameterExceptionHandler(new ArgumentErrors());
    cl.setExecutionExceptionHandler(new ExecutionErrors());
    return cl;
  }

  /** Gives every command, including ones other modules add, --help, --version and the same version text. */
  private static void configure(CommandLine cl, IVersionProvider version) {
    CommandSpec spec = cl.getCommandSpec();
    spec.versionProvider(version);
    if (spec.optionsMap().get("--help") == null) {
      spec.mixinStandardHelpOptions(true);
    }
    cl.getSubcommands().values().forEach(sub -> configure(sub, version));
  }

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "a command is required: "
        + String.join(", ", spec.subcommands().keySet()));
  }

  /** The client for the tracking URI chosen on the command line or by the environment. */
  CairnClient client() {
    try {
      return CairnClient.connect(trackingUri);
    } catch (CairnException e) { // a malformed URI is a bad argument, not a server failure
      throw new ParameterException(spec.commandLine(), "--tracking-uri: " + e.getMessage());
    }
  }

  /** The root command of any command's spec, to read the global options. */
  static Main root(CommandSpec spec) {
    return (Main) spec.root().userObject();
  }

  static String oneLine(String message) {
    if (message == null || message.isBlank()) {
      return "unknown error";
    }
    return message.strip().replaceAll("\\s*\\R\\s*", " ");
  }

  /** Bad arguments: one line naming the problem and where help is, exit 2. */
  static final class ArgumentErrors implements IParameterExceptionHandler {
    @Override
    public int handleParseException(ParameterException ex, String[] args) {
      CommandLine cmd = ex.getCommandLine();
      PrintWriter err = cmd.getErr();
      String hint = "";
      if (ex instanceof picocli.CommandLine.UnmatchedArgumentException unmatched
          && !unmatched.getSuggestions().isEmpty()) {
        hint = "; did you mean '" + unmatched.getSuggestions().get(0) + "'?";
      }
      err.println("cairn: " + oneLine(ex.getMessage()) + hint
          + " (see '" + cmd.getCommandSpec().qualifiedName() + " --help')");
      debugTrace(ex, err);
      err.flush();
      return EXIT_USAGE;
    }
  }

  /** Failures while running: one line, exit 1; a CairnException's message is already written for users. */
  static final class ExecutionErrors implements IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parsed) {
      PrintWriter err = cmd.getErr();
      String message;
      if (ex instanceof CairnException c) {
        message = oneLine(c.getMessage());
      } else if (ex instanceof UncheckedIOException io) {
        message = oneLine(io.getCause().getMessage());
      } else if (ex instanceof IOException io) {
        message = io.getClass().getSimpleName() + ": " + oneLine(io.getMessage());
      } else {
        message = "unexpected " + ex.getClass().getSimpleName() + ": " + oneLine(ex.getMessage());
      }
      err.println("cairn: " + message);
      debugTrace(ex, err);
      err.flush();
      return EXIT_FAILURE;
    }
  }

  private static void debugTrace(Exception ex, PrintWriter err) {
    String debug = System.getenv("CAIRN_DEBUG");
    if (debug != null && !debug.isBlank() && !debug.equals("0")) {
      ex.printStackTrace(err);
    }
  }

  /** The version from the build (cairn-cli.properties, filtered by Maven). */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"cairn " + version(), "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"};
    }

    static String version() {
      Properties p = new Properties();
      try (InputStream in = Main.class.getResourceAsStream("cairn-cli.properties")) {
        if (in != null) {
          p.load(in);
        }
      } catch (IOException e) {
        return "unknown";
      }
      return p.getProperty("version", "unknown");
    }
  }
}
