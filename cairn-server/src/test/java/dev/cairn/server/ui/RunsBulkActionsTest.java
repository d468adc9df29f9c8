package dev.cairn.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.server.ui.ModelFixture.Answer;
import dev.cairn.store.MetadataStore;
import dev.cairn.tracking.LifecycleStage;
import dev.cairn.tracking.ViewType;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runs page's bulk delete and restore, its Active/Deleted view, the Previous links of the runs and experiments
 * pages and the experiments page's run counts, over HTTP against real servers: one without authentication (as
 * {@code cairn server} on loopback), one with it and sessions (rita an editor, vic a viewer).
 */
class RunsBulkActionsTest {
  private static final Pattern ACTION = Pattern.compile("formaction=\"([^\"]+)\"");
  @TempDir static Path dir;
  static UiFixture open;
  static ModelFixture auth;

  @BeforeAll
  static void start() {
    open = new UiFixture(dir.resolve("open"));
    auth = new ModelFixture(dir.resolve("auth"), true);
  }

  @AfterAll
  static void stop() {
    try {
      open.close();
    } finally {
      auth.close();
    }
  }

  private static Answer sendTo(String base, String method, Map<String, String> headers, String body) {
    java.net.http.HttpRequest.Builder b = java.net.http.HttpRequest.newBuilder(java.net.URI.create(base));
    headers.forEach(b::header);
    b.method(method, body == null ? java.net.http.HttpRequest.BodyPublishers.noBody()
        : java.net.http.HttpRequest.BodyPublishers.ofString(body));
    try {
      java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(b.build(),
          java.net.http.HttpResponse.BodyHandlers.ofString());
      return new Answer(r.statusCode(), r.body(), r);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static Answer get(String path) {
    return sendTo(open.url(path), "GET", Map.of("Accept", "text/html"), null);
  }

  /** A form post to the open server with the run ids ticked (and any other fields). */
  static Answer post(String action, List<String> runIds, Map<String, String> headers) {
    Map<String, String> all = new java.util.HashMap<>(headers);
    all.put("Content-Type", "application/x-www-form-urlencoded");
    return sendTo(open.url(action), "POST", all, form(runIds, null));
  }

  static String form(List<String> runIds, String csrf) {
    String body = runIds.stream().map(id -> "run_ids=" + enc(id)).collect(Collectors.joining("&"));
    return csrf == null ? body : body + "&csrf=" + enc(csrf);
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  static String unescape(String href) {
    return href.replace("&amp;", "&");
  }

  /** The form action of the page's delete or restore button, as a browser would post to it. */
  static String bulkAction(String html) {
    Matcher m = ACTION.matcher(html);
    assertThat(m.find()).as("the page has a delete/restore button").isTrue();
    return unescape(m.group(1));
  }

  static String link(String html, String id) {
    Matcher m = Pattern.compile("href=\"([^\"]+)\" id=\"" + id + "\"").matcher(html);
    assertThat(m.find()).as("link #" + id).isTrue();
    return unescape(m.group(1));
  }

  static List<String> rows(String html) {
    List<String> ids = new ArrayList<>();
    Matcher m = Pattern.compile("<tr data-run-id=\"([0-9a-f]+)\"").matcher(html);
    while (m.find()) {
      ids.add(m.group(1));
    }
    return ids;
  }

  static LifecycleStage stage(MetadataStore store, String runId) {
    return store.getRun(runId).info().lifecycleStage();
  }

  @Test
  void deletedRunsLeaveTheActiveViewAndComeBackWhenRestoredKeepingTheView() {
    MetadataStore store = open.server.metadataStore();
    String exp = store.createExperiment("bulk", null, List.of());
    List<String> runs = IntStream.range(0, 4).mapToObj(i -> store.createRun(exp, "ana", 1_000L + i, "r" + i,
        List.of()).runId()).toList();
    String view = "/ui/runs?experiment_id=" + exp + "&filter=" + enc("attributes.run_name LIKE 'r%'")
        + "&columns_set=1&sort=attributes.run_name&desc=0";
    String page = get(view).body();
    assertThat(page).contains(">Delete selected</button>", "id=\"view-deleted\"").doesNotContain("Restore selected");
    String action = bulkAction(page);
    assertThat(action).startsWith("/ui/runs/delete?experiment_id=" + exp + "&back=");

    Answer deleted = post(action, List.of(runs.get(0), runs.get(2)), Map.of());
    assertThat(deleted.status()).as(deleted.body()).isEqualTo(303);
    String back = deleted.header("Location");
    assertThat(back).startsWith("/ui/runs?experiment_id=" + exp).contains("filter=", "sort=attributes.run_name",
        "desc=0");
    assertThat(rows(get(back).body())).containsExactly(runs.get(1), runs.get(3));
    assertThat(stage(store, runs.get(0))).isEqualTo(LifecycleStage.DELETED);

    String deletedView = get(back).body();
    String toDeleted = link(deletedView, "view-deleted");
    assertThat(toDeleted).contains("view=deleted", "sort=attributes.run_name", "filter=");
    String trash = get(toDeleted).body();
    assertThat(rows(trash)).containsExactly(runs.get(0), runs.get(2));
    assertThat(trash).contains(">Restore selected</button>", "<input type=\"hidden\" name=\"view\" value=\"deleted\">")
        .doesNotContain("Delete selected");
    String restore = bulkAction(trash);
    assertThat(restore).startsWith("/ui/runs/restore?experiment_id=" + exp);
    Answer restored = post(restore, List.of(runs.get(2)), Map.of());
    assertThat(restored.status()).as(restored.body()).isEqualTo(303);
    assertThat(restored.header("Location")).contains("view=deleted");
    assertThat(rows(get(restored.header("Location")).body())).containsExactly(runs.get(0));
    assertThat(rows(get(link(get(restored.header("Location")).body(), "view-active")).body()))
        .containsExactly(runs.get(1), runs.get(2), runs.get(3));
    assertThat(get("/ui/runs?experiment_id=" + exp + "&view=gone").status()).isEqualTo(400);
  }

  @Test
  void aRunOfAnotherExperimentTooManyRunsOrNoneAreRefusedAndNothingChanges() {
    MetadataStore store = open.server.metadataStore();
    String exp = store.createExperiment("strict", null, List.of());
    String mine = store.createRun(exp, "ana", 1L, "mine", List.of()).runId();
    String action = "/ui/runs/delete?experiment_id=" + exp;
    Answer foreign = post(action, List.of(mine, open.alpha), Map.of());
    assertThat(foreign.status()).isEqualTo(400);
    assertThat(foreign.body()).contains("run " + open.alpha + " belongs to experiment " + open.experimentId);
    assertThat(stage(store, mine)).as("nothing deleted").isEqualTo(LifecycleStage.ACTIVE);
    assertThat(stage(store, open.alpha)).isEqualTo(LifecycleStage.ACTIVE);

    List<String> tooMany = IntStream.range(0, UiRoutes.MAX_BULK_RUNS + 1).mapToObj(i -> String.format("%032x", i))
        .toList();
    Answer big = post(action, tooMany, Map.of());
    assertThat(big.status()).isEqualTo(400);
    assertThat(big.body()).contains("run_ids has 501 runs; tick 1 to 500");
    assertThat(post(action, List.of(), Map.of()).status()).isEqualTo(400);
    assertThat(post(action, List.of("0123456789abcdef0123456789abcdef"), Map.of()).status()).isEqualTo(404);
    // a return address that is not a runs view of this server is not followed
    Answer away = post(action + "&back=" + enc("//evil.example/ui/runs?x"), List.of(mine), Map.of());
    assertThat(away.status()).isEqualTo(303);
    assertThat(away.header("Location")).isEqualTo(UiViews.runsUrl(exp));
  }

  @Test
  void withoutAuthenticationAPostFromAnotherSiteIsRefused() {
    MetadataStore store = open.server.metadataStore();
    String exp = store.createExperiment("cross-site", null, List.of());
    String run = store.createRun(exp, "ana", 1L, "victim", List.of()).runId();
    String action = "/ui/runs/delete?experiment_id=" + exp;
    Answer fromElsewhere = post(action, List.of(run), Map.of("Origin", "http://evil.example"));
    assertThat(fromElsewhere.status()).isEqualTo(403);
    assertThat(fromElsewhere.body()).contains("another site");
    Answer crossSite = post(action, List.of(run), Map.of("Sec-Fetch-Site", "cross-site", "Origin", "null"));
    assertThat(crossSite.status()).isEqualTo(403);
    assertThat(stage(store, run)).as("nothing deleted").isEqualTo(LifecycleStage.ACTIVE);
    String self = open.server.url();
    assertThat(post(action, List.of(run), Map.of("Origin", self, "Sec-Fetch-Site", "same-origin")).status())
        .isEqualTo(303);
    assertThat(stage(store, run)).isEqualTo(LifecycleStage.DELETED);
  }

  @Test
  void previousGoesBackToTheRowsOfTheFirstPageKeepingTheView() {
    String first = get("/ui/runs?experiment_id=" + open.experimentId + "&page_size=1&sort=metrics.acc&desc=1")
        .body();
    assertThat(first).doesNotContain("id=\"previous-page\"");
    List<String> firstRows = rows(first);
    String second = get(link(first, "next-page")).body();
    String third = get(link(second, "next-page")).body();
    assertThat(rows(second)).hasSize(1).doesNotContainAnyElementsOf(firstRows);
    String back = link(third, "previous-page");
    assertThat(back).contains("sort=metrics.acc", "desc=1", "page_size=1", "page_token=");
    assertThat(rows(get(back).body())).isEqualTo(rows(second));
    String toFirst = link(second, "previous-page");
    assertThat(toFirst).doesNotContain("page_token");
    assertThat(rows(get(toFirst).body())).isEqualTo(firstRows);
  }

  @Test
  void theExperimentsPageCountsActiveRunsAndPagesBothWays() {
    MetadataStore store = open.server.metadataStore();
    String counted = store.createExperiment("zz-counted", null, List.of());
    for (int i = 0; i < 3; i++) {
      store.createRun(counted, "ana", i, "c" + i, List.of());
    }
    store.deleteRun(store.createRun(counted, "ana", 9, "gone", List.of()).runId());
    String page = get("/ui/experiments?q=zz-counted").body();
    assertThat(page).contains("<th>Runs</th>", ">zz-counted</a></td><td>" + counted + "</td>\n<td class=\"num\">3</td>");
    for (int i = 0; i < UiRoutes.EXPERIMENTS_PAGE_SIZE + 5; i++) {
      store.createExperiment("pg-" + i, null, List.of());
    }
    String first = get("/ui/experiments?q=pg-").body();
    assertThat(first).doesNotContain("id=\"previous-page\"");
    String second = get(link(first, "next-page")).body();
    assertThat(second).doesNotContain("id=\"next-page\"");
    assertThat(names(second)).hasSize(5).doesNotContainAnyElementsOf(names(first));
    String again = get(link(second, "previous-page")).body();
    assertThat(names(again)).isEqualTo(names(first)).hasSize(UiRoutes.EXPERIMENTS_PAGE_SIZE);
    assertThat(store.countRuns(List.of(counted), ViewType.DELETED_ONLY)).containsEntry(counted, 1L);
  }

  static List<String> names(String html) {
    List<String> names = new ArrayList<>();
    Matcher m = Pattern.compile(">(pg-\\d+)</a>").matcher(html);
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  // ---- with authentication and sessions

  String authExperiment() {
    return auth.server.metadataStore().getRun(auth.run1).info().experimentId();
  }

  @Test
  void aViewerSeesNoButtonsAndIsRefusedEvenWithTheToken() {
    String exp = authExperiment();
    String vic = auth.session("vic");
    Answer page = auth.page("/ui/runs?experiment_id=" + exp, vic);
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.body()).contains("data-run-id=\"" + auth.run1 + "\"").doesNotContain("Delete selected",
        "/ui/runs/delete");
    String csrf = auth.page("/ui/experiments", vic).csrf(); // the sign-out form's: the session's token
    Answer refused = auth.send("POST", "/ui/runs/delete?experiment_id=" + exp, Map.of("Cookie", vic,
        "Content-Type", "application/x-www-form-urlencoded"), form(List.of(auth.run1), csrf));
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.body()).contains("needs role editor");
    assertThat(stage(auth.server.metadataStore(), auth.run1)).as("nothing deleted").isEqualTo(LifecycleStage.ACTIVE);
  }

  @Test
  void anEditorsFormPostNeedsTheSessionsCsrfToken() {
    String exp = authExperiment();
    String rita = auth.session("rita");
    Answer page = auth.page("/ui/runs?experiment_id=" + exp, rita);
    assertThat(page.body()).contains(">Delete selected</button>");
    Matcher token = Pattern.compile("id=\"bulk-runs\"[^>]* name=\"csrf\" value=\"([^\"]+)\"").matcher(page.body());
    assertThat(token.find()).as("the delete button carries the session's token").isTrue();
    String action = bulkAction(page.body());
    Map<String, String> headers = Map.of("Cookie", rita, "Content-Type", "application/x-www-form-urlencoded");
    Answer noToken = auth.send("POST", action, headers, form(List.of(auth.run2), null));
    assertThat(noToken.status()).isEqualTo(403);
    assertThat(noToken.body()).contains("csrf");
    Answer wrongToken = auth.send("POST", action, headers, form(List.of(auth.run2), "not-the-token"));
    assertThat(wrongToken.status()).isEqualTo(403);
    assertThat(stage(auth.server.metadataStore(), auth.run2)).as("nothing deleted").isEqualTo(LifecycleStage.ACTIVE);
    Answer ok = auth.send("POST", action, headers, form(List.of(auth.run2), token.group(1)));
    assertThat(ok.status()).as(ok.body()).isEqualTo(303);
    assertThat(stage(auth.server.metadataStore(), auth.run2)).isEqualTo(LifecycleStage.DELETED);
    Answer trash = auth.page(ok.header("Location").replace("experiment_id=" + exp,
        "experiment_id=" + exp + "&view=deleted"), rita);
    assertThat(rows(trash.body())).containsExactly(auth.run2);
  }
}
