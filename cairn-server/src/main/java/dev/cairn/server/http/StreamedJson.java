package dev.cairn.server.http;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.cairn.core.Json;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A 200 JSON answer written while it is produced (a metric history of a million points), so its size never sits
 * in memory. The response starts only when the body first asks for the generator: an error the body raises before
 * that still renders as an ordinary error answer.
 */
@FunctionalInterface
public interface StreamedJson {

  void writeTo(Output out) throws IOException;

  /** Sends {@code body} on {@code ctx}. */
  static void send(Context ctx, StreamedJson body) {
    Output out = new Output(ctx);
    try {
      body.writeTo(out);
      out.generator().close(); // an empty body still answers: the body decides what "empty" renders as
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Opens the response on first use. */
  final class Output {
    private final Context ctx;
    private JsonGenerator generator;

    private Output(Context ctx) {
      this.ctx = ctx;
    }

    public boolean isStarted() {
      return generator != null;
    }

    public JsonGenerator generator() throws IOException {
      if (generator == null) {
        ctx.status(200).contentType(Responses.JSON);
        generator = Json.MAPPER.getFactory().createGenerator(ctx.outputStream());
      }
      return generator;
    }
  }
}
