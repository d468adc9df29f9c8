package dev.cairn.client;

/**
 * One entry of a run's artifact listing: its path relative to the run's artifact root, whether it is a
 * directory, and its size in bytes (null for directories).
 */
public record ArtifactFile(String path, boolean isDir, Long fileSize) {}
