package dev.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/** Whatever JSON-ish text a client sends to log-batch, the answer is never a server error. */
class LogBatchFuzzTest {
  static TestServer server;
  static String runId;

  @BeforeContainer
  static void start() throws Exception {
    server = TestServer.start(Files.createTempDirectory("cairn-fuzz"));
    runId = server.createRun(server.createExperiment("fuzz"));
  }

  @AfterContainer
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Property(tries = 300)
  void logBatchNeverAnswers5xx(@ForAll("bodies") String body) {
    TestServer.Reply r = server.post("/api/2.0/mlflow/runs/log-batch", body);
    assertThat(r.status()).as(body + " -> " + r).isLessThan(500);
    if (r.status() != 200) {
      assertThat(r.json().get("error_code").asText()).isNotBlank();
    }
  }

  @Provide
  Arbitrary<String> bodies() {
    Arbitrary<String> scalar = Arbitraries.oneOf(
        Arbitraries.of("null", "true", "false", "0", "-1", "1e308", "1e999", "-0.0", "NaN", "\"NaN\"", "\"Infinity\"",
            "9223372036854775808", "\"\"", "\"x\"", "\"12\"", "[]", "{}", "\"\\u0000\"", "\"" + "k".repeat(300) + "\""),
        Arbitraries.strings().ofMaxLength(8).map(s -> "\"" + s.replace("\\", "").replace("\"", "") + "\""),
        Arbitraries.doubles().map(d -> Double.isFinite(d) ? Double.toString(d) : "0"));
    Arbitrary<String> metric = Arbitraries.of("key", "value", "timestamp", "step", "bogus")
        .list().ofMaxSize(5).uniqueElements()
        .flatMap(keys -> scalar.list().ofSize(keys.size()).map(values -> object(keys, values)));
    Arbitrary<String> list = metric.list().ofMaxSize(4).map(items -> "[" + String.join(",", items) + "]");
    Arbitrary<String> field = Arbitraries.oneOf(list, scalar, metric);
    Arbitrary<String> runIdValue = Arbitraries.oneOf(Arbitraries.just("\"" + runId + "\""), scalar);
    Arbitrary<String> wellShaped = Arbitraries.of("metrics", "params", "tags", "run_id", "extra")
        .list().ofMaxSize(5).uniqueElements()
        .flatMap(keys -> Arbitraries.oneOf(field, runIdValue).list().ofSize(keys.size()).map(values -> object(keys, values)));
    Arbitrary<String> truncated = wellShaped.flatMap(s -> Arbitraries.integers().between(0, s.length())
        .map(n -> s.substring(0, n)));
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(6, wellShaped),
        net.jqwik.api.Tuple.of(2, truncated),
        net.jqwik.api.Tuple.of(1, Arbitraries.strings().ofMaxLength(40)),
        net.jqwik.api.Tuple.of(1, scalar));
  }

  private static String object(List<String> keys, List<String> values) {
    StringBuilder sb = new StringBuilder("{");
    for (int i = 0; i < keys.size(); i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append('"').append(keys.get(i)).append("\":").append(values.get(i));
    }
    return sb.append('}').toString();
  }
}
