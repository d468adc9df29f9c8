package dev.cairn.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.server.ui.ModelFixture.Answer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry pages as plain HTTP with authentication on: the model list and a model's page (escaped), the
 * promotions page with Approve/Reject only for an approver who is not the requester, and its forms' CSRF check.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class) // the decision moves the alias the other tests read
class ModelPagesTest {
  @TempDir static Path dir;
  static ModelFixture fx;
  static final String ESCAPED = "team/churn &lt;b&gt;&amp;";

  @BeforeAll
  static void start() {
    fx = new ModelFixture(dir, true);
  }

  @AfterAll
  static void stop() {
    fx.close();
  }

  static String page(String path, String cookie) {
    Answer a = fx.page(path, cookie);
    assertThat(a.status()).as(path + ": " + a.body()).isEqualTo(200);
    assertThat(a.header("Content-Security-Policy")).contains("script-src 'self'");
    return a.body();
  }

  static String modelUrl() {
    return ModelViews.modelUrl(ModelFixture.NAME);
  }

  @Test
  void theListShowsTheModelEscapedWithItsLatestVersionAndAlias() {
    String html = page("/ui/models", fx.session("vic"));
    assertThat(html).contains(">" + ESCAPED + "</a>", "href=\"/ui/model?name=team%2Fchurn+%3Cb%3E%26\"",
        "@champion → 1", ">2 <small>none</small>").doesNotContain("<b>&");
    assertThat(page("/ui/models?q=churn", fx.session("vic"))).contains(ESCAPED);
    assertThat(page("/ui/models?q=nothing-like-it", fx.session("vic"))).doesNotContain(ESCAPED)
        .contains("No registered models match");
    // a quote in the search box is text, not filter syntax
    assertThat(fx.page("/ui/models?q=it%27s", fx.session("vic")).status()).isEqualTo(200);
  }

  @Test
  void theModelPageShowsVersionsAliasesPolicyAndHistoryEscaped() {
    String html = page(modelUrl(), fx.session("vic"));
    assertThat(html).contains("<h1>" + ESCAPED + "</h1>", "&lt;script&gt;alert(1)&lt;/script&gt;")
        .doesNotContain(ModelFixture.TAG_VALUE);
    assertThat(html).contains("<tr data-version=\"2\">", "<tr data-version=\"1\">",
        "<a href=\"/ui/run?run_id=" + fx.run1 + "\">", "<a href=\"/ui/run?run_id=" + fx.run2 + "\">",
        "runs:/" + fx.run1 + "/model", "<td class=\"aliases\">champion</td>",
        "<tr data-alias=\"champion\"><td>@champion</td><td class=\"num\">1</td>");
    assertThat(html.indexOf("data-version=\"2\"")).as("newest first").isLessThan(html.indexOf("data-version=\"1\""));
    // each version's source run's latest metric, in a column of its own
    assertThat(html).contains("<th class=\"metric\">acc</th>");
    String v2 = html.substring(html.indexOf("<tr data-version=\"2\">"), html.indexOf("<tr data-version=\"1\">"));
    assertThat(v2).contains("<td class=\"num\" data-metric=\"acc\">" + UiViews.number(0.87) + "</td>");
    assertThat(html.substring(html.indexOf("<tr data-version=\"1\">")))
        .contains("<td class=\"num\" data-metric=\"acc\">" + UiViews.number(0.81) + "</td>");
    assertThat(html).contains("id=\"policies\"").containsPattern("<td>@champion</td><td class=\"num\">1</td><td>admin</td>");
    assertThat(html).contains("id=\"alias-history\"").contains("– → 1</td><td>set</td>");
  }

  @Test
  void aVersionsLineageIsATreeFromTheVersionThroughItsRunToItsData() {
    String model = page(modelUrl(), fx.session("vic"));
    String url = ModelViews.lineageUrl(ModelFixture.NAME, 2);
    assertThat(model).contains("href=\"" + url.replace("&", "&amp;") + "\"");
    String html = page(url, fx.session("vic"));
    // the graph: one box per node (version, run, dataset), one curve per edge, the run's box linking to its page
    String svg = html.substring(html.indexOf("<svg class=\"lineage-graph\""), html.indexOf("</svg>"));
    assertThat(svg.split("<g class=\"node\"", -1)).hasSize(4);
    assertThat(svg.split("<g class=\"link\"", -1)).hasSize(3);
    assertThat(svg).contains("data-node-kind=\"dataset\"", "data-node-kind=\"run\"",
        "data-node-kind=\"model version\"", "<a href=\"/ui/run?run_id=" + fx.run2 + "\">");
    html = html.substring(html.indexOf("</svg>"));
    int root = html.indexOf("data-kind=\"model version\"");
    int run = html.indexOf("data-kind=\"run\"");
    int data = html.indexOf("data-kind=\"dataset\"");
    assertThat(root).isPositive().isLessThan(run);
    assertThat(run).isLessThan(data);
    assertThat(html.substring(root, run)).contains(ESCAPED + "/2").contains("<ul>");
    assertThat(html.substring(run, data)).contains("<span class=\"relation\">produced</span>",
        "<a href=\"/ui/run?run_id=" + fx.run2 + "\">" + fx.run2 + "</a>").contains("<ul>");
    assertThat(html.substring(data)).contains("<span class=\"relation\">input to (training)</span>",
        "<a href=\"/ui/datasets/train-set/3\">train-set</a>");
    // nested: the dataset's list closes inside the run's, inside the version's
    assertThat(html.substring(data)).containsPattern("(?s)</li>\\s*</ul>\\s*</li>\\s*</ul>\\s*</li>\\s*</ul>");
    assertThat(fx.page(ModelViews.lineageUrl(ModelFixture.NAME, 9), fx.session("vic")).status()).isEqualTo(404);
    assertThat(fx.page(ModelPages.LINEAGE + "?name=x&version=two", fx.session("vic")).status()).isEqualTo(400);
  }

  @Test
  void theAuditPageIsTheAdminsAndFiltersByActorAndTarget() {
    assertThat(fx.page("/ui/audit", fx.session("vic")).status()).isEqualTo(403);
    Map<String, String> admin = Map.of("Authorization", fx.admin, "Accept", "text/html");
    Answer all = fx.send("GET", "/ui/audit", admin, null);
    assertThat(all.status()).as(all.body()).isEqualTo(200);
    assertThat(all.body()).contains("<td>registry.alias.set</td>", "<td>rita</td>", "<td>admin</td>",
        "<td>registry.promotion.requested</td>", "Verify the hash chain")
        .contains("model:" + ESCAPED + "@champion").doesNotContain("<b>&");
    String rita = fx.send("GET", "/ui/audit?actor=rita", admin, null).body();
    assertThat(rita).contains("<td>rita</td>", "<td>registry.promotion.requested</td>").doesNotContain("<td>admin</td>");
    String target = fx.send("GET", "/ui/audit?target=" + ModelViews.encode("model:team/churn"), admin, null).body();
    assertThat(target).contains("model:" + ESCAPED, "<td>registry.alias.set</td>")
        .doesNotContain("registry.promotion.requested");
    assertThat(fx.send("GET", "/ui/audit?actor=nobody-at-all", admin, null).body()).contains("No events match");
    Answer verified = fx.send("GET", "/ui/audit?actor=rita&target=&verify=1", admin, null);
    assertThat(verified.body()).containsPattern("<p id=\"verify\" class=\"ok\">Chain verified: \\d+ events");
  }

  @Test
  void aGrantOnTheModelOpensItsPagesAndItsButtonsOnly() {
    String ann = fx.session("ann");
    assertThat(page(modelUrl(), ann)).contains("<h1>" + ESCAPED + "</h1>");
    assertThat(page(ModelViews.promotionsUrl(ModelFixture.NAME), ann)).contains("action=\"/ui/promotions/approve?request_id=");
    assertThat(fx.page(ModelViews.modelUrl("another"), ann).status()).isEqualTo(403);
    assertThat(fx.page("/ui/models", ann).status()).as("the list is global, as the search API").isEqualTo(403);
    assertThat(fx.page(ModelViews.lineageUrl(ModelFixture.NAME, 1), ann).status()).as("as the lineage API")
        .isEqualTo(403);
  }

  @Test
  void anUnknownModelIsA404Page() {
    Answer a = fx.page("/ui/model?name=nope", fx.session("vic"));
    assertThat(a.status()).isEqualTo(404);
    assertThat(a.body()).contains("nope");
  }

  @Test
  void onlyAnApproverWhoIsNotTheRequesterSeesTheButtons() {
    String approver = page(ModelViews.promotionsUrl(ModelFixture.NAME), fx.session("abe"));
    assertThat(approver).contains("data-request=\"" + fx.requestId + "\"", "better &lt;acc&gt;",
        "<td>acc</td><td class=\"num\">0.87</td><td class=\"num\">0.81</td>",
        "action=\"/ui/promotions/approve?request_id=" + fx.requestId + "\"",
        "formaction=\"/ui/promotions/reject?request_id=" + fx.requestId + "\"");
    assertThat(approver).containsPattern("name=\"csrf\" value=\"[^\"]+\">\n<input type=\"text\" name=\"comment\"");
    String requester = page(ModelViews.promotionsUrl(ModelFixture.NAME), fx.session("rita"));
    assertThat(requester).contains("data-request=\"" + fx.requestId + "\"").doesNotContain("/ui/promotions/approve");
    String viewer = page("/ui/promotions", fx.session("vic"));
    assertThat(viewer).contains("data-request=\"" + fx.requestId + "\"").doesNotContain("/ui/promotions/approve");
  }

  @Test
  @Order(Integer.MAX_VALUE)
  void aDecisionFormNeedsTheSessionsCsrfTokenAndTheRole() {
    String action = "/ui/promotions/approve?request_id=" + fx.requestId;
    String vic = fx.session("vic");
    Answer viewer = fx.send("POST", "/ui/promotions/reject?request_id=" + fx.requestId, Map.of("Cookie", vic,
        "Content-Type", "application/x-www-form-urlencoded"), ModelFixture.form(Map.of("csrf",
        fx.page("/ui/models", vic).csrf())));
    assertThat(viewer.status()).as("a viewer cannot decide even with the token").isEqualTo(403);
    // ann approves this model only: the request's model is found from the request_id in the form's address
    String ann = fx.session("ann");
    Map<String, String> headers = Map.of("Cookie", ann, "Content-Type", "application/x-www-form-urlencoded");
    Answer noToken = fx.send("POST", action, headers, ModelFixture.form(Map.of("comment", "ok")));
    assertThat(noToken.status()).isEqualTo(403);
    assertThat(noToken.body()).contains("csrf");
    assertThat(page(modelUrl(), ann)).as("nothing moved").contains("<tr data-alias=\"champion\"><td>@champion</td>"
        + "<td class=\"num\">1</td>");
    String csrf = fx.page(ModelViews.promotionsUrl(ModelFixture.NAME), ann).csrf();
    Answer ok = fx.send("POST", action, headers, ModelFixture.form(Map.of("comment", "fine <by> me", "csrf", csrf)));
    assertThat(ok.status()).as(ok.body()).isEqualTo(303);
    assertThat(ok.header("Location")).isEqualTo(ModelViews.promotionsUrl(ModelFixture.NAME));
    String after = page(ModelViews.promotionsUrl(ModelFixture.NAME), ann);
    assertThat(after).contains("class=\"status\">applied</span>", "approve by <b>ann</b>", "fine &lt;by&gt; me")
        .doesNotContain("/ui/promotions/approve");
    assertThat(page(modelUrl(), ann)).contains("<tr data-alias=\"champion\"><td>@champion</td><td class=\"num\">2</td>",
        "1 → 2</td><td>promotion</td>\n<td>ann</td>");
    // a newer request waits: it comes before the applied one
    String back = fx.api("/api/cairn/v1/registry/promotions/request", Map.of("name", ModelFixture.NAME, "alias",
        "champion", "version", 1, "reason", "roll back"), fx.admin).path("request").path("request_id").asText();
    String list = page(ModelViews.promotionsUrl(ModelFixture.NAME), ann);
    assertThat(list.indexOf("data-request=\"" + back + "\"")).isPositive()
        .isLessThan(list.indexOf("data-request=\"" + fx.requestId + "\""));
  }

  @Test
  void everyModelUrlOfTheDocsAnswersAPage() throws Exception {
    List<String> urls = new ArrayList<>();
    for (String line : Files.readAllLines(UiDocsTest.DOC)) {
      if (line.matches(Pattern.quote(UiDocsTest.HOST) + "/ui/(models?\\b|promotions|audit).*")) {
        urls.add(line.strip().substring(UiDocsTest.HOST.length()));
      }
    }
    assertThat(urls).hasSizeGreaterThanOrEqualTo(7);
    Map<String, String> admin = Map.of("Authorization", fx.admin, "Accept", "text/html");
    for (String url : urls) {
      Answer a = fx.send("GET", url.replace("NAME", ModelViews.encode(ModelFixture.NAME))
          .replace("REQUEST_ID", fx.requestId), admin, null);
      assertThat(a.status()).as(url + ": " + a.body()).isEqualTo(200);
      assertThat(a.body()).as(url).contains("<main>");
    }
  }
}
