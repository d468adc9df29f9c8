package dev.cairn.store.webhooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.core.CairnException;
import dev.cairn.core.Component;
import dev.cairn.core.Health;
import dev.cairn.core.Json;
import dev.cairn.store.webhooks.WebhookDelivery.Status;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes registry events to webhooks. {@link #publish} writes one PENDING delivery row per matching webhook
 * (so nothing is lost on a restart) and wakes the scheduler thread, which hands due deliveries to a small pool
 * of sender threads through a bounded queue; a full queue just leaves the rows for the next round. Each attempt
 * POSTs the JSON body with MLflow's signature headers ({@link WebhookSignature}); a 2xx answer delivers it,
 * connection errors, timeouts, 429 and 5xx are retried with exponential backoff (or the receiver's
 * Retry-After) up to {@link Options#maxAttempts}, anything else fails it at once. Delivery is at least once.
 */
public final class WebhookDispatcher implements Component, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookDispatcher.class);

  /**
   * How deliveries are tried.
   *
   * @param maxAttempts attempts per delivery before it is marked FAILED
   * @param initialBackoff wait after the first failed attempt; doubled after each further one
   * @param maxBackoff the longest wait between attempts (also caps a receiver's Retry-After)
   * @param requestTimeout connect and answer timeout of one attempt
   * @param senders sender threads
   * @param queueCapacity deliveries waiting for a sender at most
   * @param pollInterval how often the database is checked for due deliveries when nothing wakes the scheduler
   */
  public record Options(int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration requestTimeout,
      int senders, int queueCapacity, Duration pollInterval) {
    /** 5 attempts 1 s, 2 s, 4 s, 8 s apart; 10 s timeout; 2 senders; 1000 queued; polled every 5 s. */
    public static final Options DEFAULTS = new Options(5, Duration.ofSeconds(1), Duration.ofMinutes(5),
        Duration.ofSeconds(10), 2, 1000, Duration.ofSeconds(5));

    public Options {
      if (maxAttempts < 1 || senders < 1 || queueCapacity < 1) {
        throw new IllegalArgumentException("maxAttempts, senders and queueCapacity must be at least 1");
      }
    }
  }

  /** The answer to a test delivery (MLflow's WebhookTestResult). */
  public record TestResult(boolean success, Integer responseStatus, String responseBody, String errorMessage) {}

  private final WebhookStore store;
  private final Options options;
  private final HttpClient http;
  private final ThreadPoolExecutor senders;
  private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
  private final ArrayBlockingQueue<Boolean> wakeups = new ArrayBlockingQueue<>(1);
  private final Thread scheduler;
  private volatile boolean running = true;

  public WebhookDispatcher(WebhookStore store, Options options) {
    this.store = store;
    this.options = options;
    this.http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(options.requestTimeout())
        .followRedirects(HttpClient.Redirect.NEVER) // a redirect could lead a signed body somewhere unintended
        .build();
    AtomicInteger threadNumber = new AtomicInteger();
    this.senders = new ThreadPoolExecutor(options.senders(), options.senders(), 0, TimeUnit.MILLISECONDS,
        new ArrayBlockingQueue<>(options.queueCapacity()), r -> {
          Thread t = new Thread(r, "cairn-webhook-sender-" + threadNumber.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    this.scheduler = new Thread(this::schedule, "cairn-webhooks");
    scheduler.setDaemon(true);
    scheduler.start();
  }

  /**
   * Records a delivery of {@code event} with {@code data} to every active webhook subscribed to it and returns
   * them; sending happens in the background. The body is {@code {"entity", "action", "timestamp", "data"}} as
   * MLflow sends it. Raises {@code INVALID_PARAMETER_VALUE} for an unknown event. Call it after the change the
   * event reports has committed, or use {@link #record} inside the change's own write.
   */
  public List<WebhookDelivery> publish(String event, JsonNode data) {
    WebhookEvents.requireKnown(event);
    long now = System.currentTimeMillis();
    List<WebhookDelivery> deliveries = store.enqueue(event, body(event, data, now), now);
    if (!deliveries.isEmpty()) {
      wake();
    }
    return deliveries;
  }

  /**
   * Records the deliveries of {@code event} inside the caller's write ({@code SqlDatabase.write(h -> ...)}), so
   * they exist if and only if the change commits (a write must not call write again, so this is how a store
   * publishes from within its own transaction). Call {@link #wake} after the write returns to send them at
   * once; otherwise they go out within the poll interval.
   */
  public List<WebhookDelivery> record(Handle h, String event, JsonNode data) {
    return record(store, h, event, data);
  }

  /**
   * As {@link #record(Handle, String, JsonNode)} without a dispatcher: for a process that records deliveries but
   * leaves sending them to the server (the CLI), which finds them pending when it runs.
   */
  public static List<WebhookDelivery> record(WebhookStore store, Handle h, String event, JsonNode data) {
    WebhookEvents.requireKnown(event);
    long now = System.currentTimeMillis();
    return store.enqueue(h, event, body(event, data, now), now);
  }

  /** Tells the scheduler to look for due deliveries now. */
  public void wake() {
    wakeups.offer(Boolean.TRUE);
  }

  /** The body MLflow sends for {@code event}: {@code {"entity", "action", "timestamp", "data"}}. */
  public static String body(String event, JsonNode data, long now) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("entity", WebhookEvents.entity(event));
    body.put("action", WebhookEvents.action(event));
    body.put("timestamp", Instant.ofEpochMilli(now).toString());
    body.set("data", data == null ? Json.MAPPER.createObjectNode() : data);
    return Json.write(body);
  }

  /**
   * Sends one example delivery of {@code event} (the webhook's first event when null) now, on the calling
   * thread, once, and reports the answer; nothing is logged. Raises {@code RESOURCE_DOES_NOT_EXIST} for an
   * unknown webhook and {@code INVALID_PARAMETER_VALUE} for an unknown event.
   */
  public TestResult test(String webhookId, String event) {
    Webhook webhook = store.get(webhookId);
    String chosen = event == null || event.isEmpty() ? webhook.events().get(0) : WebhookEvents.requireKnown(event);
    String body = body(chosen, WebhookEvents.example(chosen), System.currentTimeMillis());
    String deliveryId = "test-" + java.util.UUID.randomUUID().toString().replace("-", "");
    try {
      HttpResponse<String> response = post(store.target(webhookId), deliveryId, body);
      String text = response.body();
      return new TestResult(response.statusCode() / 100 == 2, response.statusCode(),
          text.length() > 1000 ? text.substring(0, 1000) : text, null);
    } catch (IOException e) {
      return new TestResult(false, null, null, "cannot reach " + webhook.url() + ": " + describe(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CairnException(dev.cairn.core.ErrorCode.TEMPORARILY_UNAVAILABLE, "interrupted while testing");
    }
  }

  private HttpResponse<String> post(WebhookStore.Target target, String deliveryId, String body)
      throws IOException, InterruptedException {
    String timestamp = Long.toString(System.currentTimeMillis() / 1000);
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target.url()))
        .timeout(options.requestTimeout())
        .header("Content-Type", "application/json")
        .header("User-Agent", "Cairn-Webhooks/1")
        .header(WebhookSignature.DELIVERY_ID_HEADER, deliveryId)
        .header(WebhookSignature.TIMESTAMP_HEADER, timestamp)
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (target.secret() != null) {
      request.header(WebhookSignature.SIGNATURE_HEADER,
          WebhookSignature.sign(target.secret(), deliveryId, timestamp, body));
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  // ---- the background part

  private void schedule() {
    while (running) {
      try {
        long now = System.currentTimeMillis();
        for (WebhookDelivery due : store.due(now, options.queueCapacity())) {
          if (!running) {
            return;
          }
          if (!inFlight.add(due.id())) {
            continue;
          }
          try {
            senders.execute(() -> attempt(due));
          } catch (RejectedExecutionException e) {
            inFlight.remove(due.id()); // queue full: the row stays PENDING for the next round
            break;
          }
        }
        Long next = store.nextDueTime();
        long wait = options.pollInterval().toMillis();
        if (next != null) {
          wait = Math.max(1, Math.min(wait, next - System.currentTimeMillis()));
        }
        wakeups.poll(wait, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        if (!running) {
          return;
        }
        LOG.warn("webhook scheduler: {}", e.getMessage());
        try {
          wakeups.poll(options.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException ie) {
          return;
        }
      }
    }
  }

  private void attempt(WebhookDelivery listed) {
    if (!running) {
      inFlight.remove(listed.id());
      return;
    }
    try {
      // The scheduler's list may be older than an attempt that just finished: only a row still PENDING and due
      // is sent (attempts record their outcome before leaving inFlight, so this read sees it).
      WebhookDelivery delivery = store.delivery(listed.id());
      if (delivery.status() != Status.PENDING || delivery.nextAttemptTime() == null
          || delivery.nextAttemptTime() > System.currentTimeMillis()) {
        return;
      }
      WebhookStore.Target target = store.target(delivery.webhookId());
      if (!"ACTIVE".equals(target.status())) {
        store.recordAttempt(delivery.id(), Status.FAILED, null,
            "the webhook is " + (target.status() == null ? "gone" : target.status().toLowerCase()), null);
        return;
      }
      int attemptNumber = delivery.attempts() + 1;
      try {
        HttpResponse<String> response = post(target, delivery.id(), delivery.payload());
        int code = response.statusCode();
        if (code / 100 == 2) {
          store.recordAttempt(delivery.id(), Status.DELIVERED, code, null, null);
        } else if (code == 429 || code / 100 == 5) {
          retryOrFail(delivery, attemptNumber, code, "the receiver answered " + code,
              retryAfterMillis(response));
        } else {
          store.recordAttempt(delivery.id(), Status.FAILED, code,
              "the receiver answered " + code + "; only 429 and 5xx answers are retried", null);
        }
      } catch (IOException e) {
        retryOrFail(delivery, attemptNumber, null, "cannot reach " + target.url() + ": " + describe(e), -1);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // closing: the row stays PENDING and is sent after a restart
    } catch (RuntimeException e) {
      if (running) {
        LOG.warn("webhook delivery {}: {}", listed.id(), e.getMessage());
      }
    } finally {
      inFlight.remove(listed.id());
    }
  }

  private void retryOrFail(WebhookDelivery delivery, int attemptNumber, Integer code, String error,
      long retryAfterMillis) {
    if (attemptNumber >= options.maxAttempts()) {
      store.recordAttempt(delivery.id(), Status.FAILED, code,
          error + " (gave up after " + attemptNumber + " attempts)", null);
      return;
    }
    long backoff = backoffMillis(attemptNumber);
    if (retryAfterMillis >= 0) {
      backoff = Math.min(Math.max(backoff, retryAfterMillis), options.maxBackoff().toMillis());
    }
    store.recordAttempt(delivery.id(), Status.PENDING, code, error, System.currentTimeMillis() + backoff);
    wakeups.offer(Boolean.TRUE);
  }

  /** Wait after failed attempt number {@code attempt} (1-based): initial x 2^(attempt-1), capped. */
  long backoffMillis(int attempt) {
    long initial = options.initialBackoff().toMillis();
    long max = options.maxBackoff().toMillis();
    int shift = Math.min(attempt - 1, 30);
    long wait = initial > (max >> shift) ? max : initial << shift;
    return Math.min(wait, max);
  }

  private static long retryAfterMillis(HttpResponse<?> response) {
    return response.headers().firstValue("Retry-After").map(v -> {
      try {
        return Math.max(0, Long.parseLong(v.strip())) * 1000;
      } catch (NumberFormatException e) {
        return -1L; // HTTP-date form: use our own backoff
      }
    }).orElse(-1L);
  }

  private static String describe(Exception e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
  }

  @Override
  public Health check() {
    return running ? Health.up("webhooks") : Health.down("webhooks", "the dispatcher is closed");
  }

  /** Stops the scheduler and the senders, waiting for attempts under way (at most one request timeout). */
  @Override
  public void close() {
    if (!running) {
      return;
    }
    running = false;
    scheduler.interrupt();
    senders.shutdown();
    senders.getQueue().clear(); // queued deliveries stay PENDING in the database for the next start
    try {
      scheduler.join(options.requestTimeout().toMillis() + 1000);
      if (!senders.awaitTermination(options.requestTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS)) {
        senders.shutdownNow(); // interrupts the attempts still waiting for an answer; their rows stay PENDING
        if (!senders.awaitTermination(5, TimeUnit.SECONDS)) {
          LOG.warn("webhook senders did not stop within 5 s of being interrupted");
        }
      }
    } catch (InterruptedException e) {
      senders.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
