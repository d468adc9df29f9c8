package dev.cairn.cli.data;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code cairn data}: content-addressed dataset versions. Works straight on the stores (no server needed);
 * register with {@code commandLine.addSubcommand("data", new DataCommand())} or list it in Main's subcommands.
 */
@Command(name = "data", mixinStandardHelpOptions = true,
    description = "Version datasets by content: add, get, log, diff, show, gc (and validate, suggest, drift).",
    subcommands = {
        DataAddCommand.class,
        DataGetCommand.class,
        DataLogCommand.class,
        DataDiffCommand.class,
        DataShowCommand.class,
        DataGcCommand.class,
        DataLibraryHooks.Validate.class,
        DataLibraryHooks.Suggest.class,
        DataLibraryHooks.Drift.class
    })
public final class DataCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
  }

  /** Runs {@code cairn data ...} with the CLI's error handling (for scripts and tests); returns the exit code. */
  public static int execute(String... args) {
    String[] all = new String[args.length + 1];
    all[0] = "data";
    System.arraycopy(args, 0, all, 1, args.length);
    return dev.cairn.cli.Main.commandLine().execute(all);
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }
}
