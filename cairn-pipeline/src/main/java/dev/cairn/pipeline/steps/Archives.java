package dev.cairn.pipeline.steps;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * A folder as one step output: a zip with its files in path order and a fixed time on every entry, so the same
 * folder always makes the same bytes (and the same hash, which the step cache and bundle ids rely on). Unpacking
 * refuses entries that would land outside the target folder.
 */
final class Archives {
  /** 1980-01-01, the earliest time a zip entry can hold. */
  private static final FileTime FIXED = FileTime.fromMillis(315_532_800_000L);
  /** Unpacking stops past this many bytes: a step output is a model bundle, not a dataset. */
  static final long MAX_UNPACKED = 8L << 30;

  private Archives() {}

  static void zip(Path dir, Path archive) throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(dir)) {
      files = walk.filter(Files::isRegularFile).sorted().toList();
    }
    try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(archive))) {
      for (Path f : files) {
        ZipEntry e = new ZipEntry(dir.relativize(f).toString().replace('\\', '/'));
        e.setLastModifiedTime(FIXED);
        e.setCreationTime(FIXED);
        e.setLastAccessTime(FIXED);
        zip.putNextEntry(e);
        Files.copy(f, zip);
        zip.closeEntry();
      }
    }
  }

  static void unzip(Path archive, Path dir) throws IOException {
    Path root = dir.toAbsolutePath().normalize();
    long total = 0;
    try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(archive))) {
      for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
        Path target = root.resolve(e.getName()).normalize();
        if (!target.startsWith(root) || target.equals(root)) {
          throw new CairnException(ErrorCode.INVALID_PARAMETER_VALUE, "archive " + archive.getFileName()
              + " has entry '" + e.getName() + "' outside its folder; refused");
        }
        if (e.isDirectory()) {
          Files.createDirectories(target);
          continue;
        }
        Files.createDirectories(target.getParent());
        try (OutputStream out = Files.newOutputStream(target)) {
          total += copy(zip, out, MAX_UNPACKED - total);
        }
      }
    }
  }

  private static long copy(InputStream in, OutputStream out, long budget) throws IOException {
    byte[] buffer = new byte[1 << 16];
    long n = 0;
    for (int r = in.read(buffer); r >= 0; r = in.read(buffer)) {
      n += r;
      if (n > budget) {
        throw new CairnException(ErrorCode.INVALID_PARAMETER_VALUE, "archive unpacks to more than "
            + (MAX_UNPACKED >> 30) + " GiB; refused");
      }
      out.write(buffer, 0, r);
    }
    return n;
  }
}
