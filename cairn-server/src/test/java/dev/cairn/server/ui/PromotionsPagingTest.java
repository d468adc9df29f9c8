package dev.cairn.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The promotions page pages its closed requests (and its pending ones) apart, forwards and back, over HTTP. */
class PromotionsPagingTest {
  private static final Pattern SECTION = Pattern.compile("<section class=\"promotion (\\w+)\" data-request=\"(\\w+)\"");

  record Shown(String status, String id) {}

  static List<Shown> shown(String html) {
    List<Shown> out = new ArrayList<>();
    Matcher m = SECTION.matcher(html);
    while (m.find()) {
      out.add(new Shown(m.group(1), m.group(2)));
    }
    return out;
  }

  static String link(String html, String id) {
    Matcher m = Pattern.compile("href=\"([^\"]+)\" id=\"" + id + "\"").matcher(html);
    assertThat(m.find()).as("link #" + id).isTrue();
    return m.group(1).replace("&amp;", "&");
  }

  @Test
  void closedRequestsPageForwardAndBackWithThePendingOnesOnTop(@TempDir Path dir) {
    try (ModelFixture fx = new ModelFixture(dir, false)) {
      List<String> closed = new ArrayList<>();
      String pending = fx.requestId;
      for (int i = 0; i < 3; i++) { // the requester cancels and asks again: three closed requests, one pending
        fx.api("/api/cairn/v1/registry/promotions/cancel", Map.of("request_id", pending), null);
        closed.add(pending);
        pending = fx.api("/api/cairn/v1/registry/promotions/request", Map.of("name", ModelFixture.NAME, "alias",
            "champion", "version", 2, "reason", "try " + i), null).path("request").path("request_id").asText();
      }
      String url = ModelViews.promotionsUrl(ModelFixture.NAME) + "&page_size=1";
      String first = fx.page(url, null).body();
      List<Shown> one = shown(first);
      assertThat(one).hasSize(2);
      assertThat(one.get(0)).isEqualTo(new Shown("pending", pending));
      assertThat(first).doesNotContain("id=\"newer-closed\"", "id=\"older-pending\"");
      String second = fx.page(link(first, "older-closed"), null).body();
      String third = fx.page(link(second, "older-closed"), null).body();
      assertThat(third).doesNotContain("id=\"older-closed\"");
      List<String> closedSeen = new ArrayList<>();
      for (String html : List.of(first, second, third)) {
        List<Shown> s = shown(html);
        assertThat(s).hasSize(2);
        assertThat(s.get(0)).as("the pending request stays on top").isEqualTo(new Shown("pending", pending));
        assertThat(s.get(1).status()).isEqualTo("cancelled");
        closedSeen.add(s.get(1).id());
      }
      assertThat(closedSeen).containsExactlyInAnyOrderElementsOf(closed);
      assertThat(shown(fx.page(link(third, "newer-closed"), null).body())).isEqualTo(shown(second));
      String backToFirst = link(second, "newer-closed");
      assertThat(backToFirst).doesNotContain("closed_token");
      assertThat(shown(fx.page(backToFirst, null).body())).isEqualTo(one);
      // without page_size the page shows up to 100 of each, so all of them
      assertThat(shown(fx.page(ModelViews.promotionsUrl(ModelFixture.NAME), null).body())).hasSize(4);
      assertThat(fx.page(url.replace("page_size=1", "page_size=101"), null).status()).isEqualTo(400);
    }
  }
}
