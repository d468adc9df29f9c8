package dev.cairn.data.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.CairnException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TableReaderTest {
  @TempDir Path dir;

  private Path write(String name, String text) throws Exception {
    Path file = dir.resolve(name);
    Files.writeString(file, text, StandardCharsets.UTF_8);
    return file;
  }

  @Test
  void csvReadsQuotedFieldsWithEmbeddedDelimitersQuotesAndNewlines() throws Exception {
    Path file = write("a.csv", "id,text\n1,\"a, b\"\n2,\"say \"\"hi\"\"\"\n3,\"two\nlines\"\n4,plain\n");
    List<RowRecord> rows;
    try (TableReader reader = TableReader.open(file)) {
      assertThat(reader.columns()).containsExactly("id", "text");
      rows = reader.readAll();
    }
    assertThat(rows).extracting(r -> r.get("text")).containsExactly("a, b", "say \"hi\"", "two\nlines", "plain");
    assertThat(rows).extracting(RowRecord::line).containsExactly(2L, 3L, 4L, 6L);
  }

  @Test
  void tsvAndCustomDelimiterAreHonoured() throws Exception {
    // a .tsv splits on tabs only: the comma stays inside its field
    Path tsv = write("a.tsv", "x\ty\n1,5\t2\n");
    assertThat(TableReader.open(tsv).readAll().get(0).values()).containsExactly("1,5", "2");
    Path semi = write("b.csv", "x;y\n3;4\n");
    try (TableReader reader = TableReader.open(semi, ReadOptions.of(TableFormat.CSV).withDelimiter(';'))) {
      assertThat(reader.columns()).containsExactly("x", "y");
      assertThat(reader.readAll().get(0).values()).containsExactly("3", "4");
    }
    // without the option the same file is one column: the delimiter really came from the option
    try (TableReader reader = TableReader.open(semi)) {
      assertThat(reader.columns()).containsExactly("x;y");
    }
  }

  @Test
  void raggedRowNamesFileLineAndColumn() throws Exception {
    Path file = write("r.csv", "a,b,c\n1,2,3\n4,5\n");
    assertThatThrownBy(() -> TableReader.open(file).readAll())
        .isInstanceOf(CairnException.class)
        .hasMessageContaining("r.csv").hasMessageContaining("line 3").hasMessageContaining("column 3")
        .hasMessageContaining("2 fields but the header has 3");
  }

  @Test
  void unterminatedQuoteNamesFileLineAndColumn() throws Exception {
    Path file = write("q.csv", "a,b\n1,2\n3,\"open\n5,6\n");
    assertThatThrownBy(() -> TableReader.open(file).readAll())
        .isInstanceOf(CairnException.class)
        .hasMessageContaining("q.csv").hasMessageContaining("line 3").hasMessageContaining("column 2")
        .hasMessageContaining("not terminated");
  }

  @Test
  void invalidUtf8NamesFileAndLine() throws Exception {
    Path file = dir.resolve("u.csv");
    byte[] head = "a,b\n1,2\n3,".getBytes(StandardCharsets.UTF_8);
    byte[] bad = {(byte) 0xC3, (byte) 0x28, '\n'};
    byte[] all = new byte[head.length + bad.length];
    System.arraycopy(head, 0, all, 0, head.length);
    System.arraycopy(bad, 0, all, head.length, bad.length);
    Files.write(file, all);
    assertThatThrownBy(() -> TableReader.open(file).readAll())
        .isInstanceOf(CairnException.class)
        .hasMessageContaining("u.csv").hasMessageContaining("line 3").hasMessageContaining("column 3")
        .hasMessageContaining("UTF-8");
  }

  @Test
  void duplicateHeaderIsRejected() throws Exception {
    Path file = write("d.csv", "a,a\n1,2\n");
    assertThatThrownBy(() -> TableReader.open(file)).hasMessageContaining("'a' appears twice");
  }

  @Test
  void jsonLinesYieldsValuesByKeyWithNullsAndNestedJson() throws Exception {
    Path file = write("a.jsonl", "{\"x\": 1, \"s\": \"hi\"}\n\n{\"s\": null, \"x\": 2.5, \"o\": {\"k\": [1,2]}}\n");
    List<RowRecord> rows = TableReader.open(file).readAll();
    assertThat(rows).hasSize(2);
    assertThat(rows.get(0).get("x")).isEqualTo("1");
    assertThat(rows.get(0).get("s")).isEqualTo("hi");
    assertThat(rows.get(1).line()).isEqualTo(3);
    assertThat(rows.get(1).get("s")).isNull();
    assertThat(rows.get(1).get("x")).isEqualTo("2.5");
    assertThat(rows.get(1).get("o")).isEqualTo("{\"k\": [1,2]}");
  }

  @Test
  void badJsonLineNamesFileLineAndColumn() throws Exception {
    Path file = write("b.jsonl", "{\"x\": 1}\n{\"x\": tru}\n");
    assertThatThrownBy(() -> TableReader.open(file).readAll())
        .isInstanceOf(CairnException.class)
        .hasMessageContaining("file '" + file + "' line 2 column 7:").hasMessageContaining("invalid JSON");
  }

  @Test
  void rowViewExposesCharSlicesWithoutCopy() throws Exception {
    Path file = write("c.csv", "a,b\nxy,z\nuv,w\n");
    try (TableReader reader = TableReader.open(file)) {
      Row row = reader.next();
      char[] buffer = row.chars();
      // both cells are slices of one shared buffer, not strings of their own
      assertThat(new String(buffer, row.start(0), row.length(0))).isEqualTo("xy");
      assertThat(new String(buffer, row.start(1), row.length(1))).isEqualTo("z");
      assertThat(row.start(1)).isGreaterThanOrEqualTo(row.start(0) + row.length(0));
      // the next row reuses the same buffer: nothing was copied out for the first
      Row next = reader.next();
      assertThat(next.chars()).isSameAs(buffer);
      assertThat(new String(next.chars(), next.start(0), next.length(0))).isEqualTo("uv");
      assertThat(reader.next()).isNull();
    }
  }

  @Test
  void recordsIteratorYieldsImmutableRowsLazily() throws Exception {
    // line 5 is ragged: the iterator looks one row ahead (for hasNext), so a reader that read further, or read
    // everything first, would fail before handing out the first two rows
    Path file = write("i.csv", "a,b\n1,2\n3,4\n5,6\n7\n");
    try (TableReader reader = TableReader.open(file)) {
      java.util.Iterator<RowRecord> it = reader.records();
      RowRecord first = it.next();
      RowRecord second = it.next();
      assertThat(first.values()).containsExactly("1", "2");
      assertThat(second.get("b")).isEqualTo("4");
      assertThatThrownBy(() -> first.values().set(0, "changed")).isInstanceOf(UnsupportedOperationException.class);
      assertThat(first.values()).containsExactly("1", "2"); // the second row did not overwrite the first
      assertThatThrownBy(() -> {
        it.next();
        it.next();
      }).isInstanceOf(CairnException.class).hasMessageContaining("line 5");
    }
    Path ok = write("j.csv", "a\n1\n");
    try (TableReader reader = TableReader.open(ok)) {
      java.util.Iterator<RowRecord> it = reader.records();
      it.next();
      assertThat(it.hasNext()).isFalse();
      assertThatThrownBy(it::next).isInstanceOf(java.util.NoSuchElementException.class);
    }
  }
}
