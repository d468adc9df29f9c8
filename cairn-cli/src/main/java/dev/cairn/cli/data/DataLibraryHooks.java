package dev.cairn.cli.data;

import dev.cairn.core.CairnException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code validate}, {@code suggest} and {@code drift}: they resolve dataset versions here and hand the stored
 * profiles (suggest, drift) or the hash-checked table files (validate) to dev.cairn.data.{expect,drift}.
 */
final class DataLibraryHooks {
  private DataLibraryHooks() {}

  /** Validates a version's tables against an expectations file (YAML); exit 1 when an error-level check fails. */
  @Command(name = "validate", mixinStandardHelpOptions = true,
      description = "Check a dataset version's tables against an expectations file (exit 1 on a failed error).")
  static final class Validate extends DataSubcommand {
    @Parameters(index = "0", paramLabel = "NAME@VERSION") String ref;
    @Parameters(index = "1", arity = "0..1", paramLabel = "EXPECTATIONS",
        description = "Expectation suite (YAML); or give it with --suite.")
    java.nio.file.Path expectations;

    @picocli.CommandLine.Option(names = "--suite", paramLabel = "FILE", description = "Expectation suite (YAML).")
    java.nio.file.Path suiteOption;

    @picocli.CommandLine.Option(names = "--report", paramLabel = "FILE",
        description = "Also write the ValidationReport of each table as JSON ({\"table\": report, ...}).")
    java.nio.file.Path report;

    @picocli.CommandLine.Option(names = "--table", paramLabel = "PATH",
        description = "Validate only this table file of the version.")
    String table;

    @Mixin StoreOptions stores;

    @Override
    int run() {
      dev.cairn.data.version.DatasetRef parsed = ref(ref);
      if ((expectations == null) == (suiteOption == null)) {
        throw CairnException.invalid("give the expectation suite once: as EXPECTATIONS or with --suite FILE");
      }
      dev.cairn.data.expect.ExpectationSuite suite =
          dev.cairn.data.expect.ExpectationSuite.load(expectations != null ? expectations : suiteOption);
      boolean errors = false;
      try (StoreOptions.Opened s = stores.open()) {
        java.util.Map<String, dev.cairn.data.expect.ValidationReport> reports =
            s.versioning.validate(parsed, suite, table);
        if (report != null) {
          writeReports(reports, report);
        }
        for (java.util.Map.Entry<String, dev.cairn.data.expect.ValidationReport> e : reports.entrySet()) {
          dev.cairn.data.expect.ValidationReport r = e.getValue();
          errors |= r.hasErrors();
          long failed = r.failures().size();
          out().printf("%s: %s (%d rows, %d of %d checks failed)%n", e.getKey(),
              r.success() ? "passed" : r.hasErrors() ? "FAILED" : "passed with warnings", r.rowCount(), failed,
              r.results().size());
          for (dev.cairn.data.expect.ValidationReport.Result f : r.failures()) {
            out().printf("  %-5s %s%s: %s%n", f.expectation().severity().id(), f.expectation().kind().id(),
                f.expectation().column() == null ? "" : " " + f.expectation().column(),
                f.observed() == null ? "failed" : f.observed());
          }
        }
      }
      if (errors) {
        err().println("cairn: validation of " + parsed + " failed");
        return 1;
      }
      return 0;
    }
  }

  /** Writes {"table": report, ...} through a temp file and an atomic rename, so a reader never sees half. */
  private static void writeReports(java.util.Map<String, dev.cairn.data.expect.ValidationReport> reports,
      java.nio.file.Path target) {
    StringBuilder json = new StringBuilder("{");
    boolean first = true;
    for (java.util.Map.Entry<String, dev.cairn.data.expect.ValidationReport> e : reports.entrySet()) {
      json.append(first ? "" : ",").append(dev.cairn.core.Json.write(e.getKey())).append(':')
          .append(e.getValue().toJson());
      first = false;
    }
    json.append('}');
    try {
      java.nio.file.Path dir = target.toAbsolutePath().getParent();
      java.nio.file.Path tmp = java.nio.file.Files.createTempFile(dir, ".report", ".tmp");
      java.nio.file.Files.writeString(tmp, json);
      java.nio.file.Files.move(tmp, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (java.io.IOException e) {
      throw CairnException.invalid("cannot write the report to " + target + ": " + e.getMessage());
    }
  }

  /** Suggests an expectation suite (YAML) from the profile stored with a version. */
  @Command(name = "suggest", mixinStandardHelpOptions = true,
      description = "Suggest expectations (YAML) from a dataset version's stored profile.")
  static final class Suggest extends DataSubcommand {
    @Parameters(index = "0", paramLabel = "NAME@VERSION") String ref;

    @picocli.CommandLine.Option(names = "--table", paramLabel = "PATH",
        description = "The table file to suggest for (needed when the version has several).")
    String table;

    @picocli.CommandLine.Option(names = {"--output", "-o"}, paramLabel = "FILE",
        description = "Write the suite here instead of stdout.")
    java.nio.file.Path output;

    @Mixin StoreOptions stores;

    @Override
    int run() throws java.io.IOException {
      dev.cairn.data.version.DatasetRef parsed = ref(ref);
      try (StoreOptions.Opened s = stores.open()) {
        java.util.Map<String, dev.cairn.data.stats.Profile> profiles = s.versioning.profiles(parsed);
        String chosen = table;
        if (chosen == null) {
          if (profiles.size() != 1) {
            throw CairnException.invalid(parsed + " has " + profiles.size() + " profiled tables "
                + profiles.keySet() + "; pick one with --table PATH");
          }
          chosen = profiles.keySet().iterator().next();
        }
        dev.cairn.data.stats.Profile profile = profiles.get(chosen);
        if (profile == null) {
          throw CairnException.invalid(parsed + " has no profiled table '" + chosen + "'; it has "
              + profiles.keySet());
        }
        String yaml = dev.cairn.data.expect.Suggest.fromProfile(profile, parsed.name() + "/" + chosen).toYaml();
        if (output == null) {
          out().print(yaml);
        } else {
          java.nio.file.Files.writeString(output, yaml);
          out().println("wrote " + output);
        }
      }
      return 0;
    }
  }

  /** Drift between two versions, table by table, from the profiles stored with each version. */
  @Command(name = "drift", mixinStandardHelpOptions = true,
      description = "Drift statistics between two dataset versions (tables with the same path).")
  static final class Drift extends DataSubcommand {
    @Parameters(index = "0", paramLabel = "REFERENCE", description = "e.g. churn@1") String reference;
    @Parameters(index = "1", paramLabel = "CURRENT", description = "e.g. churn (latest)") String current;

    @picocli.CommandLine.Option(names = "--fail-on-drift",
        description = "Exit with 3 when any table shows dataset drift.")
    boolean failOnDrift;

    @picocli.CommandLine.Option(names = "--json", description = "Print {\"table\": DriftReport, ...} as JSON.")
    boolean json;

    @Mixin StoreOptions stores;

    @Override
    int run() {
      dev.cairn.data.version.DatasetRef a = ref(reference);
      dev.cairn.data.version.DatasetRef b = ref(current);
      boolean anyDrift = false;
      try (StoreOptions.Opened s = stores.open()) {
        java.util.Map<String, dev.cairn.data.drift.DriftReport> reports =
            s.versioning.drift(a, b, dev.cairn.data.drift.DriftOptions.DEFAULT);
        if (json) {
          out().println(dev.cairn.core.Json.write(reports));
          anyDrift = reports.values().stream().anyMatch(dev.cairn.data.drift.DriftReport::datasetDrift);
          reports = java.util.Map.of(); // nothing more to print
        }
        for (java.util.Map.Entry<String, dev.cairn.data.drift.DriftReport> e : reports.entrySet()) {
          dev.cairn.data.drift.DriftReport r = e.getValue();
          anyDrift |= r.datasetDrift();
          out().printf(java.util.Locale.ROOT, "%s: %s (%d of %d columns drifted, share %.2f, threshold %.2f)%n",
              e.getKey(), r.datasetDrift() ? "DRIFT" : "no drift", r.driftedColumns(), r.columns().size(),
              r.share(), r.shareThreshold());
          for (dev.cairn.data.drift.ColumnDrift c : r.columns()) {
            out().printf(java.util.Locale.ROOT, "  %-24s %-11s %-20s statistic %.4g%s threshold %.4g%s%n",
                c.column(), c.kind(), c.method(), c.statistic(),
                c.pValue() == null ? "" : String.format(java.util.Locale.ROOT, " p %.3g", c.pValue()),
                c.threshold(), c.drifted() ? "  DRIFT" : "");
          }
        }
      }
      return failOnDrift && anyDrift ? 3 : 0;
    }
  }
}
