package dev.cairn.data.version;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.store.ArtifactStore;
import dev.cairn.store.ArtifactStores;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Versioning on the S3 artifact store, served in-process by s3proxy. */
class DatasetVersioningS3Test {
  static final String BUCKET = "cairn-datasets";
  static final String ACCESS_KEY = "access";
  static final String SECRET_KEY = "secret-secret";
  static Path blobDir;
  static S3Proxy proxy;
  static String endpoint;

  @TempDir Path tmp;

  @BeforeAll
  static void startS3() throws Exception {
    blobDir = Files.createTempDirectory("cairn-data-s3proxy");
    FilesystemNio2BlobStore blobStore = new FilesystemNio2BlobStore(blobDir.toString());
    blobStore.createContainer(BUCKET);
    proxy = S3Proxy.builder().blobStore(blobStore).endpoint(URI.create("http://127.0.0.1:0"))
        .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY).build();
    proxy.start();
    endpoint = "http://127.0.0.1:" + proxy.getPort();
  }

  @AfterAll
  static void stopS3() throws Exception {
    if (proxy != null) {
      proxy.stop();
    }
    try (Stream<Path> files = Files.walk(blobDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Test
  void addDedupGetAndCorruptionCheckWorkOnS3() throws Exception {
    Path data = Files.createDirectories(tmp.resolve("data"));
    Files.writeString(data.resolve("a.txt"), "alpha");
    Files.createDirectories(data.resolve("sub"));
    Files.writeString(data.resolve("sub/b.txt"), "beta");
    try (DatasetVersionStore store = TestStores.sqlite(tmp);
         ArtifactStore s3 = ArtifactStores.open("s3://" + BUCKET + "/t-" + UUID.randomUUID(),
             Map.of("endpoint", endpoint, "accessKeyId", ACCESS_KEY, "secretAccessKey", SECRET_KEY))) {
      DatasetVersioning versioning = new DatasetVersioning(store, s3, StatCache.inMemory(), TableProfiler.NONE);

      AddResult v1 = versioning.add(data, "s3set", null, null, Map.of());
      Files.writeString(data.resolve("a.txt"), "alpha 2");
      AddResult v2 = versioning.add(data, "s3set", null, null, Map.of());
      AddResult copy = versioning.add(data, "s3copy", null, null, Map.of());

      assertThat(v1.blobsUploaded()).isEqualTo(2);
      assertThat(v2.blobsUploaded()).isEqualTo(1);
      assertThat(copy.blobsUploaded()).isZero();
      assertThat(v1.version().storageUri()).startsWith("s3://" + BUCKET + "/");

      versioning.get(DatasetRef.parse("s3set@1"), tmp.resolve("out"));
      assertThat(Files.readString(tmp.resolve("out/a.txt"))).isEqualTo("alpha");
      assertThat(Files.readString(tmp.resolve("out/sub/b.txt"))).isEqualTo("beta");

      String sha = versioning.readManifest(v1.version()).byPath().get("a.txt").sha256();
      s3.put(DatasetVersioning.blobPath(sha), new ByteArrayInputStream("alphA".getBytes(StandardCharsets.UTF_8)));
      assertThatThrownBy(() -> versioning.get(DatasetRef.parse("s3set@1"), tmp.resolve("out2")))
          .hasMessageContaining("'a.txt'").hasMessageContaining("corrupt");
      assertThat(tmp.resolve("out2/a.txt")).doesNotExist();
    }
  }
}
