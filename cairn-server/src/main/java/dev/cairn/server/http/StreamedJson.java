package dev.cairn.server.http;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.cairn.core.Json;
import io.javalin.http.Context;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.slf4j.LoggerFactory;

/**
 * A 200 JSON answer written while it is produced (a metric history of a million points), so its size never sits
 * in memory. The response starts only when the body first asks for the generator: an error the body raises before
 * that still renders as an ordinary error answer. An error after part of the body has gone out aborts the
 * connection instead, so the chunked body never gets its last chunk: a client sees a failed read, never a short
 * answer that ends cleanly.
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
      failed(ctx, out, e);
      throw new UncheckedIOException(e);
    } catch (RuntimeException | Error e) {
      failed(ctx, out, e);
      throw e;
    }
  }

  /**
   * After a failure: if bytes of the answer have left the server, aborts the exchange (the error then thrown
   * finds nothing more to write); else drops what was buffered, so the error answer replaces it.
   */
  private static void failed(Context ctx, Output out, Throwable failure) {
    if (!out.isStarted()) {
      return;
    }
    if (!ctx.res().isCommitted()) {
      ctx.res().resetBuffer();
      return;
    }
    org.slf4j.Logger log = LoggerFactory.getLogger(StreamedJson.class);
    if (failure instanceof IOException) { // most often the client went away: nothing of the server's to report
      log.debug("{} {}: writing the answer failed; connection aborted", ctx.method(), ctx.path(), failure);
    } else {
      log.warn("{} {} failed after its answer started; connection aborted", ctx.method(), ctx.path(), failure);
    }
    ServletContextRequest request = ServletContextRequest.getServletContextRequest(ctx.req());
    if (request == null) {
      throw new IllegalStateException("not a Jetty request: cannot abort a started answer", failure);
    }
    request.getServletChannel().abort(failure);
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
