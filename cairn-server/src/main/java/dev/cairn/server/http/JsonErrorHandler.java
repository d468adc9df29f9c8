package dev.cairn.server.http;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Json;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Renders errors Jetty raises before a request reaches Javalin (an unparseable URI, a NUL in the path) in
 * the same MLflow error JSON as every other error, without Jetty's HTML or stack traces.
 */
public final class JsonErrorHandler extends ErrorHandler {
  @Override
  protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
      Callback callback) {
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, Responses.JSON);
    // Jetty closes the connection after an error it raised itself; saying so keeps a client from sending its
    // next request on a connection that is already gone (the JDK client then fails with "received no bytes")
    response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
    response.write(true, ByteBuffer.wrap(body(code, message)), callback);
  }

  @Override
  public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
    fields.put(new HttpField(HttpHeader.CONTENT_TYPE, Responses.JSON));
    fields.put(new HttpField(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString()));
    return ByteBuffer.wrap(body(status, reason));
  }

  static byte[] body(int status, String message) {
    ErrorCode code = switch (status) {
      case 400 -> ErrorCode.INVALID_PARAMETER_VALUE;
      case 404, 405 -> ErrorCode.ENDPOINT_NOT_FOUND;
      case 413, 414, 431 -> ErrorCode.REQUEST_TOO_LARGE;
      case 429 -> ErrorCode.TOO_MANY_REQUESTS;
      // Jetty's own 503 comes from a server that is stopping: clients retry it elsewhere or later
      case 502, 503, 504 -> ErrorCode.TEMPORARILY_UNAVAILABLE;
      default -> status >= 500 ? ErrorCode.INTERNAL_ERROR : ErrorCode.BAD_REQUEST;
    };
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.put("error_code", code.mlflowCode());
    String detail;
    if (code == ErrorCode.TEMPORARILY_UNAVAILABLE) {
      detail = "the server is stopping or overloaded; retry shortly";
    } else if (status >= 500) {
      detail = "internal error";
    } else if (status == 400 && (message == null || message.equalsIgnoreCase("Bad Request"))) {
      detail = "the request line or URI is malformed (for example an encoded NUL or an invalid escape)";
    } else {
      detail = message == null ? "request refused" : message;
    }
    body.put("message", "HTTP " + status + ": " + detail);
    return Json.write(body).getBytes(StandardCharsets.UTF_8);
  }
}
