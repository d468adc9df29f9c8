package dev.cairn.data.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.CairnException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchemaTest {
  @TempDir Path dir;

  @Test
  void yamlSchemaLoadsWithDefaults() throws Exception {
    Path file = dir.resolve("s.yaml");
    Files.writeString(file, "columns:\n  - name: age\n    type: integer\n    nullable: false\n    min: 0\n    max: 120\n"
        + "  - name: colour\n    type: categorical\n    domain: [red, blue]\n");
    Schema s = SchemaYaml.load(file);
    assertThat(s.column("age").orElseThrow()).isEqualTo(new ColumnSchema("age", DataType.INTEGER, false, null, 0.0, 120.0));
    assertThat(s.column("colour").orElseThrow().nullable()).isTrue();
    assertThat(SchemaYaml.parse(SchemaYaml.write(s), "again")).isEqualTo(s);
  }

  @Test
  void unknownTypeNamesFileLineAndKey() throws Exception {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(file, "columns:\n  - name: age\n    type: integer\n  - name: x\n    type: intger\n");
    assertThatThrownBy(() -> SchemaYaml.load(file))
        .isInstanceOf(CairnException.class)
        .hasMessageContaining("bad.yaml").hasMessageContaining("line 5").hasMessageContaining("columns[1].type")
        .hasMessageContaining("intger");
  }

  @Test
  void unknownKeyNamesFileLineAndKey() {
    assertThatThrownBy(() -> SchemaYaml.parse("columns:\n  - name: a\n    type: float\n    nulable: true\n", "k.yaml"))
        .hasMessageContaining("k.yaml").hasMessageContaining("line 4").hasMessageContaining("nulable");
  }

  @Test
  void inferenceSeparatesCategoricalFromFreeText() {
    SchemaInference inference = SchemaInference.DEFAULT;
    ColumnEvidence few = new ColumnEvidence("c", 100, 0, 0, 0, 0, 0, 100, 3, List.of("b", "a", "c"), null, null);
    ColumnEvidence many = new ColumnEvidence("t", 100, 0, 0, 0, 0, 0, 100, 90, null, null, null);
    ColumnEvidence ratio = new ColumnEvidence("r", 10, 0, 0, 0, 0, 0, 10, 8, List.of("a"), null, null);
    assertThat(inference.infer(few).type()).isEqualTo(DataType.CATEGORICAL);
    assertThat(inference.infer(few).domain()).containsExactly("a", "b", "c");
    assertThat(inference.infer(many).type()).isEqualTo(DataType.TEXT);
    assertThat(inference.infer(ratio).type()).isEqualTo(DataType.TEXT);
    ColumnEvidence mixed = new ColumnEvidence("m", 10, 2, 9, 0, 0, 0, 1, 10, null, 1.0, 9.0);
    assertThat(inference.infer(mixed).type()).isEqualTo(DataType.TEXT);
    assertThat(inference.infer(mixed).nullable()).isTrue();
    ColumnEvidence floats = new ColumnEvidence("f", 10, 0, 5, 5, 0, 0, 0, 10, null, 1.0, 9.0);
    assertThat(inference.infer(floats)).isEqualTo(new ColumnSchema("f", DataType.FLOAT, false, null, 1.0, 9.0));
  }

  @Test
  void diffReportsAddedRemovedTypeAndDomainChanges() {
    Schema before = new Schema(List.of(
        new ColumnSchema("a", DataType.INTEGER, false, null, null, null),
        new ColumnSchema("b", DataType.CATEGORICAL, true, List.of("x", "y"), null, null),
        new ColumnSchema("gone", DataType.TEXT, true, null, null, null)));
    Schema after = new Schema(List.of(
        new ColumnSchema("a", DataType.FLOAT, true, null, null, null),
        new ColumnSchema("b", DataType.CATEGORICAL, true, List.of("y", "z"), null, null),
        new ColumnSchema("new", DataType.BOOLEAN, true, null, null, null)));
    SchemaDiff diff = SchemaDiff.between(before, after);
    assertThat(diff.changes()).containsExactly(
        new SchemaDiff.Change("a", SchemaDiff.Kind.TYPE_CHANGED, "integer", "float", null, null),
        new SchemaDiff.Change("a", SchemaDiff.Kind.NULLABILITY_CHANGED, "false", "true", null, null),
        new SchemaDiff.Change("b", SchemaDiff.Kind.DOMAIN_CHANGED, null, null, List.of("z"), List.of("x")),
        new SchemaDiff.Change("gone", SchemaDiff.Kind.REMOVED, "text", null, null, null),
        new SchemaDiff.Change("new", SchemaDiff.Kind.ADDED, null, "boolean", null, null));
    assertThat(diff.toJson()).contains("\"kind\":\"TYPE_CHANGED\"").contains("\"addedValues\":[\"z\"]");
    assertThat(SchemaDiff.between(before, before).isEmpty()).isTrue();
  }
}
