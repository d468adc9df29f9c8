package dev.cairn.cli.data;

import dev.cairn.core.CairnException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.concurrent.Callable;
import picocli.CommandLine;

/** Base of the data subcommands: an error is one line on stderr and exit code 1, never a stack trace. */
abstract class DataSubcommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public final Integer call() {
    try {
      return run();
    } catch (CairnException e) {
      err().println("error: " + e.getMessage());
    } catch (UncheckedIOException e) {
      err().println("error: " + e.getMessage() + ": " + e.getCause().getMessage());
    } catch (RuntimeException e) {
      err().println("error: " + e.getClass().getSimpleName() + ": " + e.getMessage());
    } catch (Exception e) {
      err().println("error: " + e.getMessage());
    } finally {
      out().flush(); // print() does not flush on its own
      err().flush();
    }
    return 1;
  }

  abstract int run() throws Exception;

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }
}
