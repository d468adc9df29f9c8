package dev.cairn.cli.data;

import dev.cairn.core.CairnException;
import dev.cairn.data.version.DatasetRef;
import dev.cairn.data.version.DatasetVersioning;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * Base of the data subcommands. Errors follow the CLI's convention (Main's handlers): one line
 * {@code cairn: ...} on stderr, exit 1 for a failure and 2 for a bad argument (a malformed NAME@VERSION or tag).
 */
abstract class DataSubcommand implements Callable<Integer> {
  /** How long Ctrl-C waits for an add or get to remove its temporary files. */
  static final long CANCEL_WAIT_SECONDS = 30;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public final Integer call() throws Exception {
    try {
      return run();
    } finally {
      out().flush(); // print() does not flush on its own
      err().flush();
    }
  }

  abstract int run() throws Exception;

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  /** A NAME@VERSION argument; a malformed one is a usage error (exit 2). */
  DatasetRef ref(String text) {
    try {
      return DatasetRef.parse(text);
    } catch (CairnException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  /**
   * Runs {@code work}; if the process is stopped meanwhile (Ctrl-C, SIGTERM), the shutdown waits up to
   * {@link #CANCEL_WAIT_SECONDS} for it to stop at its next read or write and remove its temporary files.
   */
  static <T> T cancelledOnExit(DatasetVersioning versioning, Supplier<T> work) {
    CountDownLatch finished = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      versioning.cancel();
      try {
        finished.await(CANCEL_WAIT_SECONDS, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "cairn-data-cancel");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      return work.get();
    } finally {
      finished.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running: it returns now that the work has stopped
      }
    }
  }
}
