package dev.cairn.data.version;

/**
 * What {@code add} did: the version (new, or the existing one when the content equals the newest version),
 * how many files it had to hash (stat-cache misses) and how many blobs it uploaded.
 */
public record AddResult(DatasetVersion version, boolean isNew, int filesHashed, long bytesHashed,
    int blobsUploaded, long bytesUploaded) {}
