package dev.cairn.server.mlflow;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.core.Json;
import dev.cairn.tracking.Metric;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The hand-assembled get-history JSON reads back, through Jackson, as exactly the points and token written. */
class MetricHistoryWriterProperties {

  @Property(tries = 300)
  void writtenPointsReadBackExactly(@ForAll("keys") String key, @ForAll("pointLists") List<Metric> raw,
      @ForAll("tokens") String token) throws IOException {
    List<Metric> points = raw.stream().map(m -> new Metric(key, m.value(), m.timestamp(), m.step())).toList();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    MetricHistoryWriter writer = new MetricHistoryWriter(bytes, key);
    for (Metric m : points) {
      writer.write(m);
    }
    writer.finish(token);

    JsonNode json = Json.MAPPER.readTree(bytes.toByteArray());
    assertThat(json.get("metrics")).hasSize(points.size());
    for (int i = 0; i < points.size(); i++) {
      JsonNode n = json.get("metrics").get(i);
      Metric m = points.get(i);
      assertThat(n.get("key").asText()).isEqualTo(key);
      assertThat(n.get("timestamp").asLong()).isEqualTo(m.timestamp());
      assertThat(n.get("step").asLong()).isEqualTo(m.step());
      double v = m.value();
      if (Double.isNaN(v) || Double.isInfinite(v)) {
        assertThat(n.get("value").asText()).isEqualTo(Double.isNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity");
      } else {
        assertThat(n.get("value").isNumber()).isTrue();
        assertThat(n.get("value").doubleValue()).isEqualTo(v);
      }
    }
    assertThat(bytes.toString(java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(jacksonText(points, token));
    if (token == null) {
      assertThat(json.has("next_page_token")).isFalse();
    } else {
      assertThat(json.get("next_page_token").asText()).isEqualTo(token);
    }
  }

  /** The same answer through Jackson's generator with the server's settings: the text must match byte for byte. */
  private static String jacksonText(List<Metric> points, String token) throws IOException {
    java.io.StringWriter text = new java.io.StringWriter();
    try (com.fasterxml.jackson.core.JsonGenerator gen = Json.MAPPER.getFactory().createGenerator(text)) {
      gen.writeStartObject();
      gen.writeArrayFieldStart("metrics");
      for (Metric m : points) {
        gen.writeStartObject();
        gen.writeStringField("key", m.key());
        double v = m.value();
        if (Double.isNaN(v) || Double.isInfinite(v)) {
          gen.writeStringField("value", Double.isNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity");
        } else {
          gen.writeNumberField("value", v);
        }
        gen.writeNumberField("timestamp", m.timestamp());
        gen.writeNumberField("step", m.step());
        gen.writeEndObject();
      }
      gen.writeEndArray();
      if (token != null) {
        gen.writeStringField("next_page_token", token);
      }
      gen.writeEndObject();
    }
    return text.toString();
  }

  @Provide
  Arbitrary<String> keys() {
    return Arbitraries.oneOf(Arbitraries.strings().alpha().numeric().withChars("_-./ ").ofMinLength(1).ofMaxLength(40),
        Arbitraries.strings().ofMinLength(1).ofMaxLength(20)); // quotes, backslashes, control and non-ASCII chars
  }

  @Provide
  Arbitrary<List<Metric>> pointLists() {
    return points().list().ofMaxSize(30);
  }

  private Arbitrary<Metric> points() {
    Arbitrary<Double> values = Arbitraries.oneOf(Arbitraries.doubles(),
        Arbitraries.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.MAX_VALUE,
            -Double.MAX_VALUE, Double.MIN_VALUE, -0.0, 0.0, 1e-300, 123456789.123),
        Arbitraries.longs().map(Double::longBitsToDouble));
    Arbitrary<Long> longs = Arbitraries.oneOf(Arbitraries.longs(), Arbitraries.of(0L, -1L, Long.MIN_VALUE, Long.MAX_VALUE));
    return Combinators.combine(values, longs, longs).as((v, t, s) -> new Metric("k", v, t, s));
  }

  @Provide
  Arbitrary<String> tokens() {
    return Arbitraries.oneOf(Arbitraries.just(null), Arbitraries.strings().ofMaxLength(30));
  }
}
