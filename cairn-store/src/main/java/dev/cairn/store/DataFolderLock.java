package dev.cairn.store;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.Properties;

/**
 * The lock that makes one process the owner of a data folder's SQLite database. A server holds it for its
 * whole life and writes its pid and URL into the lock file once it listens; a second server is refused at
 * start with a message naming that holder, and the CLI reads the holder to send its writes through the
 * running server instead of opening the database itself.
 *
 * <p>The lock is an OS advisory lock ({@link FileChannel#tryLock}) on {@code <folder>/cairn.lock}: the OS
 * drops it when the process dies, even on SIGKILL, so a stale file never blocks a restart.
 */
public final class DataFolderLock implements AutoCloseable {
  /** The lock file's name inside the data folder. */
  public static final String FILE_NAME = "cairn.lock";

  /** The process holding a data folder: its pid and, once it listens, its base URL (null before). */
  public record Holder(long pid, String url) {}

  private final Path file;
  private final FileChannel channel;
  private final FileLock lock;

  private DataFolderLock(Path file, FileChannel channel, FileLock lock) {
    this.file = file;
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * The data folder a SQLite backend URI keeps its database in (the database file's parent), or empty for
   * backends that need no folder lock (PostgreSQL serves many processes by design).
   */
  public static Optional<Path> folderOf(String backendStoreUri) {
    return MetadataStores.sqlitePath(backendStoreUri)
        .map(p -> p.toAbsolutePath().normalize().getParent());
  }

  /**
   * Takes the folder's lock for this process, creating the folder if needed.
   *
   * @throws CairnException {@code CONFLICT} naming the holder's pid and URL when another process holds it
   */
  public static DataFolderLock acquire(Path folder) {
    Path dir = folder.toAbsolutePath().normalize();
    Path file = dir.resolve(FILE_NAME);
    FileChannel channel = null;
    try {
      Files.createDirectories(dir);
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException sameJvm) {
        lock = null;
      }
      if (lock == null) {
        channel.close();
        throw inUse(dir, readHolderFile(file));
      }
      DataFolderLock held = new DataFolderLock(file, channel, lock);
      held.write(new Holder(ProcessHandle.current().pid(), null));
      return held;
    } catch (IOException e) {
      closeQuietly(channel);
      throw new CairnException(ErrorCode.INTERNAL_ERROR, "cannot lock data folder " + dir + ": " + e.getMessage(), e);
    }
  }

  /** Records the URL this process serves the folder at, so the CLI can find it. */
  public void publish(String url) {
    try {
      write(new Holder(ProcessHandle.current().pid(), url));
    } catch (IOException e) {
      throw new CairnException(ErrorCode.INTERNAL_ERROR, "cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * The process that holds the folder's lock now, if any. A lock file left by a dead process is not a
   * holder: the OS released its lock.
   */
  public static Optional<Holder> holder(Path folder) {
    Path file = folder.toAbsolutePath().normalize().resolve(FILE_NAME);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      FileLock probe;
      try {
        probe = channel.tryLock();
      } catch (OverlappingFileLockException sameJvm) {
        return Optional.of(readHolderFile(file));
      }
      if (probe != null) {
        probe.release();
        return Optional.empty();
      }
      Holder written = readHolderFile(file);
      boolean earlier = written.pid() == ProcessHandle.current().pid()
          || (written.pid() > 0 && !ProcessHandle.of(written.pid()).map(ProcessHandle::isAlive).orElse(false));
      // a new holder has taken the lock but not yet written itself over its predecessor's pid and URL
      return Optional.of(earlier ? new Holder(-1, null) : written);
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private void write(Holder holder) throws IOException {
    String text = "pid=" + holder.pid() + "\n" + (holder.url() == null ? "" : "url=" + holder.url() + "\n");
    channel.truncate(0);
    channel.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), 0);
    channel.force(true);
  }

  private static Holder readHolderFile(Path file) {
    Properties p = new Properties();
    try {
      p.load(new StringReader(Files.readString(file, StandardCharsets.UTF_8)));
    } catch (IOException | IllegalArgumentException e) {
      return new Holder(-1, null);
    }
    long pid;
    try {
      pid = Long.parseLong(p.getProperty("pid", "-1").trim());
    } catch (NumberFormatException e) {
      pid = -1;
    }
    String url = p.getProperty("url");
    return new Holder(pid, url == null || url.isBlank() ? null : url.trim());
  }

  private static CairnException inUse(Path dir, Holder h) {
    String who = (h.pid() > 0 ? "pid " + h.pid() : "another process")
        + (h.url() != null ? " serving " + h.url() : "");
    return new CairnException(ErrorCode.CONFLICT, "data folder " + dir + " is in use by a Cairn server (" + who
        + "); stop it, or give this one another --backend-store-uri");
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // nothing more to release
      }
    }
  }

  /** Releases the lock; the file stays (its content is only read while the lock is held). */
  @Override
  public void close() {
    try {
      lock.release();
    } catch (IOException ignored) {
      // closing the channel releases it too
    }
    closeQuietly(channel);
  }
}
