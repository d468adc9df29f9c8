package dev.cairn.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.client.DeploymentInfo;
import dev.cairn.client.DeploymentsClient;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cairn deploy canary NAME}: starts a canary on a deployment ({@code --version V} or {@code --target T},
 * {@code --percent}, {@code --steps}, {@code --until}, {@code --for}...), or with {@code --status}, {@code --abort} or
 * {@code --promote} looks at or ends the running one. The server decides by itself from then on.
 */
@Command(name = "canary", description = "Start a canary on a deployment (it ramps, then promotes or rolls back by"
    + " itself), or show, abort or promote it.")
final class DeployCanaryCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin TrackingServer trackingServer;

  @Parameters(index = "0", paramLabel = "NAME", description = "The deployment.")
  String name;

  // plain options checked in call(), not an exclusive ArgGroup: picocli then refuses --help without NAME, and the
  // environment-variable help cannot rewrite a group's options
  @Option(names = "--status", description = "Show the canary and the server's latest check.")
  boolean status;

  @Option(names = "--abort", description = "Stop the running canary; traffic returns to the stable routes.")
  boolean abort;

  @Option(names = "--promote", description = "Promote the running canary now (a promotion request when the stable"
      + " alias is protected).")
  boolean promote;

  @Option(names = "--version", paramLabel = "V", description = "The canary: version V of the stable route's model.")
  Integer version;

  @Option(names = "--target", paramLabel = "TARGET", description = "The canary as NAME/VERSION or NAME@ALIAS.")
  String target;

  @Option(names = "--percent", paramLabel = "P", description = "Share of traffic it starts with, 1 to 99.")
  Integer percent;

  @Option(names = "--steps", paramLabel = "P,P,...", split = ",",
      description = "Percents to ramp through, increasing, e.g. 10,25,50; promoted after the last.")
  List<Integer> steps;

  @Option(names = "--until", paramLabel = "CONDITION", description = "What the canary must meet, e.g. 'error_rate"
      + " < 0.01 and p99_ms < 50 and accuracy >= baseline - 0.01'; false (with enough requests) rolls it back.")
  String until;

  @Option(names = "--for", paramLabel = "DURATION", description = "How long the condition must hold at each step:"
      + " 90s, 30m, 2h, 1d (default 30m).")
  String forDuration;

  @Option(names = "--min-requests", paramLabel = "N", description = "Canary requests a step needs before any"
      + " decision (default 100).")
  Long minRequests;

  @Option(names = "--unknown-timeout", paramLabel = "DURATION", description = "Roll back when a step stays"
      + " undecided this long, e.g. while no feedback arrives (default 24h).")
  String unknownTimeout;

  @Option(names = "--json", description = "Print the REST API's answer instead of text.")
  boolean json;

  @Override
  public Integer call() {
    DeploymentsClient client = Main.client(spec).deployments();
    if ((status ? 1 : 0) + (abort ? 1 : 0) + (promote ? 1 : 0) > 1) {
      throw new ParameterException(spec.commandLine(), "give at most one of --status, --abort and --promote");
    }
    if (status) {
      print(client.canary(name));
      return 0;
    }
    if (abort || promote) {
      print(abort ? client.abortCanary(name) : client.promoteCanary(name));
      return 0;
    }
    if (until == null) {
      throw new ParameterException(spec.commandLine(), "--until is required to start a canary (or give --status,"
          + " --abort or --promote)");
    }
    if ((version == null) == (target == null)) {
      throw new ParameterException(spec.commandLine(), "give the canary as exactly one of --version V or --target"
          + " NAME/VERSION|NAME@ALIAS");
    }
    if (percent == null && steps == null) {
      throw new ParameterException(spec.commandLine(), "give --percent P or --steps P,P,...");
    }
    print(client.startCanary(name, new DeploymentInfo.CanaryStart(target, version, percent, steps, until,
        forDuration, minRequests, unknownTimeout)));
    return 0;
  }

  private void print(DeploymentInfo d) {
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      ObjectNode body = Output.object();
      body.set("deployment", DeployCommand.json(d));
      Output.json(out, body);
      return;
    }
    DeploymentInfo.Canary c = d.canary();
    out.println("deployment " + d.name() + " version " + d.version() + ": canary " + describe(c));
    out.flush();
  }

  private void print(DeploymentInfo.CanaryStatus s) {
    PrintWriter out = spec.commandLine().getOut();
    DeploymentInfo.Canary c = s.canary();
    if (json) {
      ObjectNode body = Output.object();
      body.set("canary", canaryJson(c));
      if (s.lastVerdict() != null) {
        body.putObject("last_check").put("timestamp", s.checkedAt()).put("verdict", s.lastVerdict())
            .put("detail", s.lastDetail()).put("canary_requests", s.canaryRequests())
            .put("baseline_requests", s.baselineRequests());
      }
      Output.json(out, body);
      return;
    }
    Table table = new Table("FIELD", "VALUE");
    table.row("target", c.target());
    table.row("state", c.state());
    table.row("percent", c.percent() + " (step " + (c.step() + 1) + " of " + c.steps().size() + ": "
        + c.steps().stream().map(String::valueOf).collect(Collectors.joining(",")) + ")");
    table.row("until", c.until() == null ? "" : c.until() + " for " + c.forDuration());
    table.row("started by", c.startedBy() == null ? "" : c.startedBy());
    if (c.promotionRequestId() != null) {
      table.row("promotion request", c.promotionRequestId());
    }
    table.row("reason", c.reason() == null ? "" : c.reason());
    if (s.lastVerdict() != null) {
      table.row("last check", s.lastVerdict() + " at " + Output.time(s.checkedAt()) + " (" + s.canaryRequests()
          + " canary, " + s.baselineRequests() + " baseline requests): " + s.lastDetail());
    }
    table.print(out);
  }

  static String describe(DeploymentInfo.Canary c) {
    if (c == null) {
      return "none";
    }
    String text = c.target() + " " + c.state() + " at " + c.percent() + "%";
    if (c.steps().size() > 1) {
      text += " (steps " + c.steps().stream().map(String::valueOf).collect(Collectors.joining(",")) + ")";
    }
    if (c.until() != null) {
      text += " until " + c.until() + " for " + c.forDuration();
    }
    return c.reason() == null ? text : text + "; " + c.reason();
  }

  static ObjectNode canaryJson(DeploymentInfo.Canary c) {
    ObjectNode n = Output.object().put("target", c.target()).put("percent", c.percent()).put("until", c.until())
        .put("for", c.forDuration()).put("state", c.state());
    ArrayNode steps = n.putArray("steps");
    new ArrayList<>(c.steps()).forEach(steps::add);
    n.put("step", c.step()).put("started_by", c.startedBy()).put("reason", c.reason())
        .put("promotion_request_id", c.promotionRequestId());
    return n;
  }
}
