package dev.cairn.cli.data;

import dev.cairn.data.version.LibraryTableProfiler;
import dev.cairn.data.version.TableProfiler;

/** The table profiler the data commands use: the streaming profiler of dev.cairn.data.stats. */
public final class TableProfilers {
  private TableProfilers() {}

  public static TableProfiler available() {
    return LibraryTableProfiler.INSTANCE;
  }
}
