package dev.cairn.serving.log;

import dev.cairn.store.MetadataStores;
import dev.cairn.store.sql.SqlDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What logging costs serving: the time of one {@link PredictionLog#record} call for a 20-feature single-row request,
 * and how many rows a second the writer gets into SQLite while it is called flat out (the rest is dropped and
 * counted). Not a test: run it by hand with {@code mvn -o -q -pl cairn-serving -am test-compile} then
 * {@code java -cp ... dev.cairn.serving.log.PredictionLogProbe}.
 */
public final class PredictionLogProbe {
  public static void main(String[] args) throws Exception {
    Path dir = Files.createTempDirectory("cairn-log-probe-");
    int calls = args.length > 0 ? Integer.parseInt(args[0]) : 300_000;
    Map<String, Object> row = new LinkedHashMap<>();
    for (int f = 0; f < 20; f++) {
      row.put("f" + f, f * 1.5);
    }
    PredictionRecord record = new PredictionRecord("d", "churn", 1, System.currentTimeMillis(), List.of(row),
        List.of(Map.of("label", "yes")), 1.0, false);
    try (SqlDatabase db = MetadataStores.openDatabase("sqlite:" + dir.resolve("cairn.db"), List.of())) {
      PredictionLog log = new PredictionLog(new PredictionStore(db), PredictionLog.Settings.defaults());
      for (int i = 0; i < 20_000; i++) {
        log.record(record); // warm up
      }
      long start = System.nanoTime();
      long writtenBefore = log.counters().written();
      for (int i = 0; i < calls; i++) {
        log.record(record);
      }
      long elapsed = System.nanoTime() - start;
      long written = log.counters().written() - writtenBefore;
      System.out.printf("record: %.0f ns a call over %d calls; writer kept up with %.0f rows/s meanwhile%n",
          (double) elapsed / calls, calls, written / (elapsed / 1e9));
      log.close(Duration.ofSeconds(60));
      System.out.println("counters: " + log.counters().asMap());
      // the store alone: batches of 500 straight into insert
      PredictionStore store = new PredictionStore(db);
      int rows = 50_000;
      long t = System.nanoTime();
      for (int b = 0; b < rows / 500; b++) {
        List<StoredPrediction> batch = new java.util.ArrayList<>();
        for (int i = 0; i < 500; i++) {
          batch.add(StoredPrediction.of(java.util.UUID.randomUUID().toString(), record, record.inputs()));
        }
        store.insert(batch);
      }
      System.out.printf("store alone: %.0f rows/s in batches of 500%n", rows / ((System.nanoTime() - t) / 1e9));
    }
  }
}
