package dev.cairn.cli;

import dev.cairn.client.AlertsClient;
import dev.cairn.client.AlertsClient.AlertInfo;
import dev.cairn.client.AlertsClient.RuleChange;
import dev.cairn.client.AlertsClient.RuleInfo;
import dev.cairn.core.CairnException;
import dev.cairn.tracking.Page;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code cairn alerts}: alert rules from a YAML file, the rules and the alerts, through a server's REST API. */
@Command(name = "alerts", description = "Alert rules over deployments' monitor windows, and the alerts they fired.",
    subcommands = {AlertsCommand.Apply.class, AlertsCommand.Rules.class, AlertsCommand.ListAlerts.class,
        AlertsCommand.Evaluate.class, AlertsCommand.Delete.class})
final class AlertsCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "a subcommand is required: "
        + String.join(", ", spec.subcommands().keySet()));
  }

  static void print(CommandSpec spec, String line) {
    PrintWriter out = spec.commandLine().getOut();
    out.println(line);
    out.flush();
  }

  @Command(name = "apply", description = "Create or replace the rules of a rules file; prints what changed per rule."
      + " Applying the same file again changes nothing.")
  static final class Apply implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin TrackingServer trackingServer;

    @Option(names = {"-f", "--file"}, paramLabel = "FILE", required = true, description = "The rules file (YAML).")
    Path file;

    @Override
    public Integer call() {
      String yaml;
      try {
        yaml = Files.readString(file);
      } catch (NoSuchFileException e) {
        throw CairnException.invalid("file " + file + " does not exist");
      } catch (IOException e) {
        throw CairnException.invalid("cannot read " + file + ": " + e.getMessage());
      }
      List<RuleChange> changes = Main.client(spec).alerts().apply(file.toString(), yaml);
      for (RuleChange c : changes) {
        print(spec, "rule " + c.name() + ": " + c.change());
      }
      return 0;
    }
  }

  @Command(name = "rules", description = "List alert rules by name.")
  static final class Rules implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin TrackingServer trackingServer;

    @Option(names = "--max-results", paramLabel = "N", defaultValue = "100",
        description = "Page size, 1 to 1000 (default: ${DEFAULT-VALUE}).")
    int maxResults;

    @Option(names = "--page-token", paramLabel = "TOKEN", description = "Continue from a previous page.")
    String pageToken;

    @Override
    public Integer call() {
      Page<RuleInfo> page = Main.client(spec).alerts().rules(maxResults, pageToken);
      Table table = new Table("NAME", "DEPLOYMENT", "CONDITION", "WINDOW", "SEVERITY", "NOTIFY");
      for (RuleInfo r : page.items()) {
        table.row(r.name(), r.deployment(), r.condition(), r.windowMinutes() + "m", r.severity(),
            String.join(",", r.targets()));
      }
      table.print(spec.commandLine().getOut());
      more(spec, page, "rules");
      return 0;
    }
  }

  static void more(CommandSpec spec, Page<?> page, String what) {
    if (page.hasNext()) {
      PrintWriter err = spec.commandLine().getErr();
      err.println("(more " + what + ": --page-token " + page.nextPageToken() + ")");
      err.flush();
    }
  }

  @Command(name = "list", description = "List alerts: firing first, then newest first.")
  static final class ListAlerts implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin TrackingServer trackingServer;

    @Option(names = "--deployment", paramLabel = "NAME", description = "Only this deployment's alerts.")
    String deployment;

    @Option(names = "--rule", paramLabel = "NAME", description = "Only this rule's alerts.")
    String rule;

    @Option(names = "--state", paramLabel = "STATE", description = "firing or resolved.")
    String state;

    @Option(names = "--max-results", paramLabel = "N", defaultValue = "100",
        description = "Page size, 1 to 1000 (default: ${DEFAULT-VALUE}).")
    int maxResults;

    @Option(names = "--page-token", paramLabel = "TOKEN", description = "Continue from a previous page.")
    String pageToken;

    @Override
    public Integer call() {
      Page<AlertInfo> page = Main.client(spec).alerts().list(new AlertsClient.Filter(deployment, rule,
          state == null ? null : state.toLowerCase(Locale.ROOT), null, null), maxResults, pageToken);
      table(page.items()).print(spec.commandLine().getOut());
      more(spec, page, "alerts");
      return 0;
    }
  }

  static Table table(List<AlertInfo> alerts) {
    Table table = new Table("STATE", "SEVERITY", "RULE", "DEPLOYMENT", "VERSION", "FIRED", "RESOLVED", "DETAIL");
    for (AlertInfo a : alerts) {
      table.row(a.state(), a.severity(), a.rule(), a.deployment(), a.modelName() + "/" + a.modelVersion(),
          Output.time(a.firedAt()), a.resolvedAt() == null ? "" : Output.time(a.resolvedAt()), a.detail());
    }
    return table;
  }

  @Command(name = "evaluate", description = "Evaluate every rule now (the server also does it periodically).")
  static final class Evaluate implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin TrackingServer trackingServer;

    @Option(names = "--include-open", description = "Judge the windows still open too, as if they had closed now:"
        + " to try a rule on fresh traffic without waiting for its window to close.")
    boolean includeOpen;

    @Override
    public Integer call() {
      AlertsClient.Round round = Main.client(spec).alerts().evaluate(includeOpen);
      PrintWriter out = spec.commandLine().getOut();
      if (round.fired().isEmpty() && round.resolved().isEmpty()) {
        print(spec, "no alert fired or resolved");
        return 0;
      }
      table(round.fired().isEmpty() ? round.resolved()
          : round.resolved().isEmpty() ? round.fired()
          : java.util.stream.Stream.concat(round.fired().stream(), round.resolved().stream()).toList()).print(out);
      return 0;
    }
  }

  @Command(name = "delete", description = "Delete an alert rule; its firing alerts resolve.")
  static final class Delete implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin TrackingServer trackingServer;

    @picocli.CommandLine.Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Override
    public Integer call() {
      Main.client(spec).alerts().delete(name);
      print(spec, "deleted alert rule " + name);
      return 0;
    }
  }
}
