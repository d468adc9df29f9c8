package dev.cairn.bench;

import dev.cairn.data.version.AddProgress;
import dev.cairn.data.version.AddResult;
import dev.cairn.data.version.DatasetVersionStore;
import dev.cairn.data.version.DatasetVersioning;
import dev.cairn.data.version.StatCache;
import dev.cairn.data.version.TableProfiler;
import dev.cairn.store.ArtifactStore;
import dev.cairn.store.ArtifactStores;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * How fast {@code cairn data add} is where it matters: SHA-256 throughput on ~2 GB of files against
 * {@code openssl dgst -sha256} on the same files (both from the page cache), a full first add of those files,
 * and re-adding an unchanged directory of 10,000 files (stat cache hits, no hashing, no uploads).
 *
 * <p>Run: {@code java -cp <bench classpath> dev.cairn.bench.DatasetAddBench [WORKDIR] [TOTAL_MIB]}
 * (WORKDIR defaults to /tmp/cairn-dataset-bench and is reused between runs; TOTAL_MIB to 2048).
 * The backend store is SQLite under WORKDIR.
 */
public final class DatasetAddBench {
  private DatasetAddBench() {}

  public static void main(String[] args) throws Exception {
    Path work = Path.of(args.length > 0 ? args[0] : "/tmp/cairn-dataset-bench");
    long totalMib = args.length > 1 ? Long.parseLong(args[1]) : 2048;
    Path big = work.resolve("big");
    Path small = work.resolve("small");
    generateBig(big, totalMib);
    generateSmall(small, 10_000, 1024);
    List<Path> bigFiles = list(big);
    long bigBytes = 0;
    for (Path p : bigFiles) {
      bigBytes += Files.size(p);
    }
    System.out.printf(Locale.ROOT, "machine: %d cores, %s %s, load %.2f%n", Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.vm.name"), System.getProperty("java.version"), loadAverage());
    System.out.printf(Locale.ROOT, "data: %d files, %.0f MiB; small: 10000 files of 1 KiB%n", bigFiles.size(),
        bigBytes / 1048576.0);

    // Warm the page cache and the JIT so both sides read from memory. Runs alternate between the contenders
    // and the best of each counts, so a burst of load from other processes hurts both alike.
    hashAll(bigFiles, 1 << 20);
    double jdk1m = Double.MAX_VALUE;
    double jdk64k = Double.MAX_VALUE;
    double openssl = Double.MAX_VALUE;
    double openssl2 = Double.MAX_VALUE;
    for (int round = 0; round < 4; round++) {
      jdk1m = Math.min(jdk1m, time(() -> hashAll(bigFiles, 1 << 20)));
      openssl = Math.min(openssl, time(() -> openssl(bigFiles, 1)));
      jdk64k = Math.min(jdk64k, time(() -> hashAll(bigFiles, 1 << 16)));
      openssl2 = Math.min(openssl2, time(() -> openssl(bigFiles, 2)));
    }
    System.out.printf(Locale.ROOT, "sha256 JDK, 1 thread, 1 MiB buffer : %7.1f MB/s%n", bigBytes / jdk1m / 1e6);
    System.out.printf(Locale.ROOT, "sha256 JDK, 1 thread, 64 KiB buffer: %7.1f MB/s%n", bigBytes / jdk64k / 1e6);
    System.out.printf(Locale.ROOT, "openssl dgst -sha256, 1 process    : %7.1f MB/s%n", bigBytes / openssl / 1e6);
    System.out.printf(Locale.ROOT, "openssl dgst -sha256, 2 processes  : %7.1f MB/s%n", bigBytes / openssl2 / 1e6);
    System.out.printf(Locale.ROOT, "ratio JDK 1 thread / openssl 1 process: %.2f%n", openssl / jdk1m);

    Path run = work.resolve("run-" + System.nanoTime());
    try (DatasetVersionStore store = DatasetVersionStore.open("sqlite:" + run.resolve("cairn.db"));
         ArtifactStore artifacts = ArtifactStores.open("file:" + run.resolve("artifacts"))) {
      DatasetVersioning versioning = new DatasetVersioning(store, artifacts,
          StatCache.open(run.resolve(".cairn/statcache")), TableProfiler.NONE);

      long t0 = System.nanoTime();
      PhaseTimer phases = new PhaseTimer();
      AddResult first = versioning.add(big, "big", null, "bench", Map.of(), phases);
      double firstAdd = (System.nanoTime() - t0) / 1e9;
      double hashing = phases.seconds("hashing");
      System.out.printf(Locale.ROOT, "data add, hashing phase (%d threads): %.2f s = %.1f MB/s; ratio to openssl"
          + " 1 process %.2f, to 2 processes %.2f%n", DatasetVersioning.defaultHashThreads(), hashing, bigBytes / hashing / 1e6, openssl / hashing,
          openssl2 / hashing);
      System.out.printf(Locale.ROOT, "data add, first (hash + store %d blobs, fsynced): %.2f s = %.1f MB/s"
          + " (storing %.2f s)%n", first.blobsUploaded(), firstAdd, bigBytes / firstAdd / 1e6, phases.seconds("uploading"));
      // The hashing phase alone: a fresh (empty) stat cache re-hashes everything, then the add finds the content
      // equal to the newest version and stores nothing. Thread counts alternate; best of 3 each.
      double[] bestHash = {Double.MAX_VALUE, Double.MAX_VALUE};
      for (int round = 0; round < 3; round++) {
        for (int threads = 1; threads <= 2; threads++) {
          PhaseTimer t = new PhaseTimer();
          new DatasetVersioning(store, artifacts, StatCache.inMemory(), TableProfiler.NONE, threads,
              DatasetVersioning.DEFAULT_IO_THREADS)
              .add(big, "big", null, "bench", Map.of(), t);
          bestHash[threads - 1] = Math.min(bestHash[threads - 1], t.seconds("hashing"));
        }
      }
      for (int threads = 1; threads <= 2; threads++) {
        System.out.printf(Locale.ROOT, "data add, hashing phase only, %d thread(s): %7.1f MB/s; ratio to openssl"
            + " 1 process %.2f%n", threads, bigBytes / bestHash[threads - 1] / 1e6, openssl / bestHash[threads - 1]);
      }

      t0 = System.nanoTime();
      AddResult again = versioning.add(big, "big", null, "bench", Map.of(), AddProgress.NONE);
      System.out.printf(Locale.ROOT, "data add, unchanged big dir: %.3f s (hashed %d files, new version: %s)%n",
          (System.nanoTime() - t0) / 1e9, again.filesHashed(), again.isNew());

      t0 = System.nanoTime();
      versioning.add(small, "small", null, "bench", Map.of(), AddProgress.NONE);
      double smallFirst = (System.nanoTime() - t0) / 1e9;
      // A new process: the stat cache is read from disk, nothing else is warm on the versioning side.
      DatasetVersioning fresh = new DatasetVersioning(store, artifacts,
          StatCache.open(run.resolve(".cairn/statcache")), TableProfiler.NONE);
      double[] times = new double[3];
      AddResult re = null;
      for (int i = 0; i < times.length; i++) {
        t0 = System.nanoTime();
        re = fresh.add(small, "small", null, "bench", Map.of(), AddProgress.NONE);
        times[i] = (System.nanoTime() - t0) / 1e9;
      }
      java.util.Arrays.sort(times);
      System.out.printf(Locale.ROOT, "data add, 10000 small files, first: %.2f s%n", smallFirst);
      System.out.printf(Locale.ROOT, "data add, 10000 small files, unchanged re-add: %.3f s (median of 3;"
          + " hashed %d files, uploaded %d)%n", times[1], re.filesHashed(), re.blobsUploaded());
    } finally {
      deleteTree(run);
    }
  }

  interface Timed {
    void run() throws Exception;
  }

  private static double time(Timed task) throws Exception {
    long t0 = System.nanoTime();
    task.run();
    return (System.nanoTime() - t0) / 1e9;
  }

  /** Wall time of each phase of an add, from its progress calls. */
  static final class PhaseTimer implements AddProgress {
    private final Map<String, Double> seconds = new java.util.HashMap<>();
    private String current;
    private long start;

    @Override
    public void phase(String name, long totalBytes) {
      done();
      current = name;
      start = System.nanoTime();
    }

    @Override
    public void done() {
      if (current != null) {
        seconds.merge(current, (System.nanoTime() - start) / 1e9, Double::sum);
        current = null;
      }
    }

    double seconds(String phase) {
      return seconds.getOrDefault(phase, 0.0);
    }
  }

  private static void hashAll(List<Path> files, int bufferSize) throws IOException {
    byte[] buffer = new byte[bufferSize];
    for (Path p : files) {
      DatasetVersioning.sha256(p, buffer, AddProgress.NONE);
    }
  }

  /** openssl over the files, split across {@code processes} concurrent openssl processes. */
  private static void openssl(List<Path> files, int processes) throws Exception {
    List<Process> running = new ArrayList<>();
    for (int i = 0; i < processes; i++) {
      List<String> cmd = new ArrayList<>(List.of("openssl", "dgst", "-sha256"));
      for (int f = i; f < files.size(); f += processes) {
        cmd.add(files.get(f).toString());
      }
      running.add(new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
    }
    for (Process p : running) {
      if (p.waitFor() != 0) {
        throw new IllegalStateException("openssl failed");
      }
    }
  }

  private static void generateBig(Path dir, long totalMib) throws IOException {
    int fileMib = 128;
    long count = Math.max(1, totalMib / fileMib);
    Files.createDirectories(dir);
    SplittableRandom random = new SplittableRandom(42);
    ByteBuffer chunk = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < count; i++) {
      Path file = dir.resolve(String.format(Locale.ROOT, "part-%03d.bin", i));
      if (Files.exists(file) && Files.size(file) == (long) fileMib << 20) {
        continue;
      }
      try (OutputStream out = Files.newOutputStream(file)) {
        for (int m = 0; m < fileMib; m++) {
          chunk.clear();
          while (chunk.hasRemaining()) {
            chunk.putLong(random.nextLong());
          }
          out.write(chunk.array());
        }
      }
    }
  }

  private static void generateSmall(Path dir, int count, int size) throws IOException {
    if (Files.isDirectory(dir)) {
      try (Stream<Path> s = Files.walk(dir)) {
        if (s.filter(Files::isRegularFile).count() == count) {
          return;
        }
      }
    }
    SplittableRandom random = new SplittableRandom(7);
    byte[] content = new byte[size];
    for (int i = 0; i < count; i++) {
      Path file = dir.resolve(String.format(Locale.ROOT, "d%02d/f%05d.dat", i % 100, i));
      Files.createDirectories(file.getParent());
      for (int b = 0; b < size; b++) {
        content[b] = (byte) random.nextInt(256);
      }
      Files.write(file, content);
    }
  }

  private static List<Path> list(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(Files::isRegularFile).sorted().toList();
    }
  }

  private static double loadAverage() {
    return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
