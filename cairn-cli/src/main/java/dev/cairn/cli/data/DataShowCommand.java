package dev.cairn.cli.data;

import dev.cairn.data.version.DatasetRef;
import dev.cairn.data.version.DatasetVersion;
import dev.cairn.data.version.ManifestEntry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "show", mixinStandardHelpOptions = true, description = "Show one version and its files.")
final class DataShowCommand extends DataSubcommand {
  @Parameters(index = "0", paramLabel = "NAME@VERSION")
  String ref;

  @Mixin StoreOptions stores;

  @Override
  int run() {
    try (StoreOptions.Opened s = stores.open()) {
      DatasetVersion v = s.versioning.show(DatasetRef.parse(ref));
      out().printf("%s  created %s by %s%n", v.ref(), Format.time(v.createdTime()), v.author() == null ? "-" : v.author());
      out().printf("content sha256 %s, %s, %s%s%n", v.manifestSha256(), Format.plural(v.fileCount(), "file"),
          Format.bytes(v.totalSize()), v.rowCount() == null ? "" : ", " + v.rowCount() + " rows");
      if (v.parentVersion() != null) {
        out().println("parent " + v.name() + "@" + v.parentVersion());
      }
      if (v.message() != null) {
        out().println("message " + v.message());
      }
      if (!v.tags().isEmpty()) {
        out().println("tags " + Format.tags(v.tags()));
      }
      for (ManifestEntry e : s.versioning.readManifest(v).files()) {
        out().printf("  %s  %10s  %s%n", e.sha256().substring(0, 12), Format.bytes(e.size()), e.path());
      }
      return 0;
    }
  }
}
