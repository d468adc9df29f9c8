package dev.cairn.data.version;

import java.nio.file.Path;

/** What {@code get} restored: the version, where, how many files were written and how many were already there. */
public record GetResult(DatasetVersion version, Path directory, int filesWritten, int filesAlreadyPresent,
    long bytesWritten) {}
