package dev.cairn.serving.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.ml.bundle.InputField;
import dev.cairn.ml.bundle.OutputSchema;
import dev.cairn.ml.frame.ColumnType;
import dev.cairn.ml.train.Task;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Any rows written in any request format decode to the same rows. */
class CodecRoundTripTest {
  static final List<InputField> SCHEMA = List.of(new InputField("x", ColumnType.NUMERIC, null),
      new InputField("city name", ColumnType.CATEGORICAL, null), new InputField("y", ColumnType.NUMERIC, null));
  static final OutputSchema OUTPUT = new OutputSchema("t", Task.REGRESSION, List.of(), false);

  @Provide
  Arbitrary<List<Map<String, Object>>> rows() {
    Arbitrary<Double> numbers = Arbitraries.oneOf(Arbitraries.doubles(), Arbitraries.doubles().between(-1e6, 1e6)
        .ofScale(2), Arbitraries.of(0.0, -0.0, Double.MAX_VALUE, Double.MIN_VALUE, -1e-300)).injectNull(0.1);
    // text of any characters, but not one of the CSV missing-value tokens nor padded with spaces
    Arbitrary<String> text = Arbitraries.strings().ofMinLength(1).ofMaxLength(20)
        .filter(s -> !List.of("NA", "N/A", "null", "NULL", "NaN", "nan", "None")
            .contains(s) && !s.isBlank() && s.strip().equals(s))
        .injectNull(0.1);
    Arbitrary<Map<String, Object>> row = Combinators.combine(numbers, text, numbers).as((x, c, y) -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("x", x);
      m.put("city name", c);
      m.put("y", y);
      return m;
    });
    return row.list().ofMinSize(1).ofMaxSize(30);
  }

  @Property(tries = 200)
  void everyFormatDecodesToTheRowsItWasWrittenFrom(@ForAll("rows") List<Map<String, Object>> rows) {
    OipCodec oip = new OipCodec(SCHEMA, OUTPUT, Limits.DEFAULT);
    MlflowCodec mlflow = new MlflowCodec(SCHEMA, Limits.DEFAULT);
    List<List<Map<String, Object>>> decoded = new ArrayList<>();
    decoded.add(oip.decode(RequestBodies.oipColumns(SCHEMA, rows, false)).rows());
    decoded.add(oip.decode(RequestBodies.oipColumns(SCHEMA, rows, true)).rows());
    decoded.add(oip.decode(RequestBodies.oipMatrix(SCHEMA, rows, false)).rows());
    decoded.add(mlflow.decode("application/json", RequestBodies.dataframeSplit(SCHEMA, rows)).rows());
    decoded.add(mlflow.decode("application/json", RequestBodies.records("dataframe_records", rows)).rows());
    decoded.add(mlflow.decode("application/json", RequestBodies.records("instances", rows)).rows());
    decoded.add(mlflow.decode("application/json", RequestBodies.tensorRows("inputs", SCHEMA, rows)).rows());
    decoded.add(mlflow.decode("application/json", RequestBodies.columnar("inputs", SCHEMA, rows)).rows());
    decoded.add(mlflow.decode("text/csv", RequestBodies.csv(SCHEMA, rows)).rows());
    for (int format = 0; format < decoded.size(); format++) {
      assertThat(decoded.get(format)).as("format %d", format).isEqualTo(rows);
    }
  }
}
