package dev.cairn.server.ui;

import dev.cairn.audit.AuditEvent;
import dev.cairn.audit.AuditVerification;
import dev.cairn.store.audit.AuditLog;
import dev.cairn.tracking.Page;
import io.javalin.http.Context;
import java.util.List;

/**
 * The audit page (admin): recent events newest first, filtered by actor and target prefix, paged; the hash chain is
 * checked on request ({@code verify=1}) only, since checking reads the whole log.
 */
public final class AuditPage {
  static final String PATH = "/ui/audit";
  static final int PAGE_SIZE = 50;

  /** What the page shows; {@code verification} is null unless asked for. */
  public record View(String actor, String target, List<AuditEvent> events, String nextPageToken,
      AuditVerification verification) {
    /** The next page's address, keeping the filters. */
    public String nextUrl() {
      return nextPageToken == null ? null : url(actor, target) + "&page_token=" + ModelViews.encode(nextPageToken);
    }

    public String verifyUrl() {
      return url(actor, target) + "&verify=1";
    }

    private static String url(String actor, String target) {
      return PATH + "?actor=" + ModelViews.encode(actor) + "&target=" + ModelViews.encode(target);
    }
  }

  private final AuditLog log;

  AuditPage(AuditLog log) {
    this.log = log;
  }

  void show(Context ctx) {
    String actor = UiRoutes.text(ctx, "actor");
    String target = UiRoutes.text(ctx, "target");
    Page<AuditEvent> page = log.search(new AuditLog.Query(actor.isEmpty() ? null : actor,
        target.isEmpty() ? null : target, null, null, null, true, PAGE_SIZE, ctx.queryParam("page_token")));
    AuditVerification verification = "1".equals(ctx.queryParam("verify")) ? log.verify() : null;
    UiRoutes.render(ctx, "audit.jte", new View(actor, target, page.items(), page.nextPageToken(), verification));
  }
}
