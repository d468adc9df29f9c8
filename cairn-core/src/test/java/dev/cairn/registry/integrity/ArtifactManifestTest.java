package dev.cairn.registry.integrity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Hashing;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ArtifactManifestTest {
  static final String A = "a".repeat(64);
  static final String B = "b".repeat(64);

  @Test
  void canonicalJsonSortsPathsByUtf8BytesWithFixedFieldOrderAndNoWhitespace() {
    ArtifactManifest manifest = ArtifactManifest.of(List.of(
        new ManifestEntry("z.bin", 2, B),
        new ManifestEntry("model/\uFF21.txt", 1, A),
        new ManifestEntry("model/\uD83D\uDE00.txt", 1, A),
        new ManifestEntry("MLmodel", 0, A)));
    String json = new String(manifest.canonicalJson(), StandardCharsets.UTF_8);
    // U+FF21 sorts before U+1F600 in UTF-8 bytes (EF.. < F0..), though not in Java's UTF-16 order.
    assertThat(json).isEqualTo("{\"format\":\"cairn.manifest/v1\",\"files\":["
        + "{\"path\":\"MLmodel\",\"size\":0,\"sha256\":\"" + A + "\"},"
        + "{\"path\":\"model/\uFF21.txt\",\"size\":1,\"sha256\":\"" + A + "\"},"
        + "{\"path\":\"model/\uD83D\uDE00.txt\",\"size\":1,\"sha256\":\"" + A + "\"},"
        + "{\"path\":\"z.bin\",\"size\":2,\"sha256\":\"" + B + "\"}]}");
    assertThat(manifest.sha256()).isEqualTo(Hashing.sha256Hex(manifest.canonicalJson()));
  }

  @Test
  void entryOrderDoesNotChangeTheHashButContentDoes() {
    List<ManifestEntry> entries = new ArrayList<>(List.of(
        new ManifestEntry("a", 1, A), new ManifestEntry("b/c", 2, B)));
    ArtifactManifest first = ArtifactManifest.of(entries);
    java.util.Collections.reverse(entries);
    assertThat(ArtifactManifest.of(entries).sha256()).isEqualTo(first.sha256());
    assertThat(ArtifactManifest.of(List.of(new ManifestEntry("a", 1, B), new ManifestEntry("b/c", 2, B))).sha256())
        .isNotEqualTo(first.sha256());
    assertThat(ArtifactManifest.of("models:/churn/3", entries).sha256())
        .as("the subject is covered by the hash").isNotEqualTo(first.sha256());
  }

  @Test
  void parseAcceptsAnySpacingAndKeyOrderAndGivesTheSameHash() {
    ArtifactManifest manifest = ArtifactManifest.of("models:/churn/3",
        List.of(new ManifestEntry("a", 1, A), new ManifestEntry("b/c", 2, B)));
    String loose = "{ \"files\" : [ {\"sha256\":\"" + B + "\", \"size\": 2, \"path\":\"b/c\"},\n"
        + " {\"path\":\"a\",\"sha256\":\"" + A + "\",\"size\":1} ],\n \"subject\":\"models:/churn/3\","
        + " \"format\": \"cairn.manifest/v1\" }";
    ArtifactManifest parsed = ArtifactManifest.parse(loose.getBytes(StandardCharsets.UTF_8));
    assertThat(parsed).isEqualTo(manifest);
    assertThat(parsed.sha256()).isEqualTo(manifest.sha256());
    assertThat(ArtifactManifest.parse(manifest.canonicalJson()).canonicalJson()).isEqualTo(manifest.canonicalJson());
  }

  @Test
  void parseRefusesUnknownFieldsDuplicateKeysAndOtherFormats() {
    assertInvalid("{\"format\":\"cairn.manifest/v1\",\"files\":[],\"extra\":1}", "unknown field 'extra'");
    assertInvalid("{\"format\":\"cairn.manifest/v1\",\"files\":[],\"files\":[]}", "Duplicate field 'files'");
    assertInvalid("{\"format\":\"cairn.manifest/v2\",\"files\":[]}", "this version reads 'cairn.manifest/v1'");
    assertInvalid("{\"format\":\"cairn.manifest/v1\",\"files\":[{\"path\":\"a\",\"size\":\"1\",\"sha256\":\""
        + A + "\"}]}", "'size' (integer)");
    assertInvalid("[1]", "JSON object");
    assertInvalid("{", "not valid JSON");
  }

  private static void assertInvalid(String json, String message) {
    assertThatThrownBy(() -> ArtifactManifest.parse(json.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(CairnException.class)
        .hasMessageContaining(message)
        .extracting(e -> ((CairnException) e).code()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "/etc/passwd", "../secret", "a/../../b", "a/./b", "a//b", "a/", "./a", "..",
      "a\\b", "C:/x", "c:evil", "a\u0000b", "a\nb"})
  void pathsThatAreNotCanonicalOrLeaveTheRootAreRejectedByConstruction(String path) {
    assertThatThrownBy(() -> new ManifestEntry(path, 1, A))
        .isInstanceOf(CairnException.class)
        .extracting(e -> ((CairnException) e).code()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE);
    String json = "{\"format\":\"cairn.manifest/v1\",\"files\":[{\"path\":" + jsonString(path)
        + ",\"size\":1,\"sha256\":\"" + A + "\"}]}";
    assertThatThrownBy(() -> ArtifactManifest.parse(json.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(CairnException.class);
  }

  private static String jsonString(String s) {
    return dev.cairn.core.Json.write(s);
  }

  @Test
  void pathsMayHoldDotsSpacesAndUnicodeInsideSegments() {
    for (String path : List.of("a..b", ".hidden", "model/data v1.bin", "caf\u00e9/\u6a21\u578b", "...")) {
      assertThat(new ManifestEntry(path, 0, A).path()).isEqualTo(path);
    }
  }

  @Test
  void duplicatePathsAndAFileThatIsAlsoAFolderAreRefused() {
    assertThatThrownBy(() -> ArtifactManifest.of(List.of(new ManifestEntry("a", 1, A), new ManifestEntry("a", 2, B))))
        .hasMessageContaining("names 'a' twice");
    assertThatThrownBy(() -> ArtifactManifest.of(List.of(new ManifestEntry("a", 1, A), new ManifestEntry("a/b", 2, B))))
        .hasMessageContaining("'a' as a file and as the folder of 'a/b'");
  }

  @Test
  void badSizesAndHashesAreRefused() {
    assertThatThrownBy(() -> new ManifestEntry("a", -1, A)).hasMessageContaining("size -1");
    assertThatThrownBy(() -> new ManifestEntry("a", 1, A.toUpperCase())).hasMessageContaining("lower-case hex");
    assertThatThrownBy(() -> new ManifestEntry("a", 1, "abc")).hasMessageContaining("64");
  }

  @Test
  void ofDirectoryHashesEveryFileWithSlashSeparatedPathsAndWritesAReadableFile(@TempDir Path dir)
      throws Exception {
    Path root = Files.createDirectories(dir.resolve("bundle"));
    Files.createDirectories(root.resolve("model/sub"));
    Files.createDirectories(root.resolve("empty"));
    Files.writeString(root.resolve("MLmodel"), "flavors: {}\n");
    Files.write(root.resolve("model/sub/weights.bin"), new byte[] {1, 2, 3});
    List<Long> progress = new ArrayList<>();
    ArtifactManifest manifest = ArtifactManifest.ofDirectory(root, null, (done, total, path) -> progress.add(done));
    assertThat(manifest.files()).containsExactly(
        new ManifestEntry("MLmodel", 12, Hashing.sha256Hex("flavors: {}\n".getBytes(StandardCharsets.UTF_8))),
        new ManifestEntry("model/sub/weights.bin", 3, Hashing.sha256Hex(new byte[] {1, 2, 3})));
    assertThat(progress).last().isEqualTo(15L);
    Path file = dir.resolve("manifest.json");
    manifest.write(file);
    assertThat(ArtifactManifest.read(file)).isEqualTo(manifest);
  }

  @Test
  void ofDirectoryRefusesSymbolicLinks(@TempDir Path dir) throws Exception {
    Path root = Files.createDirectories(dir.resolve("bundle"));
    Files.writeString(dir.resolve("outside"), "secret");
    Files.createSymbolicLink(root.resolve("link"), dir.resolve("outside"));
    assertThatThrownBy(() -> ArtifactManifest.ofDirectory(root)).hasMessageContaining("symbolic link");
  }

  @Test
  void aMissingManifestFileIsNamed(@TempDir Path dir) {
    assertThatThrownBy(() -> ArtifactManifest.read(dir.resolve("nope.json")))
        .hasMessageContaining("nope.json does not exist");
  }
}
