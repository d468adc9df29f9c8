package dev.cairn.store.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.store.Dialect;
import dev.cairn.tracking.ViewType;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the rendered SQL looks like; SearchSqlContract shows what it does on real databases. */
class SearchSqlTest {

  private static SqlQuery runs(String filter, Dialect dialect) {
    return SearchSql.runs(List.of(1L), filter, ViewType.ACTIVE_ONLY, List.of(), 10, 0, dialect);
  }

  @Test
  void keysAndValuesAreBoundNeverInlined() {
    SqlQuery q = runs("tags.`secret key` = 'secret value' OR metrics.m > 42.5", Dialect.SQLITE);
    assertThat(q.sql()).doesNotContain("secret").doesNotContain("42.5");
    assertThat(q.params()).containsValues("secret key", "secret value", 42.5, 1L, "active", 10, 0L);
    assertThat(q.params().values()).allSatisfy(v -> assertThat(v).isNotInstanceOf(java.util.Collection.class));
  }

  @Test
  void postgresKeepsManySubqueriesOutOfJoinPlanning() {
    String nine = String.join(" AND ", Collections.nCopies(SqlRenderer.MAX_JOINED_SUBQUERIES + 1, "metrics.a > 1"));
    String eight = String.join(" AND ", Collections.nCopies(SqlRenderer.MAX_JOINED_SUBQUERIES, "metrics.a > 1"));
    assertThat(runs(nine, Dialect.POSTGRESQL).sql()).contains("IS TRUE");
    assertThat(runs(eight, Dialect.POSTGRESQL).sql()).doesNotContain("IS TRUE");
    assertThat(runs(nine, Dialect.SQLITE).sql()).doesNotContain("IS TRUE");
  }

  @Test
  void likeRendersPerDialect() {
    assertThat(runs("params.p LIKE 'a%'", Dialect.SQLITE).sql()).contains("GLOB");
    assertThat(runs("params.p ILIKE 'a%'", Dialect.SQLITE).sql()).contains("LIKE").contains("ESCAPE '!'");
    assertThat(runs("params.p LIKE 'a%'", Dialect.POSTGRESQL).sql()).contains(" LIKE ").doesNotContain("GLOB");
    assertThat(runs("params.p ILIKE 'a%'", Dialect.POSTGRESQL).sql()).contains(" ILIKE ");
  }

  @Test
  void likePatternsTranslateWildcardsAndEscapes() {
    LikePattern p = LikePattern.parse("a%b_c\\%d\\_e*f?g[h!i\\");
    assertThat(p.toGlob()).isEqualTo("a*b?c%d_e[*]f[?]g[[]h!i\\");
    assertThat(p.toBangLike()).isEqualTo("a%b_c!%d!_e*f?g[h!!i\\");
    assertThat(p.toBackslashLike()).isEqualTo("a%b_c\\%d\\_e*f?g[h!i\\\\");
  }

  @Test
  void negativePagingIsRejected() {
    assertThatThrownBy(() -> SearchSql.runs(List.of(1L), null, ViewType.ALL, List.of(), -1, 0, Dialect.SQLITE))
        .hasMessageContaining("limit");
    assertThatThrownBy(() -> SearchSql.experiments(null, ViewType.ALL, List.of(), 1, -1, Dialect.SQLITE))
        .hasMessageContaining("offset");
  }
}
