package dev.cairn.ml.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.CairnException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FrameTest {
  @TempDir Path dir;

  private Path csv(String text) throws IOException {
    Path file = dir.resolve("t.csv");
    Files.writeString(file, text);
    return file;
  }

  @Test
  void readInfersNumericAndCategoricalColumnsWithMissingValues() throws IOException {
    Frame f = Frame.read(csv("age,plan,score,zip\n41,basic,1.5,0101\nNA,,2e1,0102\n7,pro,,abc\n"));
    assertThat(f.rowCount()).isEqualTo(3);
    assertThat(f.schema()).containsExactly(Map.entry("age", ColumnType.NUMERIC), Map.entry("plan", ColumnType.CATEGORICAL),
        Map.entry("score", ColumnType.NUMERIC), Map.entry("zip", ColumnType.CATEGORICAL));
    assertThat(f.numeric("age")).containsExactly(41.0, Double.NaN, 7.0);
    assertThat(f.strings("plan")).containsExactly("basic", null, "pro");
    assertThat(f.numeric("score")).containsExactly(1.5, 20.0, Double.NaN);
    assertThat(f.strings("zip")).containsExactly("0101", "0102", "abc");
    assertThat(f.column("age").isMissing(1)).isTrue();
    assertThat(f.row(1)).containsEntry("age", null).containsEntry("score", 20.0);
  }

  @Test
  void declaredTypesWinAndANonNumberInADeclaredNumericColumnNamesLineAndColumn() throws IOException {
    Path file = csv("code,x\n1,2\n2,3\n");
    Frame f = Frame.read(file, Map.of("code", ColumnType.CATEGORICAL));
    assertThat(f.strings("code")).containsExactly("1", "2");
    Path bad = Files.writeString(dir.resolve("bad.csv"), "x\n1\nfoo\n");
    assertThatThrownBy(() -> Frame.read(bad, Map.of("x", ColumnType.NUMERIC)))
        .isInstanceOf(CairnException.class).hasMessageContaining("line 3").hasMessageContaining("'x'")
        .hasMessageContaining("'foo'");
    assertThatThrownBy(() -> Frame.read(file, Map.of("nope", ColumnType.NUMERIC)))
        .hasMessageContaining("'nope'").hasMessageContaining("[code, x]");
  }

  @Test
  void readsJsonLines() throws IOException {
    Path file = dir.resolve("t.jsonl");
    Files.writeString(file, "{\"a\":1,\"b\":\"x\"}\n{\"a\":2.5,\"c\":\"late\"}\n");
    Frame f = Frame.read(file);
    assertThat(f.numeric("a")).containsExactly(1.0, 2.5);
    assertThat(f.strings("b")).containsExactly("x", null);
    assertThat(f.strings("c")).containsExactly(null, "late");
  }

  @Test
  void takeSelectsRowsInOrderAndSelectKeepsColumnOrder() {
    Frame f = new Frame(List.of(new NumericColumn("x", new double[] {10, 11, 12}),
        new StringColumn("s", new String[] {"a", "b", "c"})));
    Frame t = f.take(new int[] {2, 0, 2});
    assertThat(t.numeric("x")).containsExactly(12, 10, 12);
    assertThat(t.strings("s")).containsExactly("c", "a", "c");
    assertThat(f.select(List.of("s", "x")).columnNames()).containsExactly("s", "x");
    assertThat(f.drop(List.of("x")).columnNames()).containsExactly("s");
    assertThatThrownBy(() -> f.take(new int[] {3})).hasMessageContaining("row index 3");
    assertThatThrownBy(() -> f.column("y")).hasMessageContaining("'y'").hasMessageContaining("[x, s]");
  }

  @Test
  void framesRejectUnequalLengthsAndDuplicateNames() {
    assertThatThrownBy(() -> new Frame(List.of(new NumericColumn("x", new double[2]), new NumericColumn("y", new double[3]))))
        .hasMessageContaining("'y' has 3 rows");
    assertThatThrownBy(() -> new Frame(List.of(new NumericColumn("x", new double[1]), new StringColumn("x", new String[1]))))
        .hasMessageContaining("'x' appears twice");
  }

  @Test
  void fromRowsTypesValuesByTheSchemaAndNamesTheBadCell() {
    Map<String, Object> second = new HashMap<>();
    second.put("age", null);
    second.put("plan", true);
    Frame f = Frame.fromRows(List.of(Map.of("age", 3, "plan", "basic", "extra", "ignored"), second, Map.of()),
        new java.util.LinkedHashMap<>(Map.of("age", ColumnType.NUMERIC, "plan", ColumnType.CATEGORICAL)));
    assertThat(f.numeric("age")).containsExactly(3.0, Double.NaN, Double.NaN);
    assertThat(Arrays.asList(f.strings("plan"))).containsExactly("basic", "true", null);
    assertThatThrownBy(() -> Frame.fromRows(List.of(Map.of("age", "old")), Map.of("age", ColumnType.NUMERIC)))
        .isInstanceOf(CairnException.class).hasMessageContaining("row 0 column 'age' must be a number, got string 'old'");
    assertThatThrownBy(() -> Frame.fromRows(List.of(Map.of("plan", 1.5)), Map.of("plan", ColumnType.CATEGORICAL)))
        .hasMessageContaining("column 'plan' must be a string");
  }

  @Test
  void readsAHundredThousandRowsIntoSharedCategoryStrings() throws IOException {
    StringBuilder sb = new StringBuilder("x,plan\n");
    for (int i = 0; i < 100_000; i++) {
      sb.append(i * 0.5).append(',').append(i % 3 == 0 ? "basic" : "pro").append('\n');
    }
    Frame f = Frame.read(csv(sb.toString()));
    assertThat(f.rowCount()).isEqualTo(100_000);
    assertThat(f.numeric("x")[99_999]).isEqualTo(49_999.5);
    assertThat(f.strings("plan")[0]).isSameAs(f.strings("plan")[3]);
  }
}
