package dev.cairn.cli.data;

import dev.cairn.data.version.DatasetVersion;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "log", mixinStandardHelpOptions = true, description = "List a dataset's versions, newest first.")
final class DataLogCommand extends DataSubcommand {
  @Parameters(index = "0", paramLabel = "NAME")
  String name;

  @Option(names = {"--max", "-n"}, description = "Show at most this many versions (default: all).")
  int max;

  @Mixin StoreOptions stores;

  @Override
  int run() {
    try (StoreOptions.Opened s = stores.openForReading()) {
      List<DatasetVersion> versions = s.versioning.log(name);
      if (max > 0 && versions.size() > max) {
        versions = versions.subList(0, max);
      }
      out().printf("%-8s %-20s %7s %10s %10s %-12s %-12s %s%n", "VERSION", "CREATED", "FILES", "SIZE", "ROWS",
          "CONTENT", "AUTHOR", "MESSAGE");
      for (DatasetVersion v : versions) {
        String message = v.message() == null ? "" : v.message().replace('\n', ' ');
        if (!v.tags().isEmpty()) {
          message = message + (message.isEmpty() ? "" : " ") + "[" + Format.tags(v.tags()) + "]";
        }
        out().printf("%-8s %-20s %7d %10s %10s %-12s %-12s %s%n", v.ref().toString().substring(name.length()),
            Format.time(v.createdTime()), v.fileCount(), Format.bytes(v.totalSize()),
            v.rowCount() == null ? "-" : v.rowCount().toString(), v.manifestSha256().substring(0, 12),
            v.author() == null ? "-" : v.author(), message);
      }
      return 0;
    }
  }
}
