package dev.cairn.store.artifacts;

import java.io.IOException;
import java.io.InputStream;

/** Input streams for artifact tests: large deterministic content generated on the fly, and failing reads. */
public final class TestStreams {
  private TestStreams() {}

  /** {@code size} pseudo-random bytes derived from {@code seed}; nothing is buffered, so any size is cheap. */
  public static InputStream generated(long size, long seed) {
    return new GeneratedStream(size, seed);
  }

  /** Passes {@code delegate} through until {@code failAfter} bytes were read, then throws IOException. */
  public static InputStream failingAfter(InputStream delegate, long failAfter) {
    return new FailingStream(delegate, failAfter);
  }

  private static final class GeneratedStream extends InputStream {
    private final long size;
    private final long seed;
    private long position;

    GeneratedStream(long size, long seed) {
      this.size = size;
      this.seed = seed;
    }

    private long wordIndex = -1;
    private long word;

    /** Byte {@code index} of a splitmix64 sequence; each 8-byte word is mixed once and reused. */
    private byte byteAt(long index) {
      long w = index >>> 3;
      if (w != wordIndex) {
        long z = seed + w * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        word = z ^ (z >>> 31);
        wordIndex = w;
      }
      return (byte) (word >>> ((index & 7) * 8));
    }

    @Override
    public int read() {
      return position < size ? byteAt(position++) & 0xff : -1;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
      if (length == 0) {
        return 0;
      }
      if (position >= size) {
        return -1;
      }
      int n = (int) Math.min(length, size - position);
      for (int i = 0; i < n; i++) {
        buffer[offset + i] = byteAt(position++);
      }
      return n;
    }
  }

  private static final class FailingStream extends InputStream {
    private final InputStream delegate;
    private final long failAfter;
    private long read;

    FailingStream(InputStream delegate, long failAfter) {
      this.delegate = delegate;
      this.failAfter = failAfter;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      if (read >= failAfter) {
        throw new IOException("simulated connection reset after " + read + " bytes");
      }
      int n = delegate.read(buffer, offset, (int) Math.min(length, failAfter - read));
      if (n > 0) {
        read += n;
      }
      return n;
    }
  }
}
