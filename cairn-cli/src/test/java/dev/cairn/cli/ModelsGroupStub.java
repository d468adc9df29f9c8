package dev.cairn.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * A {@code models} group holding only the integrity subcommands, with Main's error handling, until the
 * registry's {@code cairn models} group (which will hold them) is merged; run as a main class by the docs test.
 */
@Command(name = "models", subcommands = {ModelsVerifyCommand.class, ModelsManifestCommand.class})
public final class ModelsGroupStub {
  /** A command line whose only group is {@code models}, as {@code cairn} would build it. */
  static CommandLine commandLine() {
    CommandLine root = new CommandLine(new Root());
    root.addSubcommand("models", new CommandLine(new ModelsGroupStub()));
    root.setParameterExceptionHandler(new Main.ArgumentErrors());
    root.setExecutionExceptionHandler(new Main.ExecutionErrors());
    return root;
  }

  @Command(name = "cairn")
  static final class Root {}

  /** Runs {@code cairn models ...} in-process and captures what it printed. */
  static Cli.Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new Cli.Result(code, out.toString(), err.toString());
  }

  /** {@code cairn models ...} goes to the stub, anything else to the real CLI. */
  public static void main(String[] args) {
    if (args.length > 0 && args[0].equals("models")) {
      System.exit(commandLine().execute(args));
    }
    Main.main(args);
  }
}
