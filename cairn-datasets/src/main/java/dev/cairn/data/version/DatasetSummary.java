package dev.cairn.data.version;

/** A dataset name with its newest version, as listings show it. */
public record DatasetSummary(String name, int latestVersion, long creationTime, long lastUpdateTime,
    String latestManifestSha256, long latestTotalSize, int latestFileCount) {}
