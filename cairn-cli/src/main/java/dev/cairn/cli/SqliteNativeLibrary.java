package dev.cairn.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Copies the SQLite driver's native library for this platform out of the jar, once per build, for the {@code cairn}
 * launcher: left to itself the driver writes its ~1 MiB library to a new temporary file in every process that opens
 * a database (about 60 ms of CPU each time); given {@code -Dorg.sqlite.lib.path} and {@code -Dorg.sqlite.lib.name}
 * it loads this copy instead. Not a user command. Usage: {@code SqliteNativeLibrary DIR}; prints the file's name.
 */
public final class SqliteNativeLibrary {
  private SqliteNativeLibrary() {}

  public static void main(String[] args) throws IOException {
    System.out.println(extract(Path.of(args[0])).getFileName());
  }

  /** Writes the library into {@code dir} (under a temporary name, then renamed) and returns its path. */
  static Path extract(Path dir) throws IOException {
    String name = System.mapLibraryName("sqlitejdbc");
    String resource = "/org/sqlite/native/" + org.sqlite.util.OSInfo.getNativeLibFolderPathForCurrentOS() + "/" + name;
    try (InputStream in = SqliteNativeLibrary.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException("the jar has no SQLite library for this platform (" + resource + ")");
      }
      Files.createDirectories(dir);
      Path partial = Files.createTempFile(dir, "." + name, ".partial"); // hidden: the launcher's glob skips it
      try {
        Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
        return Files.move(partial, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
      } finally {
        Files.deleteIfExists(partial);
      }
    }
  }
}
