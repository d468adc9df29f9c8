package dev.cairn.cli.data;

import dev.cairn.data.version.DatasetRef;
import dev.cairn.data.version.GetResult;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "get", mixinStandardHelpOptions = true,
    description = "Restore a dataset version into a directory, checking every file's SHA-256.")
final class DataGetCommand extends DataSubcommand {
  @Parameters(index = "0", paramLabel = "NAME@VERSION", description = "e.g. churn@3, churn@latest or churn.")
  String ref;

  @Parameters(index = "1", arity = "0..1", paramLabel = "DIR", description = "Target directory (default: NAME).")
  Path dir;

  @Option(names = "--no-progress", description = "Do not draw a progress bar.")
  boolean noProgress;

  @Option(names = "--force",
      description = "Overwrite local files whose content differs from the version's (default: refuse, like git).")
  boolean force;

  @Mixin StoreOptions stores;

  @Override
  int run() {
    DatasetRef parsed = ref(ref);
    Path target = dir != null ? dir : Path.of(parsed.name().replace('/', '_'));
    try (StoreOptions.Opened s = stores.open()) {
      ProgressBars progress = new ProgressBars(!noProgress);
      GetResult r;
      try {
        r = cancelledOnExit(s.versioning, () -> s.versioning.get(parsed, target, progress, force));
      } finally {
        progress.done();
      }
      out().printf("%s -> %s: wrote %s (%s), %s already up to date%n", r.version().ref(), target,
          Format.plural(r.filesWritten(), "file"), Format.bytes(r.bytesWritten()), r.filesAlreadyPresent());
      return 0;
    }
  }
}
