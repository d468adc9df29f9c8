package dev.cairn.data.expect;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.cairn.core.Json;
import java.util.List;

/**
 * The outcome of validating one table against a suite: one result per expectation, in suite order.
 *
 * @param success true when no expectation of severity error failed
 */
public record ValidationReport(String suite, String source, long rowCount, boolean success, List<Result> results) {
  public ValidationReport {
    results = List.copyOf(results);
  }

  /** A row that broke an expectation: where it is and the offending value (null when missing). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record FailingRow(String file, long line, String column, Integer columnNumber, String value) {}

  /**
   * One expectation's outcome.
   *
   * @param observed the figure that was judged, as text (e.g. "0.97 of 1000 values passed", "mean 4.2")
   * @param observedValue the same figure as a number where there is one
   * @param elementCount values judged (row-level kinds)
   * @param unexpectedCount values that failed (row-level kinds)
   * @param examples up to the configured number of failing rows
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Result(Expectation expectation, boolean passed, String observed, Double observedValue,
      Long elementCount, Long unexpectedCount, List<FailingRow> examples) {
    public Result {
      examples = examples == null ? List.of() : List.copyOf(examples);
    }
  }

  /** True when an expectation of severity error failed. */
  public boolean hasErrors() {
    return results.stream().anyMatch(r -> !r.passed() && r.expectation().severity() == Severity.ERROR);
  }

  /** True when an expectation of severity warn failed. */
  public boolean hasWarnings() {
    return results.stream().anyMatch(r -> !r.passed() && r.expectation().severity() == Severity.WARN);
  }

  @JsonIgnore
  public List<Result> failures() {
    return results.stream().filter(r -> !r.passed()).toList();
  }

  public String toJson() {
    return Json.write(this);
  }
}
