package dev.cairn.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.client.CairnClient;
import dev.cairn.core.CairnException;
import dev.cairn.server.mlflow.MlflowJson;
import dev.cairn.tracking.Metric;
import dev.cairn.tracking.Page;
import dev.cairn.tracking.Param;
import dev.cairn.tracking.Run;
import dev.cairn.tracking.RunInfo;
import dev.cairn.tracking.RunStatus;
import dev.cairn.tracking.Tag;
import dev.cairn.tracking.TrackingValidation;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code cairn runs}: create, list, show, search, end, delete and restore runs, and a metric's history. */
@Command(name = "runs", description = "Create, list, show, search, end, delete and restore runs; a metric's history.",
    subcommands = {RunsCommand.Create.class, RunsCommand.ListRuns.class, RunsCommand.Get.class, RunsCommand.Search.class,
        RunsCommand.History.class, RunsCommand.End.class, RunsCommand.Delete.class, RunsCommand.Restore.class})
final class RunsCommand implements Runnable {
  @Mixin TrackingServer trackingServer;

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "a subcommand is required: "
        + String.join(", ", spec.subcommands().keySet()));
  }

  /** Options shared by list and search. */
  abstract static class Listing implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--max-results", paramLabel = "N", defaultValue = "100",
        description = "Page size (default: ${DEFAULT-VALUE}).")
    int maxResults;

    @Option(names = "--page-token", paramLabel = "TOKEN", description = "Continue from a previous page.")
    String pageToken;

    @Option(names = "--json", description = "Print the REST API's runs/search answer instead of a table.")
    boolean json;

    Integer print(Page<Run> page) {
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        ObjectNode body = Output.object();
        ArrayNode runs = body.putArray("runs");
        page.items().forEach(r -> runs.add(MlflowJson.run(r)));
        if (page.hasNext()) {
          body.put("next_page_token", page.nextPageToken());
        }
        Output.json(out, body);
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

  @Command(name = "create", description = {"Record a finished run with params, metrics and tags; prints its id.",
      "For shell jobs: run=$(cairn runs create --experiment-id 1 --param lr=0.1 --metric acc=0.91)"})
  static final class Create implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--experiment-id", paramLabel = "ID", required = true, description = "The experiment.")
    String experimentId;

    @Option(names = "--name", paramLabel = "NAME", description = "Run name (default: a generated one).")
    String name;

    @Option(names = "--param", paramLabel = "KEY=VALUE", description = "A param; repeat for more.")
    List<String> params = List.of();

    @Option(names = "--metric", paramLabel = "KEY=NUMBER", description = "A metric at step 0; repeat for more.")
    List<String> metrics = List.of();

    @Option(names = "--tag", paramLabel = "KEY=VALUE", description = "A tag; repeat for more.")
    List<String> tags = List.of();

    @Override
    public Integer call() {
      Map<String, String> paramValues = pairs("--param", params);
      Map<String, Double> metricValues = new LinkedHashMap<>();
      pairs("--metric", metrics).forEach((key, text) -> {
        try {
          metricValues.put(key, Double.parseDouble(text));
        } catch (NumberFormatException e) {
          throw new ParameterException(spec.commandLine(), "--metric " + key + "=" + text + ": '" + text
              + "' is not a number");
        }
      });
      Map<String, String> tagValues = pairs("--tag", tags);
      try { // checked before the run exists: a bad key leaves no half-logged run behind
        long now = System.currentTimeMillis();
        metricValues.forEach((k, v) -> TrackingValidation.metric(new Metric(k, v, now, 0)));
        paramValues.forEach((k, v) -> TrackingValidation.param(new Param(k, v)));
        tagValues.forEach((k, v) -> TrackingValidation.tag(new Tag(k, v)));
        TrackingValidation.logBatch(metricValues.keySet().stream().map(k -> new Metric(k, 0, now, 0)).toList(),
            paramValues.entrySet().stream().map(e -> new Param(e.getKey(), e.getValue())).toList(),
            tagValues.entrySet().stream().map(e -> new Tag(e.getKey(), e.getValue())).toList());
      } catch (CairnException e) {
        throw new ParameterException(spec.commandLine(), e.getMessage());
      }
      String runId = Main.client(spec).run(experimentId, name, run -> {
        paramValues.forEach(run::logParam);
        run.logMetrics(metricValues, 0);
        tagValues.forEach(run::setTag);
      });
      spec.commandLine().getOut().println(runId);
      spec.commandLine().getOut().flush();
      return 0;
    }

    private Map<String, String> pairs(String option, List<String> values) {
      Map<String, String> map = new LinkedHashMap<>();
      for (String v : values) {
        int eq = v.indexOf('=');
        if (eq <= 0) {
          throw new ParameterException(spec.commandLine(), option + " '" + v + "' is not KEY=VALUE");
        }
        map.put(v.substring(0, eq), v.substring(eq + 1));
      }
      return map;
    }
  }

  @Command(name = "list", description = "List the runs of an experiment, newest first.")
  static final class ListRuns extends Listing {
    @Option(names = "--experiment-id", paramLabel = "ID", required = true, description = "The experiment.")
    String experimentId;

    @Override
    public Integer call() {
      CairnClient client = Main.client(spec);
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
      CairnClient client = Main.client(spec);
      return print(client.searchRuns(experimentIds, filter, orderBy == null ? List.of() : orderBy, maxResults,
          pageToken));
    }
  }

  @Command(name = "get", description = "Show one run: its status, params, latest metrics, tags and inputs.")
  static final class Get implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "RUN_ID", description = "The run.")
    String runId;

    @Option(names = "--json", description = "Print the REST API's runs/get answer instead of text.")
    boolean json;

    @Override
    public Integer call() {
      Run run = Main.client(spec).getRun(runId);
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        ObjectNode body = Output.object();
        body.set("run", MlflowJson.run(run));
        Output.json(out, body);
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

  @Command(name = "history", description = "Every point of one metric of a run, by step then time.")
  static final class History implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "RUN_ID", description = "The run.")
    String runId;

    @Parameters(index = "1", paramLabel = "METRIC", description = "The metric's key.")
    String metricKey;

    @Option(names = "--json", description = "Print the REST API's metrics/get-history answer instead of a table.")
    boolean json;

    @Override
    public Integer call() {
      List<Metric> points = Main.client(spec).getMetricHistory(runId, metricKey);
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        ObjectNode body = Output.object();
        ArrayNode metrics = body.putArray("metrics");
        points.forEach(m -> metrics.add(MlflowJson.metric(m)));
        Output.json(out, body);
        return 0;
      }
      Table table = new Table("STEP", "VALUE", "TIME");
      points.forEach(m -> table.row(m.step(), number(m.value()), Output.time(m.timestamp())));
      table.print(out);
      return 0;
    }
  }

  @Command(name = "end", description = "End a run: set its status and end time (a run left RUNNING by a crash).")
  static final class End implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "RUN_ID", description = "The run.")
    String runId;

    @Option(names = "--status", paramLabel = "STATUS", defaultValue = "FINISHED",
        description = "FINISHED, FAILED or KILLED (default: ${DEFAULT-VALUE}).")
    String status;

    @Override
    public Integer call() {
      RunStatus terminal;
      try {
        terminal = RunStatus.valueOf(status.toUpperCase(java.util.Locale.ROOT));
      } catch (IllegalArgumentException e) {
        terminal = null;
      }
      if (terminal == null || !terminal.isTerminal()) {
        throw new ParameterException(spec.commandLine(),
            "--status '" + status + "' is not an end status; use FINISHED, FAILED or KILLED");
      }
      Main.client(spec).updateRun(runId, terminal);
      PrintWriter out = spec.commandLine().getOut();
      out.println(runId + " " + terminal);
      out.flush();
      return 0;
    }
  }

  /** A change of a run's lifecycle stage that prints the run's id when done. */
  abstract static class LifecycleChange implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "RUN_ID", description = "The run.")
    String runId;

    abstract void apply(CairnClient client, String runId);

    @Override
    public Integer call() {
      apply(Main.client(spec), runId);
      spec.commandLine().getOut().println(runId);
      spec.commandLine().getOut().flush();
      return 0;
    }
  }

  @Command(name = "delete", description = "Delete a run (it can be restored); prints its id.")
  static final class Delete extends LifecycleChange {
    @Override
    void apply(CairnClient client, String runId) {
      client.deleteRun(runId);
    }
  }

  @Command(name = "restore", description = "Restore a deleted run; prints its id.")
  static final class Restore extends LifecycleChange {
    @Override
    void apply(CairnClient client, String runId) {
      client.restoreRun(runId);
    }
  }

  static String number(double v) {
    if (v == Math.rint(v) && !Double.isInfinite(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return Double.toString(v);
  }
}
