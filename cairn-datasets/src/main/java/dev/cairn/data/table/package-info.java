/**
 * Streaming table readers: CSV/TSV (RFC 4180 via FastCSV, header row, strict UTF-8) and JSON Lines (Jackson
 * streaming). {@link dev.cairn.data.table.TableReader} yields reused {@link dev.cairn.data.table.Row} views
 * whose values can be read as char slices, so higher layers parse each cell once without allocating. Malformed
 * input fails with a {@link dev.cairn.core.CairnException} naming file, line and column.
 */
package dev.cairn.data.table;
