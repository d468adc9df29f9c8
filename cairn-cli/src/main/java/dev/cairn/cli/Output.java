package dev.cairn.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.cairn.core.Json;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Shared rendering for commands: JSON for --json, UTC times, byte sizes. */
final class Output {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

  private Output() {}

  static void json(PrintWriter out, Object value) {
    try {
      out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(value));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot render " + value.getClass().getSimpleName() + " as JSON", e);
    }
    out.flush();
  }

  /** An empty JSON object to build --json output in the REST API's shape. */
  static com.fasterxml.jackson.databind.node.ObjectNode object() {
    return Json.MAPPER.createObjectNode();
  }

  static String time(Long epochMillis) {
    return epochMillis == null || epochMillis <= 0 ? "" : TIME.format(Instant.ofEpochMilli(epochMillis));
  }

  static String bytes(Long n) {
    if (n == null) {
      return "";
    }
    return dev.cairn.core.Sizes.readable(n);
  }
}
