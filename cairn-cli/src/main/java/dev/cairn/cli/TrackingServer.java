package dev.cairn.cli;

import dev.cairn.client.CairnClient;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The --tracking-uri option of the command groups that talk to a tracking server (experiments, runs,
 * artifacts), inherited by their subcommands; {@code server} and {@code data} do not take it.
 */
final class TrackingServer {
  static final String DESCRIPTION = "Tracking server URL (default: " + CairnClient.DEFAULT_TRACKING_URI + ").";

  @Option(names = "--tracking-uri", scope = ScopeType.INHERIT, paramLabel = "URI", description = DESCRIPTION)
  String uri;
}
