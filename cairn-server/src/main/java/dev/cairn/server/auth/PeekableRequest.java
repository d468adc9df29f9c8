package dev.cairn.server.auth;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.SequenceInputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * A request whose body the authorisation layer may read the start of (to find an experiment or model in a
 * JSON body) while handlers still read the whole body from {@link #getInputStream()} as if untouched. Nothing
 * is buffered unless {@link #peek} is called, so streamed uploads stay streamed.
 */
final class PeekableRequest extends HttpServletRequestWrapper {
  private byte[] peeked;
  private ServletInputStream replay;

  PeekableRequest(HttpServletRequest request) {
    super(request);
  }

  /** Up to {@code limit} bytes of the body, read once; later calls return the same bytes. */
  byte[] peek(int limit) throws IOException {
    if (peeked == null) {
      peeked = super.getInputStream().readNBytes(limit);
    }
    return peeked;
  }

  @Override
  public ServletInputStream getInputStream() throws IOException {
    if (peeked == null) {
      return super.getInputStream();
    }
    if (replay == null) {
      replay = new Replay(new SequenceInputStream(new ByteArrayInputStream(peeked), super.getInputStream()));
    }
    return replay;
  }

  @Override
  public BufferedReader getReader() throws IOException {
    if (peeked == null) {
      return super.getReader();
    }
    String encoding = getCharacterEncoding();
    Charset charset = encoding == null ? StandardCharsets.UTF_8 : Charset.forName(encoding);
    return new BufferedReader(new InputStreamReader(getInputStream(), charset));
  }

  private static final class Replay extends ServletInputStream {
    private final InputStream in;
    private boolean finished;

    Replay(InputStream in) {
      this.in = in;
    }

    @Override
    public int read() throws IOException {
      int b = in.read();
      finished = b < 0;
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = in.read(b, off, len);
      finished = n < 0;
      return n;
    }

    @Override
    public boolean isFinished() {
      return finished;
    }

    @Override
    public boolean isReady() {
      return true;
    }

    @Override
    public void setReadListener(ReadListener listener) {
      throw new IllegalStateException("a peeked request body is read blocking");
    }
  }
}
