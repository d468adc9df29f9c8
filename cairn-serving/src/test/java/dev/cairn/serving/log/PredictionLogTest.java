package dev.cairn.serving.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.store.MetadataStores;
import dev.cairn.store.sql.SqlDatabase;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The prediction log against a real SQLite store: back-pressure, sampling, failures, privacy. */
class PredictionLogTest {
  @TempDir Path dir;
  SqlDatabase db;
  PredictionStore store;

  @BeforeEach
  void open() {
    db = MetadataStores.openDatabase("sqlite:" + dir.resolve("cairn.db"), List.of());
    store = new PredictionStore(db);
  }

  @AfterEach
  void close() {
    db.close();
  }

  static PredictionRecord record(String deployment, Map<String, Object> input) {
    return new PredictionRecord(deployment, "churn", 1, 1_000, List.of(input), List.of(Map.of("label", "yes")), 2.5,
        false);
  }

  static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 30 s");
      }
      Thread.sleep(10);
    }
  }

  int rows() {
    return db.read(h -> h.createQuery("SELECT COUNT(*) FROM predictions").mapTo(Integer.class).one());
  }

  @Test
  void aStalledStoreNeverStallsRecordAndTheQueueDrainsWhenItRecovers() throws Exception {
    CountDownLatch writing = new CountDownLatch(1);
    CountDownLatch recover = new CountDownLatch(1);
    PredictionLog.BatchWriter stalled = batch -> {
      writing.countDown();
      try {
        if (!recover.await(60, TimeUnit.SECONDS)) {
          throw new IllegalStateException("the test never let the store recover");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      store.insert(batch);
    };
    ExecutorService caller = Executors.newSingleThreadExecutor();
    try (PredictionLog log = new PredictionLog(stalled, PredictionLog.Settings.defaults().withCapacity(5, 1))) {
      Set<String> ids = new HashSet<>();
      ids.add(log.record(record("d", Map.of("i", 0))));
      assertThat(writing.await(30, TimeUnit.SECONDS)).as("the writer took the first record and is stuck").isTrue();

      // with the writer stuck, 5 fill the queue and 7 more are dropped; every call returns (on another thread, so
      // a blocking call would show as a timed-out future, not a hung test) while the store is still stalled
      Future<List<String>> calls = caller.submit(() -> {
        List<String> got = new ArrayList<>();
        for (int i = 1; i <= 12; i++) {
          got.add(log.record(record("d", Map.of("i", i))));
        }
        return got;
      });
      List<String> returned = calls.get(30, TimeUnit.SECONDS);
      assertThat(recover.getCount()).as("the store was still stalled while record returned").isEqualTo(1);
      ids.addAll(returned);
      assertThat(ids).as("a fresh id for every call, kept or not").hasSize(13);
      PredictionLog.Counters c = log.counters();
      assertThat(c.accepted()).isEqualTo(6);
      assertThat(c.droppedFull()).isEqualTo(7);
      assertThat(c.written()).isZero();
      assertThat(c.asMap()).containsEntry("accepted", 6L).containsEntry("dropped_full", 7L)
          .containsEntry("write_failures", 0L);
      assertThat(rows()).isZero();

      recover.countDown();
      await(() -> log.counters().written() == 6);
      assertThat(rows()).isEqualTo(6);
      assertThat(log.queued()).isZero();
      // the first 6 calls' ids are the ones stored
      List<String> stored = db.read(h -> h.createQuery("SELECT id FROM predictions").mapTo(String.class).list());
      List<String> expected = new ArrayList<>(returned.subList(0, 5));
      assertThat(stored).containsAll(expected).hasSize(6);
    } finally {
      caller.shutdownNow();
    }
  }

  @Test
  void aFailingStoreIsCountedAndTheWriterGoesOn() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    PredictionLog.BatchWriter flaky = batch -> {
      if (calls.incrementAndGet() == 1) {
        throw new IllegalStateException("disk full");
      }
      store.insert(batch);
    };
    try (PredictionLog log = new PredictionLog(flaky, PredictionLog.Settings.defaults().withCapacity(100, 1))) {
      log.record(record("d", Map.of("i", 1)));
      await(() -> log.counters().writeFailures() == 1);
      log.record(record("d", Map.of("i", 2)));
      await(() -> log.counters().written() == 1);
    }
    assertThat(rows()).isEqualTo(1);
  }

  @Test
  void closeFlushesWhatIsQueued() {
    PredictionLog log = new PredictionLog(store, PredictionLog.Settings.defaults().withCapacity(1000, 7));
    for (int i = 0; i < 300; i++) {
      log.record(record("d", Map.of("i", i)));
    }
    assertThat(log.close(Duration.ofSeconds(60))).isTrue();
    assertThat(rows()).isEqualTo(300);
    assertThat(log.counters().written()).isEqualTo(300);
    // after close nothing is taken, but ids still come back
    assertThat(log.record(record("d", Map.of("i", -1)))).isNotBlank();
    assertThat(log.counters().droppedFull()).isEqualTo(1);
  }

  @Test
  void theSampleIsExactlyTheIdsTheHashPicks() {
    double rate = 0.3;
    PredictionLog log = new PredictionLog(store, PredictionLog.Settings.defaults().withSampleRate(rate)
        .withCapacity(5000, 500));
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      ids.add(log.record(record("d", Map.of("i", i))));
    }
    assertThat(log.close(Duration.ofSeconds(60))).isTrue();
    Set<String> expected = new HashSet<>();
    ids.stream().filter(id -> PredictionLog.sampled(id, rate)).forEach(expected::add);
    Set<String> stored = new HashSet<>(db.read(h -> h.createQuery("SELECT id FROM predictions").mapTo(String.class)
        .list()));
    assertThat(stored).isEqualTo(expected);
    PredictionLog.Counters c = log.counters();
    assertThat(c.droppedSampling()).isEqualTo(3000 - expected.size());
    assertThat(c.accepted()).isEqualTo(expected.size());
    // 3000 draws at 0.3: 900 expected, standard deviation 25; 150 off would be 6 deviations
    assertThat(expected.size()).isBetween(750, 1050);
  }

  @Test
  void samplingIsAFixedFunctionOfTheIdAndNestedAcrossRates() {
    int kept = 0;
    for (int i = 0; i < 2000; i++) {
      String id = UUID.randomUUID().toString();
      assertThat(PredictionLog.sampled(id, 0)).isFalse();
      assertThat(PredictionLog.sampled(id, 1)).isTrue();
      assertThat(PredictionLog.sampled(id, 0.4)).isEqualTo(PredictionLog.sampled(id, 0.4));
      if (PredictionLog.sampled(id, 0.2)) {
        assertThat(PredictionLog.sampled(id, 0.5)).as("kept at 20%% means kept at 50%%").isTrue();
      }
    }
    long before = System.currentTimeMillis();
    UUID id = UUID.fromString(PredictionLog.newId());
    assertThat(id.version()).isEqualTo(7);
    assertThat(id.variant()).isEqualTo(2);
    assertThat(id.getMostSignificantBits() >>> 16).as("time-ordered: the epoch milliseconds lead")
        .isBetween(before, System.currentTimeMillis());
    for (int i = 0; i < 2000; i++) { // sampling reads the low bits, which stay random: about half are kept at 0.5
      if (PredictionLog.sampled(PredictionLog.newId(), 0.5)) {
        kept++;
      }
    }
    assertThat(kept).isBetween(850, 1150);
    assertThat(PredictionLog.sampled("not-a-uuid", 0.5)).isEqualTo(PredictionLog.sampled("not-a-uuid", 0.5));
  }

  @Test
  void personalFieldsAreDroppedOrHashedBeforeStoring() throws Exception {
    byte[] salt = InstallationSalt.load(dir.resolve("salt"));
    assertThat(InstallationSalt.load(dir.resolve("salt"))).as("the salt is made once").isEqualTo(salt);
    PersonalFields hashSsn = new PersonalFields(Set.of("ssn", "email"), PersonalFields.Mode.HASH, salt);
    PersonalFields dropEmail = new PersonalFields(Set.of("email"), PersonalFields.Mode.DROP, null);
    PredictionLog log = new PredictionLog(store, PredictionLog.Settings.defaults().withPersonalFields(
        d -> d.equals("bank") ? hashSsn : d.equals("shop") ? dropEmail : PersonalFields.NONE));
    String bank = log.record(record("bank", Map.of("ssn", "123-45-6789", "email", "ann@example.com", "age", 41)));
    String shop = log.record(record("shop", Map.of("email", "bob@example.com", "age", 33)));
    String open = log.record(record("open", Map.of("email", "cy@example.com")));
    assertThat(log.close(Duration.ofSeconds(60))).isTrue();

    List<String> stored = db.read(h -> h.createQuery("SELECT inputs FROM predictions WHERE deployment <> 'open'")
        .mapTo(String.class).list());
    String all = String.join("\n", stored);
    assertThat(all).doesNotContain("123-45-6789").doesNotContain("ann@example.com").doesNotContain("bob@example.com");
    Map<String, Object> bankRow = store.get(bank).orElseThrow().inputs().get(0);
    assertThat(bankRow).containsEntry("ssn", hashSsn.hash("123-45-6789")).containsEntry("age", 41);
    assertThat((String) bankRow.get("ssn")).startsWith("sha256:").hasSize(7 + 64);
    assertThat(store.get(shop).orElseThrow().inputs().get(0)).doesNotContainKey("email").containsEntry("age", 33);
    assertThat(store.get(open).orElseThrow().inputs().get(0)).containsEntry("email", "cy@example.com");
    // another salt hashes the same value differently: a dictionary made elsewhere does not reverse it
    byte[] other = InstallationSalt.load(dir.resolve("other-salt"));
    assertThat(new PersonalFields(Set.of("ssn"), PersonalFields.Mode.HASH, other).hash("123-45-6789"))
        .isNotEqualTo(hashSsn.hash("123-45-6789"));
    assertThatThrownBy(() -> new PersonalFields(Set.of("ssn"), PersonalFields.Mode.HASH, new byte[3]))
        .hasMessageContaining("16 bytes");
  }

  @Test
  void settingsNameTheirLimits() {
    assertThatThrownBy(() -> PredictionLog.Settings.defaults().withSampleRate(1.5)).hasMessageContaining("0 to 1");
    assertThatThrownBy(() -> PredictionLog.Settings.defaults().withCapacity(0, 1)).hasMessageContaining("capacity");
  }
}
