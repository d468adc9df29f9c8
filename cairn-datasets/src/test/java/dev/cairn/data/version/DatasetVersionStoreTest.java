package dev.cairn.data.version;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.Hashing;
import dev.cairn.tracking.Page;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The version table's rules, on SQLite (the PostgreSQL run extends this). */
class DatasetVersionStoreTest {
  @TempDir Path tmp;
  DatasetVersionStore store;

  DatasetVersionStore openStore() {
    return TestStores.sqlite(tmp);
  }

  @BeforeEach
  void setUp() {
    store = openStore();
  }

  @AfterEach
  void tearDown() {
    store.close();
  }

  static DatasetVersionStore.NewVersion version(String name, String content) {
    return new DatasetVersionStore.NewVersion(name, "alice", "m", 10, null, 1, Hashing.sha256Hex(content.getBytes()),
        "file:/x", Map.of("k", content), null, null);
  }

  @Test
  void versionsCountFromOnePerName() {
    assertThat(store.record(version("a", "1")).version().version()).isEqualTo(1);
    assertThat(store.record(version("a", "2")).version().version()).isEqualTo(2);
    assertThat(store.record(version("b", "1")).version().version()).isEqualTo(1);
    assertThat(store.get(DatasetRef.parse("a@2")).parentVersion()).isEqualTo(1);
    assertThat(store.get(DatasetRef.parse("a@2")).tags()).containsEntry("k", "2");
  }

  @Test
  void recordingTheNewestContentAgainReturnsItButOlderContentMakesANewVersion() {
    store.record(version("a", "1"));
    store.record(version("a", "2"));

    DatasetVersionStore.Recorded same = store.record(version("a", "2"));
    DatasetVersionStore.Recorded back = store.record(version("a", "1"));

    assertThat(same.isNew()).isFalse();
    assertThat(same.version().version()).isEqualTo(2);
    assertThat(back.isNew()).isTrue();
    assertThat(back.version().version()).isEqualTo(3);
  }

  @Test
  void concurrentWritersGetDistinctConsecutiveVersions() throws Exception {
    int threads = 4;
    int each = 10;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<List<Integer>>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        futures.add(pool.submit(() -> {
          List<Integer> got = new ArrayList<>();
          for (int i = 0; i < each; i++) {
            got.add(store.record(version("race", thread + "-" + i)).version().version());
          }
          return got;
        }));
      }
      List<Integer> all = new ArrayList<>();
      for (Future<List<Integer>> f : futures) {
        all.addAll(f.get());
      }
      assertThat(all).hasSize(threads * each).doesNotHaveDuplicates().allMatch(v -> v >= 1 && v <= threads * each);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void versionsPageNewestFirst() {
    for (int i = 1; i <= 5; i++) {
      store.record(version("a", Integer.toString(i)));
    }
    Page<DatasetVersion> first = store.versions("a", 2, null);
    Page<DatasetVersion> second = store.versions("a", 2, first.nextPageToken());
    Page<DatasetVersion> third = store.versions("a", 2, second.nextPageToken());

    assertThat(first.items()).extracting(DatasetVersion::version).containsExactly(5, 4);
    assertThat(second.items()).extracting(DatasetVersion::version).containsExactly(3, 2);
    assertThat(third.items()).extracting(DatasetVersion::version).containsExactly(1);
    assertThat(third.hasNext()).isFalse();
    assertThatThrownBy(() -> store.versions("a", 1001, null)).hasMessageContaining("limit is 1000");
    assertThatThrownBy(() -> store.versions("a", 2, "x")).hasMessageContaining("page_token 'x'");
  }

  @Test
  void datasetsListEachNameWithItsNewestVersion() {
    store.record(version("b", "1"));
    store.record(version("a", "1"));
    store.record(version("a", "2"));

    assertThat(store.datasets()).extracting(DatasetSummary::name, DatasetSummary::latestVersion)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("a", 2), org.assertj.core.groups.Tuple.tuple("b", 1));
  }

  @Test
  void rejectsOverlongMessagesAndTagKeys() {
    assertThatThrownBy(() -> new DatasetVersionStore.NewVersion("a", null, "m".repeat(10_001), 0, null, 0,
        "a".repeat(64), "u", Map.of(), null, null)).hasMessageContaining("limit is 10000");
    assertThatThrownBy(() -> new DatasetVersionStore.NewVersion("a", null, null, 0, null, 0,
        "a".repeat(64), "u", Map.of("k".repeat(251), "v"), null, null)).hasMessageContaining("1 to 250");
  }

  @Test
  void unknownSchemeFailsWithTheKnownOnes() {
    assertThatThrownBy(() -> DatasetVersionStore.open("mysql://x/y"))
        .hasMessageContaining("known: sqlite:").hasMessageContaining("postgresql://");
  }
}
