package dev.cairn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.client.DeploymentChangeInfo;
import dev.cairn.client.DeploymentInfo;
import dev.cairn.client.DeploymentsClient;
import dev.cairn.core.Json;
import dev.cairn.tracking.Page;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code cairn deploy}: deployments through a server's REST API (the SDK's {@link DeploymentsClient}). Changes name the
 * version they are based on: {@code --expected-version}, or the version read just before the change.
 */
@Command(name = "deploy", description = "Deployments: weighted routes to model versions and aliases, shadows, sticky"
    + " keys.", subcommands = {DeployCommand.Create.class, DeployCommand.ListDeployments.class,
        DeployCommand.Show.class, DeployCommand.SetRoutes.class, DeployCommand.Delete.class,
        DeployCommand.History.class, DeployCommand.Rollback.class, DeployCanaryCommand.class})
final class DeployCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "a subcommand is required: "
        + String.join(", ", spec.subcommands().keySet()));
  }

  static final String ROUTE_HELP = "A route TARGET=WEIGHT: TARGET is NAME/VERSION or NAME@ALIAS, WEIGHT 0 to 100;"
      + " repeat it; the weights of two or more routes sum to 100 (a single route may leave out =WEIGHT).";

  static List<DeploymentInfo.Route> routes(CommandSpec spec, List<String> texts) {
    List<DeploymentInfo.Route> out = new ArrayList<>();
    for (String t : texts) {
      try {
        out.add(DeploymentInfo.Route.parse(t));
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), "--route " + e.getMessage());
      }
    }
    return out;
  }

  static String routesText(DeploymentInfo d) {
    return d.routes().stream().map(DeploymentInfo.Route::toString).collect(Collectors.joining(", "));
  }

  static void done(CommandSpec spec, String line) {
    PrintWriter out = spec.commandLine().getOut();
    out.println(line);
    out.flush();
  }

  /** The REST answer's shape for --json. */
  static ObjectNode json(DeploymentInfo d) {
    ObjectNode o = Output.object();
    o.put("name", d.name());
    if (d.description() != null) {
      o.put("description", d.description());
    }
    ArrayNode routes = o.putArray("routes");
    d.routes().forEach(r -> routes.addObject().put("target", r.target()).put("weight", r.weight()));
    ArrayNode shadows = o.putArray("shadows");
    d.shadows().forEach(shadows::add);
    if (d.sticky() != null) {
      o.put("sticky", d.sticky());
    }
    if (d.canary() != null) {
      DeploymentInfo.Canary c = d.canary();
      o.set("canary", DeployCanaryCommand.canaryJson(c));
    }
    o.put("version", d.version());
    o.put("created_by", d.createdBy());
    o.put("creation_timestamp", d.createdAt());
    o.put("updated_by", d.updatedBy());
    o.put("last_updated_timestamp", d.updatedAt());
    return o;
  }

  /**
   * What every subcommand shares: the server option, the client and the one-line answer to a change. A subcommand
   * that names a deployment extends {@link OnDeployment}.
   */
  abstract static class Subcommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin TrackingServer trackingServer;

    DeploymentsClient deployments() {
      return Main.client(spec).deployments();
    }

    PrintWriter out() {
      return spec.commandLine().getOut();
    }

    /** The answer to a change: the deployment's new version and routes. */
    void changed(DeploymentInfo d) {
      done(spec, "deployment " + d.name() + " version " + d.version() + ": " + routesText(d));
    }
  }

  /** A subcommand on one existing deployment, named first. */
  abstract static class OnDeployment extends Subcommand {
    @Parameters(index = "0", paramLabel = "NAME")
    String name;
  }

  /** {@code --max-results} and {@code --page-token} of the listing subcommands. */
  static final class Paging {
    @Option(names = "--max-results", paramLabel = "N", defaultValue = "100",
        description = "Page size, 1 to 1000 (default: ${DEFAULT-VALUE}).")
    int maxResults;

    @Option(names = "--page-token", paramLabel = "TOKEN", description = "Continue from a previous page.")
    String pageToken;

    /** Tells on stderr how to get the next page of {@code what}, when there is one. */
    static void more(CommandSpec spec, Page<?> page, String what) {
      if (page.hasNext()) {
        PrintWriter err = spec.commandLine().getErr();
        err.println("(more " + what + ": --page-token " + page.nextPageToken() + ")");
        err.flush();
      }
    }
  }

  /** {@code --json}: the REST API's answer instead of a table. */
  static final class JsonOutput {
    @Option(names = "--json", description = "Print the REST API's answer instead of a table.")
    boolean json;
  }

  /** {@code --expected-version} of the changes that default to the version read just before them. */
  static final class ExpectedVersion {
    @Option(names = "--expected-version", paramLabel = "V",
        description = "Change only if the deployment is still at this version (default: the version read now).")
    Long expectedVersion;

    long resolve(DeploymentsClient client, String name) {
      return expectedVersion != null ? expectedVersion : client.get(name).version();
    }
  }

  @Command(name = "create", description = "Create a deployment.")
  static final class Create extends Subcommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "Letters, digits, '.', '_' and '-'.")
    String name;

    @Option(names = "--route", paramLabel = "TARGET=WEIGHT", required = true, description = ROUTE_HELP)
    List<String> routes;

    @Option(names = "--shadow", paramLabel = "TARGET",
        description = "A target that gets a copy of every request and never answers; repeat it.")
    List<String> shadows;

    @Option(names = "--sticky", paramLabel = "KEY",
        description = "Send equal values of this key to the same route: header:NAME or field:NAME.")
    String sticky;

    @Option(names = "--description", paramLabel = "TEXT", description = "What the deployment is for.")
    String description;

    @Override
    public Integer call() {
      changed(deployments().create(name, description, routes(spec, routes), shadows == null ? List.of() : shadows,
          sticky));
      return 0;
    }
  }

  @Command(name = "list", description = "List deployments by name.")
  static final class ListDeployments extends Subcommand {
    @Mixin Paging paging;
    @Mixin JsonOutput output;

    @Override
    public Integer call() {
      Page<DeploymentInfo> page = deployments().list(paging.maxResults, paging.pageToken);
      if (output.json) {
        ObjectNode body = Output.object();
        ArrayNode items = body.putArray("deployments");
        page.items().forEach(d -> items.add(DeployCommand.json(d)));
        if (page.hasNext()) {
          body.put("next_page_token", page.nextPageToken());
        }
        Output.json(out(), body);
        return 0;
      }
      Table table = new Table("NAME", "VERSION", "ROUTES", "SHADOWS", "STICKY", "UPDATED");
      for (DeploymentInfo d : page.items()) {
        table.row(d.name(), d.version(), routesText(d), String.join(",", d.shadows()),
            d.sticky() == null ? "" : d.sticky(), Output.time(d.updatedAt()));
      }
      table.print(out());
      Paging.more(spec, page, "deployments");
      return 0;
    }
  }

  @Command(name = "show", description = "Show one deployment.")
  static final class Show extends OnDeployment {
    @Mixin JsonOutput output;

    @Override
    public Integer call() {
      DeploymentInfo d = deployments().get(name);
      if (output.json) {
        ObjectNode body = Output.object();
        body.set("deployment", DeployCommand.json(d));
        Output.json(out(), body);
        return 0;
      }
      Table table = new Table("FIELD", "VALUE");
      table.row("name", d.name());
      table.row("description", d.description() == null ? "" : d.description());
      table.row("version", d.version());
      for (DeploymentInfo.Route r : d.routes()) {
        table.row("route", r.target() + " weight " + r.weight());
      }
      for (String s : d.shadows()) {
        table.row("shadow", s);
      }
      table.row("sticky", d.sticky() == null ? "" : d.sticky());
      if (d.canary() != null) {
        table.row("canary", DeployCanaryCommand.describe(d.canary()));
      }
      table.row("created", Output.time(d.createdAt()) + " by " + d.createdBy());
      table.row("updated", Output.time(d.updatedAt()) + " by " + d.updatedBy());
      table.print(out());
      return 0;
    }
  }

  @Command(name = "set-routes", description = "Replace a deployment's routes in one step.")
  static final class SetRoutes extends OnDeployment {
    @Option(names = "--route", paramLabel = "TARGET=WEIGHT", required = true, description = ROUTE_HELP)
    List<String> routes;

    @Mixin ExpectedVersion expected;

    @Override
    public Integer call() {
      List<DeploymentInfo.Route> parsed = routes(spec, routes);
      DeploymentsClient client = deployments();
      changed(client.setRoutes(name, expected.resolve(client, name), parsed));
      return 0;
    }
  }

  @Command(name = "delete", description = "Delete a deployment (its history stays).")
  static final class Delete extends OnDeployment {
    // not ExpectedVersion: a delete without it deletes whatever version is there
    @Option(names = "--expected-version", paramLabel = "V",
        description = "Delete only if the deployment is still at this version.")
    Long expectedVersion;

    @Override
    public Integer call() {
      deployments().delete(name, expectedVersion);
      done(spec, "deleted deployment " + name);
      return 0;
    }
  }

  @Command(name = "history", description = "A deployment's changes, newest first (kept after a delete).")
  static final class History extends OnDeployment {
    @Mixin Paging paging;
    @Mixin JsonOutput output;

    @Override
    public Integer call() {
      Page<DeploymentChangeInfo> page = deployments().history(name, paging.maxResults, paging.pageToken);
      if (output.json) {
        ObjectNode body = Output.object();
        ArrayNode items = body.putArray("changes");
        for (DeploymentChangeInfo c : page.items()) {
          ObjectNode o = items.addObject().put("seq", c.seq()).put("kind", c.kind()).put("actor", c.actor())
              .put("timestamp", c.time());
          if (c.version() != null) {
            o.put("version", c.version());
          }
          o.set("before", parse(c.before()));
          o.set("after", parse(c.after()));
        }
        if (page.hasNext()) {
          body.put("next_page_token", page.nextPageToken());
        }
        Output.json(out(), body);
        return 0;
      }
      Table table = new Table("SEQ", "CHANGE", "VERSION", "ACTOR", "ROUTES", "TIME");
      for (DeploymentChangeInfo c : page.items()) {
        table.row(c.seq(), c.kind(), c.version() == null ? "-" : c.version(), c.actor(),
            routes(c.after() != null ? c.after() : c.before()), Output.time(c.time()));
      }
      table.print(out());
      Paging.more(spec, page, "changes");
      return 0;
    }

    private static JsonNode parse(String text) {
      try {
        return text == null ? null : Json.MAPPER.readTree(text);
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        return Json.MAPPER.getNodeFactory().textNode(text);
      }
    }

    /** The routes of a stored deployment JSON, as TARGET=WEIGHT. */
    private static String routes(String deploymentJson) {
      JsonNode d = parse(deploymentJson);
      if (d == null) {
        return "";
      }
      List<String> out = new ArrayList<>();
      d.path("routes").forEach(r -> out.add(r.path("target").asText() + "=" + r.path("weight").asInt()));
      return String.join(", ", out);
    }
  }

  @Command(name = "rollback", description = "Put back the routing a deployment had after an earlier change.")
  static final class Rollback extends OnDeployment {
    @Option(names = "--to", paramLabel = "SEQ", required = true,
        description = "The history entry (SEQ in 'cairn deploy history') whose routing to put back.")
    long seq;

    @Mixin ExpectedVersion expected;

    @Override
    public Integer call() {
      DeploymentsClient client = deployments();
      changed(client.rollback(name, seq, expected.resolve(client, name)));
      return 0;
    }
  }
}
