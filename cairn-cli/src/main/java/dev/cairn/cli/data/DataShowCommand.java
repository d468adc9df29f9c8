package dev.cairn.cli.data;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.core.CairnException;
import dev.cairn.core.Json;
import dev.cairn.data.schema.ColumnSchema;
import dev.cairn.data.stats.ColumnProfile;
import dev.cairn.data.stats.Profile;
import dev.cairn.data.version.DatasetVersion;
import dev.cairn.data.version.ManifestEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "show", mixinStandardHelpOptions = true,
    description = "Show one version and its files; with --table, a table's column statistics and quantiles.")
final class DataShowCommand extends DataSubcommand {
  @Parameters(index = "0", paramLabel = "NAME@VERSION")
  String ref;

  @Option(names = "--table", paramLabel = "PATH", description = "Print the column statistics of this table file.")
  String table;

  @Option(names = "--quantiles", paramLabel = "Q", split = ",",
      description = "Quantiles to print with --table, from the stored sketch (default: 0.1,0.5,0.9).")
  List<Double> quantiles = List.of(0.1, 0.5, 0.9);

  @Option(names = "--json", description = "Print the version, its files and its table profiles as JSON.")
  boolean json;

  @Mixin StoreOptions stores;

  @Override
  int run() {
    for (double q : quantiles) {
      if (!(q >= 0 && q <= 1)) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
            "--quantiles " + q + " is outside [0, 1]");
      }
    }
    try (StoreOptions.Opened s = stores.openForReading()) {
      DatasetVersion v = s.versioning.show(ref(ref));
      List<ManifestEntry> files = s.versioning.readManifest(v).files();
      Map<String, Profile> profiles = s.versioning.profiles(v.ref());
      if (table != null && !profiles.containsKey(table)) {
        throw CairnException.invalid(v.ref() + " has no profiled table '" + table + "'; it has " + profiles.keySet());
      }
      if (json) {
        printJson(v, files, profiles);
        return 0;
      }
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
      for (ManifestEntry e : files) {
        out().printf("  %s  %10s  %s%n", e.sha256().substring(0, 12), Format.bytes(e.size()), e.path());
      }
      if (table != null) {
        printColumns(table, profiles.get(table));
      }
      return 0;
    }
  }

  private void printColumns(String path, Profile p) {
    out().printf("%s: %d rows%n", path, p.rowCount());
    StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "  %-20s %-11s %8s %8s %8s %10s",
        "COLUMN", "TYPE", "COUNT", "MISSING", "DISTINCT", "MEAN"));
    for (double q : quantiles) {
      header.append(String.format(Locale.ROOT, " %10s", "p" + Format.percent(q)));
    }
    out().println(header);
    for (ColumnProfile c : p.columns()) {
      String type = p.schema().column(c.name()).map(ColumnSchema::type).map(t -> t.name().toLowerCase(Locale.ROOT))
          .orElse("-");
      StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %-20s %-11s %8d %8d %8d %10s", c.name(),
          type, c.count(), c.missing(), c.distinct(), c.mean() == null ? "-" : Format.number(c.mean())));
      for (double q : quantiles) {
        line.append(String.format(Locale.ROOT, " %10s", c.numericCount() == 0 ? "-" : Format.number(c.quantile(q))));
      }
      out().println(line);
    }
  }

  private void printJson(DatasetVersion v, List<ManifestEntry> files, Map<String, Profile> profiles) {
    ObjectNode root = Json.MAPPER.createObjectNode();
    ObjectNode version = Json.MAPPER.valueToTree(v);
    version.remove(List.of("schemaJson", "profileJson"));
    root.set("version", version);
    root.set("files", Json.MAPPER.valueToTree(files));
    ObjectNode tables = root.putObject("tables");
    List<String> chosen = new ArrayList<>(table == null ? profiles.keySet() : List.of(table));
    for (String path : chosen) {
      Profile p = profiles.get(path);
      ObjectNode t = Json.MAPPER.valueToTree(p);
      ObjectNode requested = t.putObject("requestedQuantiles");
      for (ColumnProfile c : p.columns()) {
        if (c.numericCount() > 0) {
          ObjectNode qs = requested.putObject(c.name());
          for (double q : quantiles) {
            qs.put(Double.toString(q), c.quantile(q));
          }
        }
      }
      tables.set(path, t);
    }
    out().println(Json.write(root));
  }
}
