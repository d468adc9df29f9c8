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

  public static void json(Context ctx, int status, JsonNode body) {
    ctx.status(status).contentType(JSON).result(Json.write(body));
  }

  public static void error(Context ctx, ErrorCode code, String message) {
    error(ctx, code.httpStatus(), code.mlflowCode(), message);
  }

  public static void error(Context ctx, int status, String errorCode, String message) {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.put("error_code", errorCode);
    body.put("message", message == null ? "" : message);
    json(ctx, status, body);
  }
}
