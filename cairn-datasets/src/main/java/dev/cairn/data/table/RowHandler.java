package dev.cairn.data.table;

/** Receives rows one at a time from {@link TableReader#forEach(RowHandler)}; the row is only valid during the call. */
@FunctionalInterface
public interface RowHandler {
  void row(Row row);
}
