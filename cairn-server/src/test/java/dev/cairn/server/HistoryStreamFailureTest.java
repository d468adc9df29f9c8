package dev.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.store.MetadataStore;
import dev.cairn.tracking.Metric;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * get-history streams its answer: once the 200 and part of the body have gone out, a failure to read the rest
 * must reach the client as a failed transfer, not as a shorter history that ends like a whole one.
 */
@Timeout(120)
class HistoryStreamFailureTest {
  /** Far more than loopback socket buffers hold, so the server is still writing when the store goes away. */
  private static final int POINTS = 200_000;

  @TempDir Path dir;

  @Test
  void aReadFailureMidStreamFailsTheJavaClientsTransfer() throws Exception {
    try (TestServer server = TestServer.start(dir)) {
      MetadataStore store = server.server.metadataStore();
      String runId = runWithPoints(store);
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
      HttpResponse<InputStream> response = http.send(historyRequest(server, runId),
          HttpResponse.BodyHandlers.ofInputStream());
      assertThat(response.statusCode()).isEqualTo(200);
      try (InputStream body = response.body()) {
        assertThat(body.readNBytes(1024)).hasSize(1024); // the answer has started
        store.close(); // every later chunk's read fails
        assertThatThrownBy(() -> drain(body)).isInstanceOf(IOException.class);
      }
    }
  }

  @Test
  void aClientReadingTheWholeAnswerAsAStringGetsAnErrorNotAShortHistory() throws Exception {
    try (TestServer server = TestServer.start(dir)) {
      MetadataStore store = server.server.metadataStore();
      String runId = runWithPoints(store);
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
      // an ordinary string body, except that the store goes away as the first bytes arrive
      HttpResponse.BodyHandler<String> closingOnFirstBytes = info -> new ClosingSubscriber(
          HttpResponse.BodySubscribers.ofString(java.nio.charset.StandardCharsets.UTF_8), store);
      assertThatThrownBy(() -> http.send(historyRequest(server, runId), closingOnFirstBytes))
          .isInstanceOf(IOException.class);
    }
  }

  /** Passes everything to {@code delegate}, closing {@code store} when the first bytes of the body arrive. */
  private record ClosingSubscriber(HttpResponse.BodySubscriber<String> delegate, MetadataStore store)
      implements HttpResponse.BodySubscriber<String> {
    @Override
    public java.util.concurrent.CompletionStage<String> getBody() {
      return delegate.getBody();
    }

    @Override
    public void onSubscribe(java.util.concurrent.Flow.Subscription subscription) {
      delegate.onSubscribe(subscription);
    }

    @Override
    public void onNext(List<java.nio.ByteBuffer> item) {
      store.close(); // closing twice is harmless
      delegate.onNext(item);
    }

    @Override
    public void onError(Throwable throwable) {
      delegate.onError(throwable);
    }

    @Override
    public void onComplete() {
      delegate.onComplete();
    }
  }

  private static HttpRequest historyRequest(TestServer server, String runId) {
    return HttpRequest.newBuilder(URI.create(
        server.url("/api/2.0/mlflow/metrics/get-history?run_id=" + runId + "&metric_key=loss"))).build();
  }

  /** Reads to the end; returns the bytes read. */
  private static long drain(InputStream in) throws IOException {
    byte[] buffer = new byte[1 << 16];
    long total = 0;
    for (int n; (n = in.read(buffer)) >= 0; ) {
      total += n;
    }
    return total;
  }

  private static String runWithPoints(MetadataStore store) {
    String runId = store.createRun("0", "test", 1, "history", List.of()).runId();
    for (int b = 0; b < POINTS / 1000; b++) {
      List<Metric> batch = new ArrayList<>(1000);
      for (int i = 0; i < 1000; i++) {
        long step = (long) b * 1000 + i;
        batch.add(new Metric("loss", 1.0 / (step + 1), 1_700_000_000_000L + step, step));
      }
      store.logBatch(runId, batch, List.of(), List.of());
    }
    return runId;
  }
}
