package dev.cairn.data.version;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.nio.file.attribute.FileTime;

/**
 * Remembers the SHA-256 of local files by (absolute path, size, mtime in ns, inode) so an unchanged file is
 * never hashed twice. Any change of size, mtime or inode (an edit, a touch, a replace by rename) misses.
 *
 * <p>Stored as an append-only text file, one entry per line ({@code sha256 TAB size TAB mtimeNs TAB inode TAB
 * path}); the last line for a path wins, and the file is rewritten compactly when it holds more than twice as
 * many lines as live entries. A torn last line (a crash mid-append) is skipped on load.
 */
public final class StatCache {
  /** The directory name the cache lives in; dataset walks skip directories with this name. */
  public static final String DIRECTORY = ".cairn";
  public static final String FILE_NAME = "statcache";

  /** What identifies one version of a file on disk without reading it. */
  public record FileStamp(long size, long mtimeNanos, long inode) {}

  private record Entry(FileStamp stamp, String sha256) {}

  private final Path file;
  private final Map<String, Entry> entries = new HashMap<>();
  private final List<String> pending = new ArrayList<>();
  private int linesOnDisk;

  private StatCache(Path file) {
    this.file = file;
  }

  /** A cache that remembers nothing between runs (for tests and one-off reads). */
  public static StatCache inMemory() {
    return new StatCache(null);
  }

  /** Opens (or starts) the cache at {@code file}, e.g. {@code .cairn/statcache}. */
  public static StatCache open(Path file) {
    StatCache cache = new StatCache(file.toAbsolutePath());
    cache.load();
    return cache;
  }

  /** Opens {@code DIR/.cairn/statcache}. */
  public static StatCache inDirectory(Path dir) {
    return open(dir.resolve(DIRECTORY).resolve(FILE_NAME));
  }

  public Path file() {
    return file;
  }

  /** Reads the stamp of a file: size, mtime in nanoseconds and inode (0 where the platform has none). */
  public static FileStamp stamp(Path path) throws IOException {
    try {
      Map<String, Object> a = Files.readAttributes(path, "unix:size,lastModifiedTime,ino");
      return new FileStamp((Long) a.get("size"), ((FileTime) a.get("lastModifiedTime")).to(TimeUnit.NANOSECONDS),
          (Long) a.get("ino"));
    } catch (UnsupportedOperationException | IllegalArgumentException e) {
      var basic = Files.readAttributes(path, java.nio.file.attribute.BasicFileAttributes.class);
      return new FileStamp(basic.size(), basic.lastModifiedTime().to(TimeUnit.NANOSECONDS), 0);
    }
  }

  /** The remembered hash of {@code path} if its stamp is unchanged, else null. */
  public synchronized String lookup(Path path, FileStamp stamp) {
    Entry e = entries.get(key(path));
    return e != null && e.stamp().equals(stamp) ? e.sha256() : null;
  }

  /** Remembers a hash; written out on {@link #flush}. */
  public synchronized void remember(Path path, FileStamp stamp, String sha256) {
    String key = key(path);
    Entry previous = entries.put(key, new Entry(stamp, sha256));
    if (previous == null || !previous.equals(new Entry(stamp, sha256))) {
      pending.add(sha256 + '\t' + stamp.size() + '\t' + stamp.mtimeNanos() + '\t' + stamp.inode() + '\t'
          + escape(key) + '\n');
    }
  }

  public synchronized int size() {
    return entries.size();
  }

  /** Appends what was remembered since the last flush; compacts the file when it has grown stale. */
  public synchronized void flush() {
    if (file == null || pending.isEmpty()) {
      pending.clear();
      return;
    }
    try {
      Files.createDirectories(file.getParent());
      if (linesOnDisk + pending.size() > 2 * entries.size() + 1000) {
        rewrite();
      } else {
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
            StandardOpenOption.APPEND)) {
          for (String line : pending) {
            w.write(line);
          }
        }
        linesOnDisk += pending.size();
      }
      pending.clear();
    } catch (IOException e) {
      throw new UncheckedIOException("writing stat cache " + file + " failed", e);
    }
  }

  private void rewrite() throws IOException {
    Path tmp = file.resolveSibling(FILE_NAME + ".tmp-" + ProcessHandle.current().pid());
    try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
      for (Map.Entry<String, Entry> e : entries.entrySet()) {
        FileStamp s = e.getValue().stamp();
        w.write(e.getValue().sha256() + '\t' + s.size() + '\t' + s.mtimeNanos() + '\t' + s.inode() + '\t'
            + escape(e.getKey()) + '\n');
      }
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    linesOnDisk = entries.size();
  }

  private void load() {
    if (!Files.isRegularFile(file)) {
      return;
    }
    try (var lines = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      for (String line; (line = lines.readLine()) != null; ) {
        linesOnDisk++;
        String[] f = line.split("\t", 5);
        if (f.length != 5 || f[0].length() != 64) {
          continue; // torn or foreign line
        }
        try {
          entries.put(unescape(f[4]), new Entry(
              new FileStamp(Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3])), f[0]));
        } catch (NumberFormatException e) {
          // torn line: skip
        }
      }
    } catch (IOException e) {
      // An unreadable cache only costs re-hashing.
      entries.clear();
    }
  }

  private static String key(Path path) {
    return path.toAbsolutePath().normalize().toString();
  }

  private static String escape(String s) {
    return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r");
  }

  private static String unescape(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length()) {
        char n = s.charAt(++i);
        out.append(n == 't' ? '\t' : n == 'n' ? '\n' : n == 'r' ? '\r' : n);
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
