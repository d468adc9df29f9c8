package dev.cairn.cli.data;

import dev.cairn.data.version.AddResult;
import dev.cairn.data.version.DatasetVersion;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

@Command(name = "add", mixinStandardHelpOptions = true,
    description = "Record a file or directory as the next version of a dataset (unchanged content: no new version).")
final class DataAddCommand extends DataSubcommand {
  @Parameters(index = "0", paramLabel = "PATH", description = "File or directory to version.")
  Path path;

  @Option(names = {"--name", "-n"}, required = true, description = "Dataset name.")
  String name;

  @Option(names = {"--message", "-m"}, description = "What changed.")
  String message;

  @Option(names = "--tag", paramLabel = "KEY=VALUE", description = "Tag the version (repeatable).")
  List<String> tags = List.of();

  @Option(names = "--author", description = "Who adds it (default: the OS user).")
  String author = System.getProperty("user.name");

  @Option(names = "--no-progress", description = "Do not draw a progress bar.")
  boolean noProgress;

  @Option(names = "--allow-unparsed",
      description = "Store CSV/TSV/JSONL files that do not parse without statistics, instead of failing.")
  boolean allowUnparsed;

  @Mixin StoreOptions stores;

  @Override
  int run() {
    Map<String, String> tagMap = parseTags(tags);
    try (StoreOptions.Opened s = stores.open()) {
      ProgressBars progress = new ProgressBars(!noProgress);
      AddResult r;
      try {
        r = cancelledOnExit(s.versioning,
            () -> s.add(path, name, message, author, tagMap, progress, allowUnparsed));
      } finally {
        progress.done();
      }
      DatasetVersion v = r.version();
      String what = r.isNew() ? "added" : "unchanged (same content as the newest version)";
      out().printf("%s %s: %s, %s, content sha256 %s%n", v.ref(), what, Format.plural(v.fileCount(), "file"),
          Format.bytes(v.totalSize()), v.manifestSha256());
      out().printf("hashed %s (%s), uploaded %s (%s)%n", Format.plural(r.filesHashed(), "file"),
          Format.bytes(r.bytesHashed()), Format.plural(r.blobsUploaded(), "blob"), Format.bytes(r.bytesUploaded()));
      return 0;
    }
  }

  Map<String, String> parseTags(List<String> tags) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String tag : tags) {
      int eq = tag.indexOf('=');
      if (eq <= 0) {
        throw new ParameterException(spec.commandLine(), "--tag '" + tag + "' has no key; use --tag KEY=VALUE");
      }
      out.put(tag.substring(0, eq), tag.substring(eq + 1));
    }
    return out;
  }
}
