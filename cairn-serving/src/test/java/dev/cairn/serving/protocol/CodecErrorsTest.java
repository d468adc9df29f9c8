package dev.cairn.serving.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.ml.bundle.InputField;
import dev.cairn.ml.bundle.OutputSchema;
import dev.cairn.ml.frame.ColumnType;
import dev.cairn.ml.train.Task;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** Each malformed body is an INVALID_PARAMETER_VALUE naming what is wrong. */
class CodecErrorsTest {
  static final List<InputField> SCHEMA = List.of(new InputField("tenure", ColumnType.NUMERIC, null),
      new InputField("plan", ColumnType.CATEGORICAL, List.of("basic", "pro")));
  static final OutputSchema OUTPUT = new OutputSchema("churned", Task.CLASSIFICATION, List.of("no", "yes"), true);
  final OipCodec oip = new OipCodec(SCHEMA, OUTPUT, new Limits(3, 2_000));
  final MlflowCodec mlflow = new MlflowCodec(SCHEMA, new Limits(3, 2_000));

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static void invalid(ThrowingCallable call, String... parts) {
    assertThatThrownBy(call).isInstanceOf(CairnException.class)
        .satisfies(e -> assertThat(((CairnException) e).code()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE))
        .message().contains(parts);
  }

  private void oip(String body, String... parts) {
    invalid(() -> oip.decode(b(body)), parts);
  }

  private void json(String body, String... parts) {
    invalid(() -> mlflow.decode("application/json", b(body)), parts);
  }

  @Test
  void oipRequestsNameTheInputAndTheProblem() {
    oip("", "empty");
    oip("[1]", "JSON object", "an array");
    oip("{\"inputs\": [", "not valid JSON");
    oip("{}", "'inputs'", "non-empty array");
    oip("{\"inputs\": [{\"shape\": [1], \"datatype\": \"FP64\", \"data\": [1]}]}", "inputs[0]", "'name'");
    oip("{\"inputs\": [{\"name\": \"tenure\", \"datatype\": \"FP64\", \"data\": [1]}]}", "'tenure'", "'shape'");
    oip("{\"inputs\": [{\"name\": \"tenure\", \"shape\": [1], \"datatype\": \"STRING\", \"data\": [1]}]}",
        "'tenure'", "datatype \"STRING\"");
    oip("{\"inputs\": [{\"name\": \"tenure\", \"shape\": [2], \"datatype\": \"FP64\", \"data\": [1]}]}",
        "'tenure'", "1 values", "needs 2");
    oip("{\"inputs\": [{\"name\": \"tenure\", \"shape\": [1], \"datatype\": \"FP64\", \"data\": [\"x\"]}]}",
        "'tenure' element 0", "FP64");
    oip("{\"inputs\": [{\"name\": \"tenure\", \"shape\": [1], \"datatype\": \"INT64\", \"data\": [1.5]}]}",
        "'tenure' element 0", "INT64");
    oip("{\"inputs\": [{\"name\": \"tenure\", \"shape\": [4], \"datatype\": \"FP64\", \"data\": [1,2,3,4]}]}",
        "4 rows", "limit is 3 rows");
    oip("{\"inputs\": [{\"name\": \"tenure\", \"shape\": [1], \"datatype\": \"FP64\", \"data\": [1]}, "
        + "{\"name\": \"region\", \"shape\": [1], \"datatype\": \"BYTES\", \"data\": [\"x\"]}]}",
        "'region' is not a column", "[tenure, plan]");
    oip("{\"inputs\": [{\"name\": \"tenure\", \"shape\": [1], \"datatype\": \"FP64\", \"data\": [1]}, "
        + "{\"name\": \"plan\", \"shape\": [2], \"datatype\": \"BYTES\", \"data\": [\"basic\", \"pro\"]}]}",
        "'plan' has 2 rows", "same number of rows");
    oip("{\"inputs\": [{\"name\": \"tenure\", \"shape\": [1], \"datatype\": \"BYTES\", \"data\": [\"1\"]}, "
        + "{\"name\": \"plan\", \"shape\": [1], \"datatype\": \"BYTES\", \"data\": [\"basic\"]}]}",
        "'tenure' has datatype BYTES", "numeric");
    oip("{\"inputs\": [{\"name\": \"tenure\", \"shape\": [1], \"datatype\": \"FP64\", \"data\": [1]}, "
        + "{\"name\": \"plan\", \"shape\": [1], \"datatype\": \"FP32\", \"data\": [2]}]}",
        "'plan' has datatype FP32", "categorical");
    oip("{\"inputs\": [{\"name\": \"tenure\", \"shape\": [1], \"datatype\": \"FP64\", \"data\": [1]}]}",
        "'plan' is missing");
    oip("{\"inputs\": [{\"name\": \"input\", \"shape\": [1, 3], \"datatype\": \"BYTES\", \"data\": [[1, \"a\", 2]]}]}",
        "shape [1, 3]", "[rows, 2]", "[tenure, plan]");
    oip("{\"parameters\": {\"explain\": \"maybe\"}, \"inputs\": [{\"name\": \"input\", \"shape\": [1, 2], "
        + "\"datatype\": \"BYTES\", \"data\": [[1, \"basic\"]]}]}", "'explain'", "maybe");
    oip("{\"id\": 5, \"inputs\": []}", "'id' must be text");
    oip("{\"inputs\": [{\"name\": \"input\", \"shape\": [2, 9223372036854775807], \"datatype\": \"FP64\", "
        + "\"data\": []}]}", "too large");
    invalid(() -> oip.decode(new byte[2_001]), "2001 bytes", "limit is 2000 bytes");
  }

  @Test
  void mlflowRequestsNameTheFieldAndTheProblem() {
    invalid(() -> mlflow.decode(null, b("{}")), "Content-Type is missing", "application/json", "text/csv");
    invalid(() -> mlflow.decode("text/plain", b("{}")), "'text/plain' is not supported");
    json("{}", "exactly one of", "it has none");
    json("{\"instances\": [], \"inputs\": []}", "instances and inputs");
    json("{\"columns\": []}", "field 'columns'", "not an input format");
    json("{\"dataframe_split\": []}", "dataframe_split must be an object");
    json("{\"dataframe_split\": {\"columns\": \"tenure\", \"data\": []}}", "dataframe_split.columns", "text");
    json("{\"dataframe_split\": {\"columns\": [\"tenure\"]}}", "'data'");
    json("{\"dataframe_split\": {\"columns\": [\"tenure\", \"plan\"], \"data\": [[1, \"basic\"], [2]]}}",
        "data row 1", "2 values", "got 1 values");
    json("{\"dataframe_split\": {\"columns\": [\"tenure\"], \"data\": [[[1]]]}}", "row 0 column 'tenure'",
        "an array");
    json("{\"dataframe_records\": {\"tenure\": 1}}", "dataframe_records must be an array");
    json("{\"dataframe_records\": [[1, \"basic\"]]}", "dataframe_records row 0 must be an object");
    json("{\"instances\": [[1, \"basic\", 3]]}", "instances row 0 has 3 values", "[tenure, plan]");
    json("{\"inputs\": {\"tenure\": [1, 2], \"plan\": [\"basic\"]}}", "inputs.plan has 1 values",
        "inputs.tenure has 2");
    json("{\"inputs\": {\"tenure\": 1}}", "inputs.tenure must be an array");
    json("{\"instances\": [{}, {}, {}, {}]}", "4 rows", "limit is 3 rows");
    json("{\"instances\": [], \"params\": [1]}", "'params' must be an object");
    invalid(() -> mlflow.decode("text/csv", b("")), "empty", "header");
    invalid(() -> mlflow.decode("text/csv", b("tenure,region\n1,x\n")), "no column 'plan'", "[tenure, region]");
    invalid(() -> mlflow.decode("text/csv", b("tenure,plan\n1,basic\n2\n")), "line 3", "1 fields", "has 2");
    invalid(() -> mlflow.decode("text/csv", b("tenure,plan\n1,a\n1,a\n1,a\n1,a\n")), "4 rows", "limit is 3");
  }

  @Test
  void wellFormedOddCasesDecode() {
    ScoringRequest r = mlflow.decode("application/json", b(
        "{\"dataframe_records\": [{\"tenure\": NaN, \"plan\": null}], \"params\": {\"explain\": true}}"));
    assertThat(r.explain()).isTrue();
    assertThat((Double) r.rows().get(0).get("tenure")).isNaN();
    assertThat(r.rows().get(0)).containsEntry("plan", null);
    ScoringRequest csv = mlflow.decode("text/csv", b("plan,extra,tenure\n\"pro, annual\",z,NA\nbasic,y,4.5\n"));
    assertThat(csv.rows().get(0)).containsEntry("plan", "pro, annual").containsEntry("tenure", null)
        .doesNotContainKey("extra");
    assertThat(csv.rows().get(1)).containsEntry("tenure", 4.5);
    ScoringRequest ints = oip.decode(b("{\"inputs\": [{\"name\": \"tenure\", \"shape\": [1], \"datatype\": \"INT32\","
        + " \"data\": [3]}, {\"name\": \"plan\", \"shape\": [1], \"datatype\": \"BYTES\", \"data\": [\"pro\"]}]}"));
    assertThat(ints.rows().get(0)).containsEntry("tenure", 3L).containsEntry("plan", "pro");
    ScoringRequest positional = mlflow.decode("application/json", b(
        "{\"dataframe_split\": {\"index\": [7], \"data\": [[2.5, \"basic\"]]}}"));
    assertThat(positional.rows()).containsExactly(java.util.Map.of("tenure", 2.5, "plan", "basic"));
  }
}
