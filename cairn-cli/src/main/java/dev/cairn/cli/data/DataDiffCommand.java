package dev.cairn.cli.data;

import dev.cairn.data.version.DatasetDiff;
import dev.cairn.data.version.DatasetRef;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "diff", mixinStandardHelpOptions = true,
    description = "Files added, removed and changed between two versions, and for tables schema and statistics.")
final class DataDiffCommand extends DataSubcommand {
  @Parameters(index = "0", paramLabel = "FROM", description = "e.g. churn@1")
  String from;

  @Parameters(index = "1", paramLabel = "TO", description = "e.g. churn@2 or churn (latest)")
  String to;

  @Mixin StoreOptions stores;

  @Override
  int run() {
    DatasetRef a = ref(from);
    DatasetRef b = ref(to);
    try (StoreOptions.Opened s = stores.openForReading()) {
      DatasetDiff diff = s.versioning.diff(a, b);
      out().print(diff.render());
      return 0;
    }
  }
}
