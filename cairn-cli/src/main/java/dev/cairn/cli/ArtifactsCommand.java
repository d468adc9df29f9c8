package dev.cairn.cli;

import dev.cairn.client.ArtifactFile;
import dev.cairn.client.CairnClient;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code cairn artifacts}: upload, download and list a run's artifacts through the server's proxy. */
@Command(name = "artifacts", description = "Upload, download and list run artifacts.",
    subcommands = {ArtifactsCommand.Upload.class, ArtifactsCommand.Download.class, ArtifactsCommand.ListFiles.class})
final class ArtifactsCommand implements Runnable {
  /** Files at least this large get a progress bar on stderr. */
  static final long PROGRESS_THRESHOLD_BYTES = 8L * 1024 * 1024;

  @Mixin TrackingServer trackingServer;

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "a subcommand is required: upload, download, list");
  }

  @Command(name = "upload", description = {"Upload a local file, or a directory's files, to a run's artifacts.",
      "A directory's files keep their paths relative to it, under --artifact-path (as MLflow's log_artifacts)."})
  static final class Upload implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "RUN_ID", description = "The run.")
    String runId;

    @Parameters(index = "1", paramLabel = "LOCAL_PATH", description = "The file or directory to upload.")
    Path local;

    @Option(names = "--artifact-path", paramLabel = "DIR",
        description = "Directory inside the run's artifacts (default: the root).")
    String artifactPath;

    @Option(names = "--no-progress", description = "Never show a progress bar.")
    boolean noProgress;

    @Override
    public Integer call() throws Exception {
      if (!Files.isRegularFile(local) && !Files.isDirectory(local)) {
        throw new ParameterException(spec.commandLine(),
            "LOCAL_PATH '" + local + "' does not exist or is neither a file nor a directory");
      }
      String base = artifactPath == null ? "" : artifactPath.replaceAll("^/+|/+$", "");
      List<Path> files = Files.isDirectory(local) ? filesUnder(local) : List.of(local);
      CairnClient client = Main.client(spec);
      PrintWriter out = spec.commandLine().getOut();
      for (Path file : files) {
        Path relativeDir = Files.isDirectory(local) ? local.relativize(file).getParent() : null;
        String dir = relativeDir == null ? base : join(base, relativeDir.toString().replace('\\', '/'));
        try (Bar bar = Bar.forSize("upload " + file.getFileName(), Files.size(file), noProgress)) {
          client.uploadArtifact(runId, file, dir.isEmpty() ? null : dir, bar);
        }
        out.println(join(dir, file.getFileName().toString()));
        out.flush();
      }
      return 0;
    }

    /** The regular files under a directory, in path order so output and uploads are repeatable. */
    private static List<Path> filesUnder(Path dir) throws java.io.IOException {
      try (java.util.stream.Stream<Path> walk = Files.walk(dir)) {
        return walk.filter(Files::isRegularFile).sorted().toList();
      }
    }

    private static String join(String dir, String name) {
      return dir.isEmpty() ? name : dir + "/" + name;
    }
  }

  @Command(name = "download", description = "Download a run's artifact file or directory.")
  static final class Download implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "RUN_ID", description = "The run.")
    String runId;

    @Parameters(index = "1", paramLabel = "PATH", description = "Artifact path inside the run.")
    String path;

    @Option(names = "--dest", paramLabel = "DIR", defaultValue = ".",
        description = "Local directory to download into (default: the current directory).")
    Path dest;

    @Option(names = "--no-progress", description = "Never show a progress bar.")
    boolean noProgress;

    @Override
    public Integer call() throws Exception {
      if (Files.exists(dest) && !Files.isDirectory(dest)) {
        throw new ParameterException(spec.commandLine(), "--dest '" + dest + "' exists and is not a directory");
      }
      CairnClient client = Main.client(spec);
      Path written;
      try (Bar bar = Bar.lazy("download " + path, noProgress)) {
        written = client.downloadArtifact(runId, path, dest, bar);
      }
      PrintWriter out = spec.commandLine().getOut();
      out.println(written);
      out.flush();
      return 0;
    }
  }

  @Command(name = "list", description = "List a run's artifacts under a path (default: the root).")
  static final class ListFiles implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "RUN_ID", description = "The run.")
    String runId;

    @Parameters(index = "1", paramLabel = "PATH", arity = "0..1", description = "Directory inside the run.")
    String path;

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    @Override
    public Integer call() {
      List<ArtifactFile> files = Main.client(spec).listArtifacts(runId, path);
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        Output.json(out, files);
        return 0;
      }
      Table table = new Table("PATH", "TYPE", "SIZE");
      for (ArtifactFile f : files) {
        table.row(f.isDir() ? f.path() + "/" : f.path(), f.isDir() ? "dir" : "file", Output.bytes(f.fileSize()));
      }
      table.print(out);
      return 0;
    }
  }

  /**
   * A progress bar on stderr for transfers of at least {@link #PROGRESS_THRESHOLD_BYTES}; below that, or
   * with --no-progress, it does nothing. A download learns its size from the first update.
   */
  static final class Bar implements CairnClient.Progress, AutoCloseable {
    private final String task;
    private final boolean off;
    private ProgressBar bar;

    private Bar(String task, boolean off) {
      this.task = task;
      this.off = off;
    }

    static Bar forSize(String task, long size, boolean off) {
      return new Bar(task, off || size < PROGRESS_THRESHOLD_BYTES);
    }

    static Bar lazy(String task, boolean off) {
      return new Bar(task, off);
    }

    @Override
    public void update(long done, long total) {
      if (off) {
        return;
      }
      if (bar == null) {
        if (total < PROGRESS_THRESHOLD_BYTES) {
          return;
        }
        bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(total).setUnit("MiB", 1024 * 1024)
            .setConsumer(new ConsoleProgressBarConsumer(stderr())).showSpeed().build();
      }
      if (total > 0 && bar.getMax() != total) {
        bar.maxHint(total);
      }
      bar.stepTo(done);
      if (total > 0 && done >= total) {
        close(); // a directory download starts a fresh bar for its next large file
      }
    }

    private static PrintStream stderr() {
      return System.err;
    }

    @Override
    public void close() {
      if (bar != null) {
        bar.close();
        bar = null;
      }
    }
  }
}
