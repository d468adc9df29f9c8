package dev.cairn.cli;

import dev.cairn.client.CairnClient;
import dev.cairn.client.Credentials;
import dev.cairn.core.CairnException;
import dev.cairn.server.CairnServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code cairn} command line: the server, the tracking API's experiments, runs and artifacts, and
 * dataset versions.
 *
 * <p>Exit codes: 0 success, 1 a failure while running (server, network, store), 2 bad arguments. Every
 * error is one line on stderr starting {@code cairn: }, written by the two handlers below; set
 * {@code CAIRN_DEBUG=1} to get stack traces as well. Every option also reads an environment variable
 * ({@link EnvironmentDefaults}).
 */
@Command(
    name = "cairn",
    description = "Cairn: experiment tracking and dataset versioning for the JVM.",
    footer = {"", "Exit codes: 0 ok, 1 failure (server, network or store), 2 bad arguments.",
        "Every option can also be set by an environment variable: CAIRN_<COMMAND>_<SUBCOMMAND>_<OPTION>,",
        "e.g. CAIRN_RUNS_LIST_MAX_RESULTS=10; each option's help names its variables.",
        "Tracking URI: --tracking-uri, else $CAIRN_TRACKING_URI, else $MLFLOW_TRACKING_URI, else "
            + CairnClient.DEFAULT_TRACKING_URI + "."})
public final class Main implements Runnable {
  /** Exit code for a failure while running: server, network or store. */
  public static final int EXIT_FAILURE = 1;
  /** Exit code for bad arguments (picocli's usage code). */
  public static final int EXIT_USAGE = 2;

  @Spec CommandSpec spec;

  /** The environment options and credentials are read from (the process's, or a test's). */
  private Map<String, String> env = Map.of();

  /**
   * Before the command group, as in {@code cairn --tracking-uri URL runs list}; the groups that talk to a
   * server also take it after their name ({@link TrackingServer}).
   */
  @Option(names = "--tracking-uri", paramLabel = "URI", description = TrackingServer.DESCRIPTION)
  String trackingUri;

  /**
   * The top-level command groups, in help order. A new group is one line here; the group's own class
   * declares its subcommands.
   */
  static final List<Class<?>> GROUPS = List.of(
      ServerCommand.class,
      ExperimentsCommand.class,
      RunsCommand.class,
      ArtifactsCommand.class,
      dev.cairn.cli.data.DataCommand.class,
      dev.cairn.cli.pipeline.PipelineCommand.class,
      ModelsCommand.class,
      ScoreCommand.class,
      ServeCommand.class,
      LineageCommand.class,
      AuditCommand.class,
      DeployCommand.class,
      AlertsCommand.class,
      UsersCommand.class,
      TokensCommand.class);

  /** Clients the command made; closed before the JVM exits, which otherwise waits for their network threads. */
  private static final java.util.List<CairnClient> CLIENTS = new java.util.concurrent.CopyOnWriteArrayList<>();

  public static void main(String[] args) {
    int code = commandLine(System.getenv(), args).execute(args);
    CLIENTS.forEach(CairnClient::close);
    System.exit(code);
  }

  /** The configured command line with every group built, reading defaults from the process environment. */
  public static CommandLine commandLine() {
    return commandLine(System.getenv());
  }

  /** As {@link #commandLine()}, with option defaults read from {@code env} instead of the process's. */
  static CommandLine commandLine(Map<String, String> env) {
    return build(env, group -> true);
  }

  /**
   * The command line for one invocation: only the group {@code args} name is built from its annotations;
   * the others are name-and-description stubs, enough for the top-level help and "did you mean". Building
   * every group's model by reflection is most of a light command's start-up.
   */
  static CommandLine commandLine(Map<String, String> env, String[] args) {
    String named = groupNamed(args);
    return build(env, group -> group.equals(named));
  }

  private static CommandLine build(Map<String, String> env, java.util.function.Predicate<String> full) {
    Main main = new Main();
    main.env = env;
    CommandLine cl = new CommandLine(main);
    for (Class<?> group : GROUPS) {
      Command annotation = group.getAnnotation(Command.class);
      if (full.test(annotation.name())) {
        cl.addSubcommand(annotation.name(), group);
      } else {
        CommandSpec stub = CommandSpec.create().name(annotation.name());
        stub.usageMessage().description(annotation.description());
        cl.addSubcommand(annotation.name(), stub);
      }
    }
    configure(cl, new Version());
    cl.setDefaultValueProvider(new EnvironmentDefaults(env));
    cl.setHelpFactory((spec, colors) -> {
      EnvironmentDefaults.describe(spec);
      return new CommandLine.Help(spec, colors);
    });
    cl.setParameterExceptionHandler(new ArgumentErrors());
    cl.setExecutionExceptionHandler(new ExecutionErrors());
    return cl;
  }

  /** The first argument that is not an option or the value of the root's --tracking-uri; null if none. */
  static String groupNamed(String[] args) {
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--tracking-uri")) {
        i++;
      } else if (!a.startsWith("-") && !a.startsWith("@")) {
        return a;
      }
    }
    return null;
  }

  /** Gives every command, including ones other modules add, --help, --version and the same version text. */
  private static void configure(CommandLine cl, IVersionProvider version) {
    CommandSpec spec = cl.getCommandSpec();
    spec.versionProvider(version);
    // a stub is never run or asked for help (its group is built when named), so it needs no options
    if (spec.userObject() != null && spec.optionsMap().get("--help") == null) {
      if (spec.optionsMap().containsKey("--version")) { // the command's own --version (deploy canary's model version)
        spec.addOption(CommandLine.Model.OptionSpec.builder("-h", "--help").usageHelp(true)
            .description("Show this help message and exit.").build());
      } else {
        spec.mixinStandardHelpOptions(true);
      }
    }
    cl.getSubcommands().values().forEach(sub -> configure(sub, version));
  }

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "a command is required: "
        + String.join(", ", spec.subcommands().keySet()));
  }

  /**
   * The client for {@code command}'s tracking server: its own --tracking-uri (inherited from its group), else
   * the one given before the group, else the environment's.
   */
  static CairnClient client(CommandSpec command) {
    OptionSpec own = command.findOption("--tracking-uri");
    String uri = own == null ? null : own.getValue();
    if (uri == null || uri.isBlank()) {
      uri = ((Main) command.root().userObject()).trackingUri;
    }
    try {
      Map<String, String> env = ((Main) command.root().userObject()).env;
      return closedAtExit(CairnClient.connect(uri, Credentials.fromEnvironment(env)));
    } catch (CairnException e) { // a malformed URI is a bad argument, not a server failure
      throw new ParameterException(command.commandLine(), "--tracking-uri: " + e.getMessage());
    }
  }

  /** Registers {@code client} to be closed when {@link #main} ends. */
  public static CairnClient closedAtExit(CairnClient client) {
    CLIENTS.add(client);
    return client;
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
      err.println("cairn: " + describe(ex, cmd.getCommandSpec()));
      debugTrace(ex, err);
      err.flush();
      return EXIT_FAILURE;
    }
  }

  /** The one-line message for a failure of {@code command}. */
  static String describe(Exception ex, CommandSpec command) {
    String unreachable = unreachableStore(ex, command);
    if (unreachable != null) {
      return unreachable;
    }
    if (ex instanceof CairnException c) {
      return oneLine(c.getMessage());
    }
    if (ex instanceof UncheckedIOException io) {
      return oneLine(io.getCause().getMessage());
    }
    if (ex instanceof IOException io) {
      return io.getClass().getSimpleName() + ": " + oneLine(io.getMessage());
    }
    return "unexpected " + ex.getClass().getSimpleName() + ": " + oneLine(ex.getMessage());
  }

  /**
   * A database server that refuses the connection, does not resolve or does not answer: names host:port from
   * the command's --backend-store-uri and what to check, instead of the pool's and driver's nested messages.
   */
  private static String unreachableStore(Throwable ex, CommandSpec command) {
    OptionSpec option = command.findOption("--backend-store-uri");
    if (option == null || !(option.getValue() instanceof String uri)) {
      return null;
    }
    String problem = null;
    for (Throwable t = ex; t != null && problem == null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof java.net.ConnectException) {
        problem = "refused the connection";
      } else if (t instanceof java.net.UnknownHostException) {
        problem = "does not resolve";
      } else if (t instanceof java.net.SocketTimeoutException || t instanceof java.net.NoRouteToHostException) {
        problem = "did not answer";
      }
    }
    if (problem == null) {
      return null;
    }
    return "the metadata store at " + hostAndPort(uri) + " " + problem + " (--backend-store-uri "
        + CairnServer.redact(uri) + "); check that the database server is running there and accepts TCP"
        + " connections, and that the URI names the right host and port";
  }

  /** host:port of a database URI ({@code postgresql://user:pw@host:port/db}); PostgreSQL's port when none. */
  static String hostAndPort(String uri) {
    int start = uri.indexOf("//");
    if (start < 0) {
      return "localhost:5432";
    }
    String authority = uri.substring(start + 2).split("[/?]", 2)[0];
    authority = authority.substring(authority.lastIndexOf('@') + 1);
    if (authority.isEmpty()) {
      authority = "localhost";
    }
    boolean hasPort = authority.startsWith("[") ? authority.contains("]:") : authority.contains(":");
    return hasPort ? authority : authority + ":5432";
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
