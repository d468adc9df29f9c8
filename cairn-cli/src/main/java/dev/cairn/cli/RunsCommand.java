package dev.cairn.cli;

import dev.cairn.client.CairnClient;
import dev.cairn.tracking.Metric;
import dev.cairn.tracking.Page;
import dev.cairn.tracking.Param;
import dev.cairn.tracking.Run;
import dev.cairn.tracking.RunInfo;
import dev.cairn.tracking.Tag;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code cairn runs}: list, show and search runs. */
@Command(name = "runs", description = "List, show and search runs.",
    subcommands = {RunsCommand.ListRuns.class, RunsCommand.Get.class, RunsCommand.Search.class})
final class RunsCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "a subcommand is required: list, get, search");
  }

  /** Options shared by list and search. */
  abstract static class Listing implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--max-results", paramLabel = "N", defaultValue = "100",
        description = "Page size (default: ${DEFAULT-VALUE}).")
    int maxResults;

    @Option(names = "--page-token", paramLabel = "TOKEN", description = "Continue from a previous page.")
    String pageToken;

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    Integer print(Page<Run> page) {
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        Output.json(out, page);
        return 0;
      }
      Table table = new Table("RUN_ID", "NAME", "STATUS", "STARTED", "METRICS");
      for (Run r : page.items()) {
        RunInfo i = r.info();
        table.row(i.runId(), i.runName(), i.status(), Output.time(i.startTime()), metricSummary(r.metrics()));
      }
      table.print(out);
      if (page.hasNext()) {
        PrintWriter err = spec.commandLine().getErr();
        err.println("(more runs: --page-token " + page.nextPageToken() + ")");
        err.flush();
      }
      return 0;
    }

    private static String metricSummary(List<Metric> metrics) {
      String s = metrics.stream().limit(4).map(m -> m.key() + "=" + number(m.value())).collect(Collectors.joining(" "));
      return metrics.size() > 4 ? s + " ..." : s;
    }
  }

  @Command(name = "list", description = "List the runs of an experiment, newest first.")
  static final class ListRuns extends Listing {
    @Option(names = "--experiment-id", paramLabel = "ID", required = true, description = "The experiment.")
    String experimentId;

    @Override
    public Integer call() {
      CairnClient client = Main.root(spec).client();
      return print(client.searchRuns(List.of(experimentId), null, List.of("attributes.start_time DESC"),
          maxResults, pageToken));
    }
  }

  @Command(name = "search", description = "Search runs with MLflow's filter grammar (plus OR and parentheses).")
  static final class Search extends Listing {
    @Option(names = "--experiment-id", paramLabel = "ID", required = true,
        description = "Experiment to search; repeat for several.")
    List<String> experimentIds;

    @Option(names = "--filter", paramLabel = "EXPR",
        description = "e.g. \"metrics.acc > 0.8 AND params.model = 'tree'\".")
    String filter;

    @Option(names = "--order-by", paramLabel = "CLAUSE",
        description = "e.g. \"metrics.acc DESC\"; repeat for tie-breakers.")
    List<String> orderBy;

    @Override
    public Integer call() {
      CairnClient client = Main.root(spec).client();
      return print(client.searchRuns(experimentIds, filter, orderBy == null ? List.of() : orderBy, maxResults,
          pageToken));
    }
  }

  @Command(name = "get", description = "Show one run: its status, params, latest metrics, tags and inputs.")
  static final class Get implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "RUN_ID", description = "The run.")
    String runId;

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @Override
    public Integer call() {
      Run run = Main.root(spec).client().getRun(runId);
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        Output.json(out, run);
        return 0;
      }
      RunInfo i = run.info();
      new Table("FIELD", "VALUE")
          .row("run_id", i.runId())
          .row("name", i.runName())
          .row("experiment_id", i.experimentId())
          .row("status", i.status())
          .row("user", i.userId())
          .row("started", Output.time(i.startTime()))
          .row("ended", Output.time(i.endTime()))
          .row("artifact_uri", i.artifactUri())
          .row("stage", i.lifecycleStage().wire())
          .print(out);
      if (!run.params().isEmpty()) {
        out.println();
        Table t = new Table("PARAM", "VALUE");
        run.params().forEach((Param p) -> t.row(p.key(), p.value()));
        t.print(out);
      }
      if (!run.metrics().isEmpty()) {
        out.println();
        Table t = new Table("METRIC", "VALUE", "STEP", "TIME");
        run.metrics().forEach(m -> t.row(m.key(), number(m.value()), m.step(), Output.time(m.timestamp())));
        t.print(out);
      }
      if (!run.tags().isEmpty()) {
        out.println();
        Table t = new Table("TAG", "VALUE");
        run.tags().forEach((Tag tag) -> t.row(tag.key(), Main.oneLine(tag.value())));
        t.print(out);
      }
      if (!run.inputs().isEmpty()) {
        out.println();
        Table t = new Table("DATASET", "DIGEST", "SOURCE_TYPE");
        run.inputs().forEach(d -> t.row(d.name(), d.digest(), d.sourceType()));
        t.print(out);
      }
      out.flush();
      return 0;
    }
  }

  static String number(double v) {
    if (v == Math.rint(v) && !Double.isInfinite(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return Double.toString(v);
  }
}
