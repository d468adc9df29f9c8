package dev.cairn.cli.data;

import dev.cairn.data.version.GcResult;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

@Command(name = "gc", mixinStandardHelpOptions = true,
    description = "Delete dataset blobs that no version references (left by interrupted adds), after a grace period.")
final class DataGcCommand extends DataSubcommand {
  @Option(names = "--grace", paramLabel = "DURATION", defaultValue = "1h",
      description = "Keep a blob until gc has seen it unreferenced this long: 0, 90s, 30m, 1h, 2d (default: ${DEFAULT-VALUE}).")
  String grace;

  @Option(names = "--dry-run", description = "Only report what would be deleted.")
  boolean dryRun;

  @Mixin StoreOptions stores;

  @Override
  int run() {
    Duration period = parseDuration(grace);
    try (StoreOptions.Opened s = stores.open()) {
      GcResult r = s.versioning.gc(period, dryRun);
      out().printf("%s %s (%s); kept %d referenced, %d held by adds in progress, %d waiting for the grace period%n",
          dryRun ? "would delete" : "deleted", Format.plural(r.removed().size(), "blob"), Format.bytes(r.removedBytes()),
          r.referenced(), r.leased(), r.waiting());
      return 0;
    }
  }

  Duration parseDuration(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    try {
      if (t.equals("0")) {
        return Duration.ZERO;
      }
      if (t.startsWith("p")) {
        return Duration.parse(t.toUpperCase(Locale.ROOT));
      }
      long n = Long.parseLong(t.substring(0, t.length() - 1));
      Duration d = switch (t.charAt(t.length() - 1)) {
        case 's' -> Duration.ofSeconds(n);
        case 'm' -> Duration.ofMinutes(n);
        case 'h' -> Duration.ofHours(n);
        case 'd' -> Duration.ofDays(n);
        default -> null;
      };
      if (d != null && !d.isNegative()) {
        return d;
      }
    } catch (NumberFormatException | DateTimeParseException | StringIndexOutOfBoundsException e) {
      // fall through to the usage error
    }
    throw new ParameterException(spec.commandLine(), "--grace '" + text
        + "' is not a duration; use 0 or a number with s, m, h or d (e.g. 30m)");
  }
}
