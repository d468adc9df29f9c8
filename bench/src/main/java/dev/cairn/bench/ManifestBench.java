package dev.cairn.bench;

import dev.cairn.core.Hashing;
import dev.cairn.registry.integrity.ArtifactManifest;
import dev.cairn.registry.integrity.ManifestVerifier;
import dev.cairn.registry.integrity.VerificationReport;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Throughput of building a model version's manifest ({@link ArtifactManifest#ofDirectory}) and of verifying a
 * copy against it ({@link ManifestVerifier}) on a generated ~500 MB folder (60 files of 8 MiB and 1,000 of 20 KiB),
 * read from the page cache, beside a bare JDK SHA-256 loop over the same files and {@code sha256sum}. Best of 5
 * rounds after a warm-up; the heap used after each pass shows the hashing holds no file in memory.
 *
 * <p>Run: {@code bench/run ManifestBench [WORKDIR]} (default /tmp/cairn-manifest-bench, reused between runs).
 */
public final class ManifestBench {
  private ManifestBench() {}

  public static void main(String[] args) throws Exception {
    Path work = Path.of(args.length > 0 ? args[0] : "/tmp/cairn-manifest-bench");
    Path root = work.resolve("bundle");
    generate(root);
    List<Path> files;
    try (Stream<Path> walk = Files.walk(root)) {
      files = walk.filter(Files::isRegularFile).sorted().toList();
    }
    long bytes = 0;
    for (Path f : files) {
      bytes += Files.size(f);
    }
    System.out.printf(Locale.ROOT, "machine: %d cores, %s %s, load %.2f%n", Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.vm.name"), System.getProperty("java.version"), java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    System.out.printf(Locale.ROOT, "data: %d files, %.0f MB%n", files.size(), bytes / 1e6);

    ArtifactManifest manifest = ArtifactManifest.ofDirectory(root); // warm-up (page cache and JIT)
    double raw = Double.MAX_VALUE;
    double build = Double.MAX_VALUE;
    double verify = Double.MAX_VALUE;
    double sha256sum = Double.MAX_VALUE;
    long heapAfterVerify = 0;
    AtomicLong progressCalls = new AtomicLong();
    for (int round = 0; round < 5; round++) {
      long t0 = System.nanoTime();
      rawDigest(files);
      raw = Math.min(raw, seconds(t0));

      t0 = System.nanoTime();
      ArtifactManifest again = ArtifactManifest.ofDirectory(root, null, (d, t, p) -> progressCalls.incrementAndGet());
      build = Math.min(build, seconds(t0));
      if (!again.equals(manifest)) {
        throw new IllegalStateException("the manifest changed between rounds");
      }

      t0 = System.nanoTime();
      VerificationReport report = ManifestVerifier.verify(root, manifest, (d, t, p) -> {});
      verify = Math.min(verify, seconds(t0));
      if (!report.isVerified()) {
        throw new IllegalStateException("verification failed: " + report.firstProblem().describe());
      }
      System.gc();
      heapAfterVerify = Math.max(heapAfterVerify,
          Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory());

      t0 = System.nanoTime();
      Process p = new ProcessBuilder("bash", "-c", "find . -type f -print0 | xargs -0 sha256sum > /dev/null")
          .directory(root.toFile()).inheritIO().start();
      if (p.waitFor() == 0) {
        sha256sum = Math.min(sha256sum, seconds(t0));
      }
    }
    System.out.println();
    System.out.println("| measure | time | throughput |");
    System.out.println("|---|---|---|");
    row("bare JDK SHA-256 loop, 1 MiB reads", raw, bytes);
    row("`sha256sum` over the same files", sha256sum, bytes);
    row("ArtifactManifest.ofDirectory (walk, sizes, hash, canonical JSON)", build, bytes);
    row("ManifestVerifier.verify (walk, hash, compare)", verify, bytes);
    System.out.printf(Locale.ROOT, "%nmanifest: %d files, %d bytes of canonical JSON, sha256 %s%n",
        manifest.files().size(), manifest.canonicalJson().length, manifest.sha256());
    System.out.printf(Locale.ROOT, "heap in use after a verify pass (after GC): %.1f MB; progress calls per pass: %d%n",
        heapAfterVerify / 1e6, progressCalls.get() / 5);
  }

  private static void row(String what, double seconds, long bytes) {
    System.out.printf(Locale.ROOT, "| %s | %.2f s | %.0f MB/s |%n", what, seconds, bytes / 1e6 / seconds);
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  private static void rawDigest(List<Path> files) throws IOException {
    byte[] buffer = new byte[1 << 20];
    for (Path f : files) {
      MessageDigest md = Hashing.sha256();
      try (InputStream in = Files.newInputStream(f)) {
        for (int n; (n = in.read(buffer)) > 0; ) {
          md.update(buffer, 0, n);
        }
      }
      md.digest();
    }
  }

  private static void generate(Path root) throws IOException {
    Path complete = root.resolveSibling("bundle.complete"); // beside the bundle, so not part of it
    if (Files.exists(complete)) {
      return;
    }
    SplittableRandom random = new SplittableRandom(42);
    byte[] chunk = new byte[1 << 20];
    for (int i = 0; i < 60; i++) {
      Path f = root.resolve("weights/shard-" + i + ".bin");
      Files.createDirectories(f.getParent());
      try (OutputStream out = Files.newOutputStream(f)) {
        for (int m = 0; m < 8; m++) {
          fill(random, chunk);
          out.write(chunk);
        }
      }
    }
    byte[] small = new byte[20 << 10];
    for (int i = 0; i < 1000; i++) {
      Path f = root.resolve("assets/" + (i % 10) + "/file-" + i + ".dat");
      Files.createDirectories(f.getParent());
      fill(random, small);
      Files.write(f, small);
    }
    Files.writeString(complete, "ok");
  }

  private static void fill(SplittableRandom random, byte[] bytes) {
    for (int i = 0; i < bytes.length; i += 8) {
      long v = random.nextLong();
      for (int b = 0; b < 8 && i + b < bytes.length; b++) {
        bytes[i + b] = (byte) (v >>> (8 * b));
      }
    }
  }
}
