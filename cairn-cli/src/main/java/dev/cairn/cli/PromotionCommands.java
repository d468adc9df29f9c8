package dev.cairn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.client.PromotionsClient;
import dev.cairn.core.Json;
import dev.cairn.registry.AliasChange;
import dev.cairn.registry.PromotionPolicy;
import dev.cairn.registry.PromotionRequest;
import dev.cairn.tracking.Page;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The four-eyes promotion subcommands of {@code cairn models}: protect an alias with a policy, request a
 * promotion, approve, reject or cancel it, roll an alias back, and show requests and an alias's history.
 */
final class PromotionCommands {
  private PromotionCommands() {}

  static PromotionsClient promotions(CommandSpec spec) {
    return Main.client(spec).promotions();
  }

  @Command(name = "policy", description = "Protect an alias (it then moves only through approved promotions).",
      subcommands = {PolicySet.class, PolicyDelete.class, PolicyList.class})
  static final class Policy implements Runnable {
    @Spec CommandSpec spec;

    @Override
    public void run() {
      throw new ParameterException(spec.commandLine(), "a subcommand is required: set, delete, list");
    }
  }

  @Command(name = "set", description = "Protect ALIAS of model NAME, requiring N approvals to move it (admin).")
  static final class PolicySet implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME", description = "The registered model.") String name;

    @Parameters(index = "1", paramLabel = "ALIAS", description = "The alias to protect, e.g. production.") String alias;

    @Option(names = "--approvals", paramLabel = "N", defaultValue = "1",
        description = "Approvals a promotion needs, from people other than the requester (default: ${DEFAULT-VALUE}).")
    int approvals;

    @Override
    public Integer call() {
      PromotionPolicy p = promotions(spec).setPolicy(name, alias, approvals);
      print(spec, "models:/" + p.modelName() + "@" + p.alias() + " is protected: " + p.requiredApprovals()
          + " approval" + (p.requiredApprovals() == 1 ? "" : "s") + " per promotion");
      return 0;
    }
  }

  @Command(name = "delete", description = "Lift an alias's protection; its open requests are cancelled (admin).")
  static final class PolicyDelete implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME", description = "The registered model.") String name;

    @Parameters(index = "1", paramLabel = "ALIAS", description = "The protected alias.") String alias;

    @Override
    public Integer call() {
      promotions(spec).deletePolicy(name, alias);
      print(spec, "models:/" + name + "@" + alias + " is no longer protected");
      return 0;
    }
  }

  @Command(name = "list", description = "A model's protected aliases.")
  static final class PolicyList implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME", description = "The registered model.") String name;

    @Override
    public Integer call() {
      Table table = new Table("ALIAS", "APPROVALS", "SET_BY", "SET");
      for (PromotionPolicy p : promotions(spec).policies(name)) {
        table.row(p.alias(), p.requiredApprovals(), p.updatedBy(), Output.time(p.updatedTime()));
      }
      table.print(spec.commandLine().getOut());
      return 0;
    }
  }

  @Command(name = "request-promotion", description = {
      "Ask to point a protected alias at VERSION; prints the request id and the evidence approvers see",
      "(the candidate's metrics beside the current holder's)."})
  static final class RequestPromotion implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME", description = "The registered model.") String name;

    @Parameters(index = "1", paramLabel = "VERSION", description = "The candidate version.") int version;

    @Option(names = "--alias", required = true, paramLabel = "ALIAS", description = "The protected alias, e.g. production.")
    String alias;

    @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "Why; shown to approvers and kept.")
    String reason;

    @Override
    public Integer call() {
      PromotionRequest r = promotions(spec).request(name, alias, version, reason);
      PrintWriter out = spec.commandLine().getOut();
      out.println("request " + r.requestId() + ": models:/" + name + "@" + alias + " -> " + version
          + (r.currentVersion() == null ? " (no current holder)" : " (now " + r.currentVersion() + ")")
          + ", needs " + r.requiredApprovals() + " approval" + (r.requiredApprovals() == 1 ? "" : "s"));
      printEvidence(out, r);
      out.flush();
      return 0;
    }
  }

  @Command(name = "promotions", description = "Promotion requests, newest first.")
  static final class Promotions implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "Only this model's requests.")
    String name;

    @Option(names = "--status", paramLabel = "STATUS",
        description = "Only requests in this status: pending, applied, rejected, cancelled.")
    String status;

    @Option(names = "--max-results", paramLabel = "N", defaultValue = "100", description = "Page size (default: ${DEFAULT-VALUE}).")
    int maxResults;

    @Option(names = "--page-token", paramLabel = "TOKEN", description = "Continue from a previous page.")
    String pageToken;

    @Override
    public Integer call() {
      PromotionRequest.Status wanted = null;
      if (status != null) {
        try {
          wanted = PromotionRequest.Status.valueOf(status.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
          throw new ParameterException(spec.commandLine(),
              "--status '" + status + "' is not one of pending, applied, rejected, cancelled");
        }
      }
      Page<PromotionRequest> page = promotions(spec).list(name, wanted, maxResults, pageToken);
      Table table = new Table("REQUEST_ID", "MODEL", "ALIAS", "VERSION", "STATUS", "APPROVALS", "REQUESTER", "CREATED");
      for (PromotionRequest r : page.items()) {
        table.row(r.requestId(), r.modelName(), r.alias(), r.version(), r.status().name().toLowerCase(Locale.ROOT),
            r.approvals() + "/" + r.requiredApprovals(), r.requester(), Output.time(r.createdTime()));
      }
      table.print(spec.commandLine().getOut());
      if (page.hasNext()) {
        spec.commandLine().getErr().println("(more requests: --page-token " + page.nextPageToken() + ")");
        spec.commandLine().getErr().flush();
      }
      return 0;
    }
  }

  @Command(name = "approve", description = "Approve a promotion request (approver; never your own request).")
  static final class Approve implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "REQUEST_ID", description = "The request.") String requestId;

    @Option(names = "--comment", paramLabel = "TEXT", description = "Kept with your approval.") String comment;

    @Override
    public Integer call() {
      PromotionsClient.Approval a = promotions(spec).approve(requestId, comment);
      PromotionRequest r = a.request();
      if (a.applied()) {
        print(spec, "applied: models:/" + r.modelName() + "@" + r.alias() + " -> " + r.version()
            + (r.previousVersion() == null ? "" : " (was " + r.previousVersion() + ")"));
      } else {
        print(spec, "approved: " + r.approvals() + " of " + r.requiredApprovals() + " approvals for request " + requestId);
      }
      return 0;
    }
  }

  @Command(name = "reject", description = "Reject a promotion request (approver); the alias stays where it is.")
  static final class Reject implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "REQUEST_ID", description = "The request.") String requestId;

    @Option(names = "--comment", paramLabel = "TEXT", description = "Why; kept with the request.") String comment;

    @Override
    public Integer call() {
      PromotionRequest r = promotions(spec).reject(requestId, comment);
      print(spec, "rejected: request " + r.requestId() + " (models:/" + r.modelName() + "@" + r.alias() + " -> "
          + r.version() + ")");
      return 0;
    }
  }

  @Command(name = "cancel", description = "Withdraw a promotion request you made.")
  static final class Cancel implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "REQUEST_ID", description = "The request.") String requestId;

    @Override
    public Integer call() {
      promotions(spec).cancel(requestId);
      print(spec, "cancelled: request " + requestId);
      return 0;
    }
  }

  @Command(name = "rollback", description = "Return ALIAS to the version that held it before its latest move (approver).")
  static final class Rollback implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME", description = "The registered model.") String name;

    @Parameters(index = "1", paramLabel = "ALIAS", description = "The alias.") String alias;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why; kept in the alias's history.") String reason;

    @Override
    public Integer call() {
      AliasChange c = promotions(spec).rollback(name, alias, reason);
      print(spec, "rolled back: models:/" + name + "@" + alias + " -> " + c.toVersion() + " (was " + c.fromVersion() + ")");
      return 0;
    }
  }

  @Command(name = "history", description = "An alias's moves, newest first: who, how (set, promotion, rollback), when.")
  static final class History implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME", description = "The registered model.") String name;

    @Parameters(index = "1", paramLabel = "ALIAS", description = "The alias.") String alias;

    @Override
    public Integer call() {
      Table table = new Table("#", "FROM", "TO", "HOW", "BY", "WHEN", "REASON");
      for (AliasChange c : promotions(spec).history(name, alias)) {
        table.row(c.sequence(), c.fromVersion() == null ? "-" : c.fromVersion(), c.toVersion() == null ? "-" : c.toVersion(),
            c.kind().name().toLowerCase(Locale.ROOT), c.actor(), Output.time(c.time()), c.reason());
      }
      table.print(spec.commandLine().getOut());
      return 0;
    }
  }

  /** The candidate's and the holder's metrics, one row per metric either has. */
  static void printEvidence(PrintWriter out, PromotionRequest r) {
    if (r.evidenceJson() == null) {
      return;
    }
    JsonNode evidence;
    try {
      evidence = Json.MAPPER.readTree(r.evidenceJson());
    } catch (java.io.IOException e) {
      return;
    }
    JsonNode candidate = evidence.path("candidate").path("metrics");
    JsonNode current = evidence.path("current").path("metrics");
    TreeSet<String> keys = new TreeSet<>();
    candidate.fieldNames().forEachRemaining(keys::add);
    current.fieldNames().forEachRemaining(keys::add);
    if (keys.isEmpty()) {
      return;
    }
    Table table = new Table("METRIC", "CANDIDATE v" + r.version(),
        r.currentVersion() == null ? "CURRENT" : "CURRENT v" + r.currentVersion());
    for (String k : keys) {
      table.row(k, candidate.has(k) ? candidate.get(k).asText() : "-", current.has(k) ? current.get(k).asText() : "-");
    }
    table.print(out);
  }

  private static void print(CommandSpec spec, String line) {
    spec.commandLine().getOut().println(line);
    spec.commandLine().getOut().flush();
  }
}
