package dev.cairn.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.audit.AuditEvent;
import dev.cairn.audit.AuditVerification;
import dev.cairn.client.AuditClient;
import dev.cairn.core.CairnException;
import dev.cairn.store.MetadataStores;
import dev.cairn.store.audit.AuditLog;
import dev.cairn.store.sql.SqlDatabase;
import dev.cairn.tracking.Page;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code cairn audit}: list audit events through a server, and verify the hash chain by opening the database
 * directly (read-only for SQLite), so verification works with or without a server and trusts no server's answer.
 */
@Command(name = "audit", description = "List audit events; verify the audit log's hash chain.",
    subcommands = {AuditCommand.ListEvents.class, AuditCommand.Verify.class})
final class AuditCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "a subcommand is required: "
        + String.join(", ", spec.subcommands().keySet()));
  }

  @Command(name = "verify", description = {"Check every audit event's hash and link, in order; names the first bad "
      + "event and exits 1 if one was changed, removed or reordered.",
      "Opens the database itself (a SQLite file read-only), beside a running server or without one."})
  static final class Verify implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--backend-store-uri", paramLabel = "URI",
        defaultValue = "${env:CAIRN_BACKEND_STORE_URI:-sqlite:./cairn-data/cairn.db}",
        description = "Metadata store: sqlite:PATH or postgresql://HOST/DB (default: ${DEFAULT-VALUE}).")
    String backendStoreUri;

    @Override
    public Integer call() {
      AuditVerification v;
      try (SqlDatabase db = open()) {
        v = new AuditLog(db).verify();
      }
      PrintWriter out = spec.commandLine().getOut();
      if (!v.ok()) {
        PrintWriter err = spec.commandLine().getErr();
        err.println("cairn: audit log verification failed at event " + v.firstBad().sequence() + ": "
            + v.firstBad().reason() + " (" + v.checked() + (v.checked() == 1 ? " event" : " events")
            + " before it verified)");
        err.flush();
        return Main.EXIT_FAILURE;
      }
      out.println("ok: " + v.checked() + (v.checked() == 1 ? " audit event" : " audit events")
          + " verified, the chain is intact");
      out.flush();
      return 0;
    }

    /**
     * Read-only, never migrated: a SQLite file of this build's schema opens without a pool or Flyway (an older one
     * is refused: a server or a writing command migrates it); other SQLite files and PostgreSQL through read-only
     * connections.
     */
    private SqlDatabase open() {
      String refused = "cairn audit verify only reads the database";
      List<String> modules = dev.cairn.server.CairnServer.MIGRATIONS; // the server's schema is current, not newer
      Optional<java.nio.file.Path> sqlite = MetadataStores.sqlitePath(backendStoreUri);
      if (sqlite.isPresent() && !Files.isRegularFile(sqlite.get())) {
        throw CairnException.notFound("no database at " + sqlite.get().toAbsolutePath() + " (from --backend-store-uri "
            + MetadataStores.redact(backendStoreUri) + ")");
      }
      Optional<SqlDatabase> current = MetadataStores.openDatabaseIfCurrent(backendStoreUri, modules, refused);
      if (current.isPresent()) {
        return current.get();
      }
      return MetadataStores.openDatabaseReadOnly(backendStoreUri, refused);
    }
  }

  @Command(name = "list", description = "List audit events from a server, newest first, with filters.")
  static final class ListEvents implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin TrackingServer trackingServer;

    @Option(names = "--actor", paramLabel = "USER", description = "Only events by this user.")
    String actor;

    @Option(names = "--target", paramLabel = "PREFIX",
        description = "Only events whose target starts with this, e.g. run:, experiment:3, model:churn.")
    String target;

    @Option(names = "--action", paramLabel = "ACTION",
        description = "Only this action, e.g. \"POST /api/2.0/mlflow/runs/log-batch\" or registry.alias.set.")
    String action;

    @Option(names = "--from", paramLabel = "TIME", description = "Not before: epoch ms or ISO-8601 (2026-12-01T10:00:00Z).")
    String from;

    @Option(names = "--to", paramLabel = "TIME", description = "Not after: epoch ms or ISO-8601.")
    String to;

    @Option(names = "--oldest-first", description = "Oldest events first.")
    boolean oldestFirst;

    @Option(names = "--max-results", paramLabel = "N", defaultValue = "100",
        description = "Page size, 1 to 1000 (default: ${DEFAULT-VALUE}).")
    int maxResults;

    @Option(names = "--page-token", paramLabel = "TOKEN", description = "Continue from a previous page.")
    String pageToken;

    @Option(names = "--json", description = "Print the REST API's answer instead of a table.")
    boolean json;

    @Override
    public Integer call() {
      AuditClient audit = Main.client(spec).audit();
      Page<AuditEvent> page = audit.list(new AuditClient.Filter(actor, target, action, time("--from", from),
          time("--to", to), !oldestFirst), maxResults, pageToken);
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        ObjectNode body = Output.object();
        ArrayNode events = body.putArray("events");
        for (AuditEvent e : page.items()) {
          events.add(dev.cairn.server.audit.AuditRoutes.json(e));
        }
        if (page.hasNext()) {
          body.put("next_page_token", page.nextPageToken());
        }
        Output.json(out, body);
        return 0;
      }
      Table table = new Table("SEQ", "TIME", "ACTOR", "ACTION", "TARGET", "REQUEST_ID");
      for (AuditEvent e : page.items()) {
        table.row(e.sequence(), Output.time(e.timeMs()), e.actor(), e.action(), e.target() == null ? "-" : e.target(),
            e.requestId() == null ? "-" : e.requestId());
      }
      table.print(out);
      if (page.hasNext()) {
        PrintWriter err = spec.commandLine().getErr();
        err.println("(more events: --page-token " + page.nextPageToken() + ")");
        err.flush();
      }
      return 0;
    }

    private Long time(String option, String text) {
      if (text == null || text.isBlank()) {
        return null;
      }
      try {
        return Long.parseLong(text.strip());
      } catch (NumberFormatException notMillis) {
        try {
          return Instant.parse(text.strip()).toEpochMilli();
        } catch (DateTimeParseException e) {
          throw new ParameterException(spec.commandLine(), option + " '" + text + "' is neither epoch milliseconds"
              + " nor an ISO-8601 instant such as 2026-12-01T10:00:00Z");
        }
      }
    }
  }
}
