package dev.cairn.server.http;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.cairn.core.Json;
import io.javalin.http.Context;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
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
      if (out.generator != null) {
        out.generator.close();
      } else {
        out.stream().close(); // the body wrote raw bytes, or nothing at all
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Opens the response on first use, to be written either through a generator or as raw JSON bytes. */
  final class Output {
    private final Context ctx;
    private JsonGenerator generator;
    private OutputStream stream;

    private Output(Context ctx) {
      this.ctx = ctx;
    }

    public boolean isStarted() {
      return generator != null || stream != null;
    }

    public JsonGenerator generator() throws IOException {
      if (generator == null) {
        generator = Json.MAPPER.getFactory().createGenerator(stream());
      }
      return generator;
    }

    /** The response body for bytes the caller has already made JSON; not to be mixed with {@link #generator}. */
    public OutputStream stream() {
      if (stream == null) {
        ctx.status(200).contentType(Responses.JSON);
        stream = new BufferedOutputStream(ctx.outputStream(), 1 << 16);
      }
      return stream;
    }
  }
}
