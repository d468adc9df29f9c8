package dev.cairn.cli.docs;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.cairn.core.Json;
import dev.cairn.server.CairnServer;
import dev.cairn.server.CairnServer.ServerConfig;
import dev.cairn.store.webhooks.WebhookEvents;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/webhooks.md, run as written against a fresh server, with a loopback receiver that checks every delivery's
 * signature with the page's own {@code WebhookVerifier} (compiled from the page). When it receives the page's test
 * delivery, the receiver publishes a {@code model_version.created} event as the registry will, so the page's
 * delivery log has an entry.
 */
class WebhooksDocTest {
  static final Path PAGE = Path.of("..", "docs", "webhooks.md");
  static final String SECRET = "change-me-to-a-long-random-string";

  @Test
  void theWalkThroughPrintsWhatThePageShowsAndItsVerifierAcceptsRealDeliveries(@TempDir Path work) throws Exception {
    Method verify = compileVerifier(work);
    List<Boolean> verdicts = new CopyOnWriteArrayList<>();
    Path data = work.resolve("server");
    HttpServer receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    try (CairnServer server = CairnServer.start(new ServerConfig("127.0.0.1", 0,
        "sqlite:" + data.resolve("cairn.db"), "file:" + data.resolve("artifacts")))) {
      receiver.createContext("/hook", exchange -> {
        byte[] body = exchange.getRequestBody().readAllBytes();
        String id = exchange.getRequestHeaders().getFirst("X-MLflow-Delivery-Id");
        try {
          String timestamp = exchange.getRequestHeaders().getFirst("X-MLflow-Timestamp");
          String signature = exchange.getRequestHeaders().getFirst("X-MLflow-Signature");
          verdicts.add((Boolean) verify.invoke(null, SECRET, id, timestamp, body, signature));
          byte[] tampered = (new String(body, StandardCharsets.UTF_8) + " ").getBytes(StandardCharsets.UTF_8);
          verdicts.add(!(Boolean) verify.invoke(null, SECRET, id, timestamp, tampered, signature));
          if (id.startsWith("test-")) {
            server.webhooks().publish(WebhookEvents.MODEL_VERSION_CREATED,
                Json.MAPPER.readTree("{\"name\":\"churn\",\"version\":\"3\"}"));
          }
        } catch (Exception e) {
          verdicts.add(false);
        }
        byte[] ok = "ok".getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, ok.length);
        exchange.getResponseBody().write(ok);
        exchange.close();
      });
      receiver.start();
      String receiverUrl = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";

      List<ConsoleSession.Step> steps = ConsoleSession.steps(PAGE);
      assertThat(steps).hasSizeGreaterThan(6);
      Path session = Files.createDirectories(work.resolve("session"));
      List<List<String>> outputs = ConsoleSession.run(steps, session,
          Map.of("CAIRN_TRACKING_URI", server.url(), "RECEIVER_URL", receiverUrl), 600);
      assertThat(outputs).hasSameSizeAs(steps);
      List<String> reports = new ArrayList<>();
      for (int i = 0; i < steps.size(); i++) {
        String report = ConsoleSession.mismatch(PAGE, steps.get(i), outputs.get(i));
        if (report != null) {
          reports.add(report);
        }
      }
      assertThat(reports).isEmpty();
    } finally {
      receiver.stop(0);
    }
    assertThat(verdicts).as("the page's verifier on each delivery (and on a tampered copy)").isNotEmpty()
        .containsOnly(true);
  }

  /** Compiles the page's {@code WebhookVerifier} block and returns its verify method. */
  private static Method compileVerifier(Path work) throws Exception {
    String page = Files.readString(PAGE);
    int start = page.indexOf("```java\n", page.indexOf("## Verify the signature"));
    String source = page.substring(start + "```java\n".length(), page.indexOf("```", start + 8));
    assertThat(source).contains("public final class WebhookVerifier");
    Path src = Files.createDirectories(work.resolve("verifier"));
    Files.writeString(src.resolve("WebhookVerifier.java"), source);
    int status = ToolProvider.getSystemJavaCompiler().run(null, null, null,
        "-d", src.toString(), src.resolve("WebhookVerifier.java").toString());
    assertThat(status).as("the page's verifier compiles").isZero();
    URLClassLoader loader = new URLClassLoader(new java.net.URL[] {src.toUri().toURL()});
    return loader.loadClass("WebhookVerifier").getMethod("verify", String.class, String.class, String.class,
        byte[].class, String.class);
  }
}
