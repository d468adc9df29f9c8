package dev.cairn.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Json;
import io.javalin.http.Context;

/** Writes JSON answers and MLflow-shaped errors ({@code {"error_code": ..., "message": ...}}). */
public final class Responses {
  public static final String JSON = "application/json";

  private Responses() {}

  /**
   * Small answers go out as one byte array (with a Content-Length); large ones, such as a metric history of a
   * million points, are serialised straight into the response stream, so no copy of the whole body is made.
   */
  public static void json(Context ctx, int status, JsonNode body) {
    ctx.status(status).contentType(JSON);
    if (body.size() < STREAM_THRESHOLD_ELEMENTS && !hasLargeArray(body)) {
      try {
        ctx.result(Json.MAPPER.writeValueAsBytes(body));
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      return;
    }
    try (java.io.OutputStream out = ctx.outputStream()) {
      Json.MAPPER.writeValue(out, body);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static final int STREAM_THRESHOLD_ELEMENTS = 1000;

  private static boolean hasLargeArray(JsonNode body) {
    for (JsonNode child : body) {
      if (child.size() >= STREAM_THRESHOLD_ELEMENTS || child.isPojo()) {
        return true;
      }
    }
    return false;
  }

  public static void error(Context ctx, ErrorCode code, String message) {
    error(ctx, code.httpStatus(), code.mlflowCode(), message);
  }

  /** Seconds a client should wait before retrying a 503 (a busy database, a full queue). */
  static final String RETRY_AFTER_SECONDS = "1";

  public static void error(Context ctx, int status, String errorCode, String message) {
    if (status == 503) {
      ctx.header("Retry-After", RETRY_AFTER_SECONDS);
    }
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.put("error_code", errorCode);
    body.put("message", message == null ? "" : message);
    json(ctx, status, body);
  }
}
