package dev.cairn.data.expect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.CairnException;
import dev.cairn.data.expect.ValidationReport.FailingRow;
import dev.cairn.data.expect.ValidationReport.Result;
import dev.cairn.data.stats.Profile;
import dev.cairn.data.stats.Profiler;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidatorTest {
  @TempDir Path dir;

  private static final String DATA = "id,price,colour,code\n"
      + "1,10.5,red,AB-1\n"
      + "2,12,blue,AB-2\n"
      + "3,oops,red,XX\n"
      + "4,,green,AB-4\n"
      + "4,99,red,AB-5\n";

  private Path write(String name, String text) throws Exception {
    Path file = dir.resolve(name);
    Files.writeString(file, text);
    return file;
  }

  private static Result result(ValidationReport report, ExpectationKind kind, String column) {
    return report.results().stream()
        .filter(r -> r.expectation().kind() == kind && java.util.Objects.equals(r.expectation().column(), column))
        .findFirst().orElseThrow();
  }

  @Test
  void strayStringInNumericColumnFailsWithFileLineAndColumn() throws Exception {
    Path data = write("d.csv", DATA);
    ExpectationSuite suite = ExpectationSuite.parse("""
        name: shop
        expectations:
          - kind: type
            column: price
            type: float
          - kind: range
            column: price
            min: 0
            max: 50
            severity: warn
        """, "suite.yaml");
    ValidationReport report = new Validator(suite).validate(data);
    Result type = result(report, ExpectationKind.TYPE, "price");
    assertThat(type.passed()).isFalse();
    assertThat(type.unexpectedCount()).isEqualTo(1);
    assertThat(type.elementCount()).isEqualTo(4);
    assertThat(type.examples()).containsExactly(new FailingRow(data.toString(), 4, "price", 2, "oops"));
    Result range = result(report, ExpectationKind.RANGE, "price");
    assertThat(range.unexpectedCount()).isEqualTo(2);
    assertThat(range.examples()).extracting(FailingRow::line).containsExactly(4L, 6L);
    assertThat(report.hasErrors()).isTrue();
    assertThat(report.success()).isFalse();
    assertThat(report.toJson()).contains("\"line\":4").contains("\"value\":\"oops\"").contains("\"columnNumber\":2");
  }

  @Test
  void mostlyLetsAShareOfValuesFail() throws Exception {
    Path data = write("d.csv", DATA);
    ExpectationSuite suite = new ExpectationSuite("s", java.util.List.of(
        Expectation.of(ExpectationKind.NOT_NULL, "price").withMostly(0.8),
        Expectation.of(ExpectationKind.NOT_NULL, "price").withMostly(0.9)));
    ValidationReport report = new Validator(suite).validate(data);
    assertThat(report.results().get(0).passed()).isTrue();
    assertThat(report.results().get(0).observedValue()).isEqualTo(0.8);
    assertThat(report.results().get(1).passed()).isFalse();
    assertThat(report.results().get(1).examples()).containsExactly(new FailingRow(data.toString(), 5, "price", 2, null));
  }

  @Test
  void setRegexUniqueRowCountAndAggregateChecks() throws Exception {
    Path data = write("d.csv", DATA);
    ExpectationSuite suite = ExpectationSuite.parse("""
        expectations:
          - {kind: allowed_values, column: colour, values: [red, blue]}
          - {kind: regex, column: code, pattern: "AB-\\\\d+"}
          - {kind: unique, column: id, severity: warn}
          - {kind: row_count, min: 1, max: 5}
          - {kind: column_present, column: missing_col}
          - {kind: mean, column: id, min: 2.7, max: 2.9}
          - {kind: std, column: id, min: 1.3, max: 1.4}
          - {kind: quantile, column: id, quantile: 0.5, min: 3, max: 3}
        """, "s.yaml");
    ValidationReport report = new Validator(suite).validate(data);
    assertThat(result(report, ExpectationKind.ALLOWED_VALUES, "colour").examples()).extracting(FailingRow::value)
        .containsExactly("green");
    assertThat(result(report, ExpectationKind.REGEX, "code").examples()).extracting(FailingRow::line).containsExactly(4L);
    Result unique = result(report, ExpectationKind.UNIQUE, "id");
    assertThat(unique.passed()).isFalse();
    assertThat(unique.examples()).extracting(FailingRow::line).containsExactly(6L);
    assertThat(result(report, ExpectationKind.ROW_COUNT, null).passed()).isTrue();
    assertThat(result(report, ExpectationKind.COLUMN_PRESENT, "missing_col").passed()).isFalse();
    // ids 1,2,3,4,4: mean 2.8, sample std sqrt(1.7) = 1.3038, median 3
    assertThat(result(report, ExpectationKind.MEAN, "id").passed()).isTrue();
    assertThat(result(report, ExpectationKind.STD, "id").passed()).isTrue();
    assertThat(result(report, ExpectationKind.QUANTILE, "id").passed()).isTrue();
  }

  @Test
  void warningsAloneDoNotFailTheReport() throws Exception {
    Path data = write("d.csv", DATA);
    ExpectationSuite suite = new ExpectationSuite("s", java.util.List.of(
        Expectation.of(ExpectationKind.UNIQUE, "id").withSeverity(Severity.WARN)));
    ValidationReport report = new Validator(suite).validate(data);
    assertThat(report.hasErrors()).isFalse();
    assertThat(report.hasWarnings()).isTrue();
    assertThat(report.success()).isTrue();
  }

  @Test
  void suiteYamlErrorsNameFileLineAndKey() throws Exception {
    Path file = write("bad.yaml", "expectations:\n  - kind: range\n    column: x\n  - kind: nope\n    column: y\n");
    assertThatThrownBy(() -> ExpectationSuite.load(file))
        .isInstanceOf(CairnException.class)
        .hasMessageContaining("bad.yaml").hasMessageContaining("line").hasMessageContaining("expectations[0]")
        .hasMessageContaining("needs 'min', 'max' or both");
    Path kind = write("kind.yaml", "expectations:\n  - kind: range\n    column: x\n    min: 1\n  - kind: nope\n    column: y\n");
    assertThatThrownBy(() -> ExpectationSuite.load(kind))
        .hasMessageContaining("line 5").hasMessageContaining("expectations[1].kind").hasMessageContaining("'nope' is unknown");
  }

  @Test
  void suggestedSuitePassesOnItsOwnDataAndCatchesBadData() throws Exception {
    Path good = write("good.csv", "id,colour,score\n1,red,0.5\n2,blue,0.7\n3,red,0.9\n4,red,0.1\n5,blue,0.5\n6,red,0.2\n");
    Profile profile = Profiler.profile(good);
    ExpectationSuite suite = Suggest.fromProfile(profile);
    assertThat(suite.expectations()).extracting(Expectation::kind).contains(ExpectationKind.NOT_NULL,
        ExpectationKind.ALLOWED_VALUES, ExpectationKind.RANGE, ExpectationKind.UNIQUE, ExpectationKind.TYPE);
    assertThat(suite.expectations()).filteredOn(e -> e.kind() == ExpectationKind.UNIQUE)
        .extracting(Expectation::column).containsExactly("id");
    assertThat(new Validator(suite).validate(good).success()).isTrue();
    ExpectationSuite reloaded = ExpectationSuite.parse(suite.toYaml(), "suggested.yaml");
    assertThat(reloaded).isEqualTo(suite);
    Path bad = write("bad.csv", "id,colour,score\n1,red,0.5\n2,purple,1.7\n3,,x\n");
    ValidationReport report = new Validator(reloaded).validate(bad);
    assertThat(report.hasErrors()).isTrue();
    assertThat(report.failures()).extracting(r -> r.expectation().kind()).contains(ExpectationKind.ALLOWED_VALUES,
        ExpectationKind.RANGE, ExpectationKind.NOT_NULL, ExpectationKind.TYPE);
  }

  @Test
  void jsonLinesRowsAreValidatedByKey() throws Exception {
    Path data = write("d.jsonl", "{\"a\": 1}\n{\"a\": null}\n{\"a\": \"x\"}\n");
    ExpectationSuite suite = new ExpectationSuite("s", java.util.List.of(
        Expectation.of(ExpectationKind.NOT_NULL, "a"), Expectation.type("a", dev.cairn.data.schema.DataType.INTEGER)));
    ValidationReport report = new Validator(suite).validate(data);
    assertThat(report.results().get(0).examples()).extracting(FailingRow::line).containsExactly(2L);
    assertThat(report.results().get(1).examples()).extracting(FailingRow::value).containsExactly("x");
  }
}
