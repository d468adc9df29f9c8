package dev.cairn.registry.integrity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.registry.integrity.VerificationReport.Kind;
import dev.cairn.registry.integrity.VerificationReport.Problem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class ManifestVerifierTest {

  /** Any tree of files verifies against its own manifest, and each file is counted once. */
  @Property(tries = 60)
  void aTreeVerifiesAgainstItsOwnManifest(@ForAll("trees") Map<String, byte[]> tree) {
    withTree(tree, root -> {
      ArtifactManifest manifest = ArtifactManifest.ofDirectory(root);
      assertThat(manifest.files()).extracting(ManifestEntry::path).containsExactlyInAnyOrderElementsOf(tree.keySet());
      VerificationReport report = ManifestVerifier.verify(root, manifest);
      assertThat(report.problems()).isEmpty();
      assertThat(report.isVerified()).isTrue();
      assertThat(report.filesVerified()).isEqualTo(tree.size());
      assertThat(report.bytesHashed()).isEqualTo(tree.values().stream().mapToLong(b -> b.length).sum());
    });
  }

  @Property(tries = 60)
  void flippingAnyByteOfAnyFileIsDetectedAndNamed(@ForAll("trees") Map<String, byte[]> tree,
      @ForAll @IntRange(min = 0, max = 10_000) int pick, @ForAll @IntRange(min = 0, max = 7) int bit) {
    List<String> nonEmpty = tree.entrySet().stream().filter(e -> e.getValue().length > 0).map(Map.Entry::getKey).toList();
    if (nonEmpty.isEmpty()) {
      return;
    }
    String victim = nonEmpty.get(pick % nonEmpty.size());
    withTree(tree, root -> {
      ArtifactManifest manifest = ArtifactManifest.ofDirectory(root);
      byte[] content = tree.get(victim).clone();
      int at = pick % content.length;
      content[at] ^= (byte) (1 << bit);
      write(root.resolve(victim), content);
      VerificationReport report = ManifestVerifier.verify(root, manifest);
      assertThat(report.problems()).singleElement().satisfies(p -> {
        assertThat(p.kind()).isEqualTo(Kind.CHANGED);
        assertThat(p.path()).isEqualTo(victim);
        assertThat(p.expectedSha256()).isEqualTo(manifest.file(victim).sha256());
        assertThat(p.actualSha256()).isNotEqualTo(p.expectedSha256()).hasSize(64);
        assertThat(p.describe()).contains("changed " + victim, p.expectedSha256(), p.actualSha256());
      });
      assertThat(report.filesVerified()).isEqualTo(tree.size() - 1);
    });
  }

  @Property(tries = 60)
  void removingAddingOrRenamingAFileIsDetectedAndNamed(@ForAll("trees") Map<String, byte[]> tree,
      @ForAll @IntRange(min = 0, max = 10_000) int pick) {
    String victim = new ArrayList<>(tree.keySet()).get(pick % tree.size());
    withTree(tree, root -> {
      ArtifactManifest manifest = ArtifactManifest.ofDirectory(root);
      // removed
      move(root.resolve(victim), root.resolveSibling("parked"));
      assertThat(ManifestVerifier.verify(root, manifest).problems())
          .containsExactly(new Problem(Kind.MISSING, victim, manifest.file(victim).sha256(), null,
              manifest.file(victim).size(), -1));
      // renamed: the old name is missing, the new one extra
      String renamed = victim + "~";
      move(root.resolveSibling("parked"), root.resolve(renamed));
      assertThat(ManifestVerifier.verify(root, manifest).problems())
          .extracting(Problem::kind, Problem::path)
          .containsExactlyInAnyOrder(
              org.assertj.core.groups.Tuple.tuple(Kind.MISSING, victim),
              org.assertj.core.groups.Tuple.tuple(Kind.EXTRA, renamed));
      move(root.resolve(renamed), root.resolve(victim));
      assertThat(ManifestVerifier.verify(root, manifest).isVerified()).isTrue();
      // added
      write(root.resolve(victim + ".extra"), new byte[] {42});
      assertThat(ManifestVerifier.verify(root, manifest).problems())
          .containsExactly(new Problem(Kind.EXTRA, victim + ".extra", null, null, -1, 1));
    });
  }

  @Property(tries = 20)
  void manifestsSurviveTheirJsonRoundTrip(@ForAll("trees") Map<String, byte[]> tree) {
    withTree(tree, root -> {
      ArtifactManifest manifest = ArtifactManifest.ofDirectory(root);
      assertThat(ArtifactManifest.parse(manifest.canonicalJson())).isEqualTo(manifest);
    });
  }

  @net.jqwik.api.Example
  void aSymbolicLinkWhereTheManifestNamesAFileIsReportedChanged() {
    withTree(Map.of("a", new byte[] {1}, "b", new byte[] {2}), root -> {
      ArtifactManifest manifest = ArtifactManifest.ofDirectory(root);
      try {
        Files.delete(root.resolve("b"));
        Files.createSymbolicLink(root.resolve("b"), root.resolve("a"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      Problem problem = ManifestVerifier.verify(root, manifest).firstProblem();
      assertThat(problem.kind()).isEqualTo(Kind.CHANGED);
      assertThat(problem.path()).isEqualTo("b");
      assertThat(problem.describe()).contains("not a regular file");
    });
  }

  @net.jqwik.api.Example
  void progressIsReportedUpToTheTotalOfTheManifest() {
    byte[] big = new byte[20 << 20];
    withTree(Map.of("big.bin", big, "small", new byte[] {1}), root -> {
      ArtifactManifest manifest = ArtifactManifest.ofDirectory(root);
      List<long[]> calls = new ArrayList<>();
      ManifestVerifier.verify(root, manifest, (done, total, path) -> calls.add(new long[] {done, total}));
      assertThat(calls.size()).isBetween(3, 10);
      assertThat(calls).allSatisfy(c -> assertThat(c[1]).isEqualTo(big.length + 1L));
      assertThat(calls.get(calls.size() - 1)[0]).isEqualTo(big.length + 1L);
    });
  }

  @Provide
  Arbitrary<Map<String, byte[]>> trees() {
    Arbitrary<String> segment = Arbitraries.strings().withChars("abcxyz019._- \u00e9").ofMinLength(1).ofMaxLength(6)
        .filter(s -> !s.equals(".") && !s.equals(".."));
    Arbitrary<String> path = segment.list().ofMinSize(1).ofMaxSize(3).map(parts -> String.join("/", parts));
    Arbitrary<byte[]> content = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
    return Combinators.combine(path, content).as(Map::entry).list().ofMinSize(1).ofMaxSize(12)
        .map(ManifestVerifierTest::consistentTree);
  }

  /** Drops entries whose path is also a folder of another (a file and a folder cannot share a name). */
  private static Map<String, byte[]> consistentTree(List<Map.Entry<String, byte[]>> entries) {
    Map<String, byte[]> tree = new TreeMap<>();
    for (Map.Entry<String, byte[]> entry : entries) {
      String path = entry.getKey();
      boolean clashes = tree.keySet().stream().anyMatch(p -> p.startsWith(path + "/") || path.startsWith(p + "/"));
      if (!clashes) {
        tree.putIfAbsent(path, entry.getValue());
      }
    }
    return tree;
  }

  private static void withTree(Map<String, byte[]> tree, java.util.function.Consumer<Path> test) {
    Path dir;
    try {
      dir = Files.createTempDirectory("manifest-test");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      Path root = dir.resolve("root");
      for (Map.Entry<String, byte[]> entry : tree.entrySet()) {
        write(root.resolve(entry.getKey()), entry.getValue());
      }
      try {
        Files.createDirectories(root);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      test.accept(root);
    } finally {
      deleteTree(dir);
    }
  }

  private static void write(Path file, byte[] content) {
    try {
      Files.createDirectories(file.getParent());
      Files.write(file, content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void move(Path from, Path to) {
    try {
      Files.move(from, to);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
