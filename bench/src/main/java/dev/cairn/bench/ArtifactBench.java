package dev.cairn.bench;

import dev.cairn.core.Hashing;
import dev.cairn.store.ArtifactStore;
import dev.cairn.store.ArtifactStore.StoredBlob;
import dev.cairn.store.ArtifactStores;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Puts and gets one large generated stream through the file artifact store and prints MB/s. A put includes
 * SHA-256, fsync and the atomic rename; a get reads the blob back and checks its SHA-256.
 *
 * <p>Run: {@code java -cp <bench classpath> dev.cairn.bench.ArtifactBench [sizeMiB=256] [rounds=3] [dir]}
 */
public final class ArtifactBench {
  private static final int MIB = 1 << 20;

  private ArtifactBench() {}

  public static void main(String[] args) throws IOException {
    long sizeMiB = args.length > 0 ? Long.parseLong(args[0]) : 256;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    boolean ownDir = args.length <= 2;
    Path dir = ownDir ? Files.createTempDirectory("cairn-artifact-bench") : Path.of(args[2]);
    long size = sizeMiB * MIB;

    System.out.printf("file store at %s, blob of %d MiB, %d rounds, JDK %s, %d cores%n",
        dir, sizeMiB, rounds, System.getProperty("java.version"), Runtime.getRuntime().availableProcessors());
    String expected = Hashing.sha256Hex(new RepeatingStream(size));
    try (ArtifactStore store = ArtifactStores.open("file:" + dir.toAbsolutePath())) {
      double bestPut = 0;
      double bestGet = 0;
      for (int round = 1; round <= rounds; round++) {
        long start = System.nanoTime();
        StoredBlob blob = store.put("bench/blob.bin", new RepeatingStream(size));
        double put = megabytesPerSecond(size, System.nanoTime() - start);
        if (!blob.sha256().equals(expected)) {
          throw new IllegalStateException("put returned SHA-256 " + blob.sha256() + ", expected " + expected);
        }

        start = System.nanoTime();
        String read;
        try (InputStream in = store.open("bench/blob.bin")) {
          read = Hashing.sha256Hex(in);
        }
        double get = megabytesPerSecond(size, System.nanoTime() - start);
        if (!read.equals(expected)) {
          throw new IllegalStateException("get read SHA-256 " + read + ", expected " + expected);
        }
        System.out.printf("round %d: put %.0f MB/s, get %.0f MB/s%n", round, put, get);
        bestPut = Math.max(bestPut, put);
        bestGet = Math.max(bestGet, get);
      }
      store.delete("bench");
      System.out.printf("best: put %.0f MB/s, get %.0f MB/s (MB = 10^6 bytes)%n", bestPut, bestGet);
    } finally {
      if (ownDir) {
        deleteTree(dir);
      }
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static double megabytesPerSecond(long bytes, long nanos) {
    return bytes / 1e6 / (nanos / 1e9);
  }

  /** A 1 MiB block of random bytes repeated to the requested size: cheap to produce, not compressible. */
  private static final class RepeatingStream extends InputStream {
    private static final byte[] BLOCK = new byte[MIB];

    static {
      new Random(1).nextBytes(BLOCK);
    }

    private final long size;
    private long position;

    RepeatingStream(long size) {
      this.size = size;
    }

    @Override
    public int read() {
      return position < size ? BLOCK[(int) (position++ % MIB)] & 0xff : -1;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
      if (length == 0) {
        return 0;
      }
      if (position >= size) {
        return -1;
      }
      int inBlock = (int) (position % MIB);
      int n = (int) Math.min(Math.min(length, MIB - inBlock), size - position);
      System.arraycopy(BLOCK, inBlock, buffer, offset, n);
      position += n;
      return n;
    }
  }
}
