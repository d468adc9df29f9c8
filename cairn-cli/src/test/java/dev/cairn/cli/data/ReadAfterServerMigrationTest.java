package dev.cairn.cli.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.cli.Cli;
import dev.cairn.server.CairnServer;
import dev.cairn.server.CairnServer.ServerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reading data command knows every migration the server runs (datasets, logged models, ...), so a database the
 * server migrated is current for it, not "made by a newer Cairn"; and one a CLI writing command created first is
 * current for it too.
 */
class ReadAfterServerMigrationTest {
  @TempDir Path tmp;

  private Cli.Result data(String... args) {
    String[] all = new String[args.length + 7];
    all[0] = "data";
    System.arraycopy(args, 0, all, 1, args.length);
    all[args.length + 1] = "--backend-store-uri";
    all[args.length + 2] = "sqlite:" + tmp.resolve("db/cairn.db");
    all[args.length + 3] = "--artifacts-uri";
    all[args.length + 4] = "file:" + tmp.resolve("artifacts");
    all[args.length + 5] = "--stat-cache";
    all[args.length + 6] = tmp.resolve("cache").toString();
    return Cli.cairn(all);
  }

  @Test
  void aDatabaseTheServerMigratedReadsWithoutComplaint() throws IOException {
    Files.createDirectories(tmp.resolve("db"));
    CairnServer.start(new ServerConfig("127.0.0.1", 0, "sqlite:" + tmp.resolve("db/cairn.db"),
        "file:" + tmp.resolve("artifacts"))).close();
    Cli.Result log = data("log", "churn");
    assertThat(log.err()).doesNotContain("newer Cairn").doesNotContain("older Cairn");
  }

  @Test
  void aDatabaseTheCliCreatedIsCurrentForItsReadingCommands() throws IOException {
    Path files = Files.createDirectories(tmp.resolve("files"));
    Files.writeString(files.resolve("a.csv"), "x\n1\n");
    assertThat(data("add", files.toString(), "--name", "churn").exitCode()).isZero();
    Cli.Result log = data("log", "churn");
    assertThat(log.exitCode()).as(log.err()).isZero();
    assertThat(log.out()).contains("@1");
  }
}
