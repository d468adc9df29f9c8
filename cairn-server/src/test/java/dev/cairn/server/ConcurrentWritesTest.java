package dev.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Parallel clients writing to SQLite through the server all succeed: no SQLITE_BUSY leaks out as a 5xx. */
class ConcurrentWritesTest {
  @TempDir Path dir;

  @Test
  void parallelLogBatchCallsAllSucceedAndAllLand() throws Exception {
    int clients = 8;
    int batchesPerClient = 25;
    try (TestServer server = TestServer.start(dir)) {
      String exp = server.createExperiment("concurrent");
      List<String> runs = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        runs.add(server.createRun(exp));
      }
      ExecutorService pool = Executors.newFixedThreadPool(clients);
      try {
        List<Future<List<Integer>>> results = new ArrayList<>();
        for (String run : runs) {
          results.add(pool.submit(() -> {
            List<Integer> statuses = new ArrayList<>();
            for (int b = 0; b < batchesPerClient; b++) {
              statuses.add(server.post("/api/2.0/mlflow/runs/log-batch", "{\"run_id\":\"" + run + "\",\"metrics\":["
                  + "{\"key\":\"x\",\"value\":" + b + ",\"timestamp\":1,\"step\":" + b + "}],"
                  + "\"tags\":[{\"key\":\"last\",\"value\":\"" + b + "\"}]}").status());
            }
            return statuses;
          }));
        }
        for (Future<List<Integer>> f : results) {
          assertThat(f.get()).containsOnly(200);
        }
      } finally {
        pool.shutdownNow();
      }
      for (String run : runs) {
        TestServer.Reply history = server.get("/api/2.0/mlflow/metrics/get-history?run_id=" + run + "&metric_key=x");
        assertThat(history.json().get("metrics")).hasSize(batchesPerClient);
      }
    }
  }
}
