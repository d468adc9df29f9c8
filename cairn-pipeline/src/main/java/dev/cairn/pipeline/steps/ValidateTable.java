package dev.cairn.pipeline.steps;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Hashing;
import dev.cairn.data.expect.ExpectationSuite;
import dev.cairn.data.expect.Severity;
import dev.cairn.data.expect.ValidationReport;
import dev.cairn.data.expect.Validator;
import dev.cairn.data.table.ReadOptions;
import dev.cairn.data.table.TableFormat;
import dev.cairn.pipeline.ParamType;
import dev.cairn.pipeline.Step;
import dev.cairn.pipeline.StepContext;
import dev.cairn.pipeline.StepSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * Built-in step {@code validate}: checks input {@code data} (a table) against an expectation suite (parameter
 * {@code suite}, a YAML file relative to the pipeline file, as {@code cairn data validate} reads). A failed
 * expectation of severity error fails the step, so nothing downstream trains on bad data; warnings are logged. The
 * report is output {@code report} (JSON) and the table passes through as output {@code data}, so steps that must
 * only see checked data read it from here. The suite file's hash is the step's external state: editing the suite
 * re-runs the check.
 */
public final class ValidateTable implements Step {
  private final Path baseDir;

  public ValidateTable(Path baseDir) {
    this.baseDir = baseDir;
  }

  @Override
  public StepSpec spec() {
    return StepSpec.builder()
        .input("data", "table")
        .output("data", "table")
        .output("report", "validation")
        .param("suite", ParamType.STRING, null)
        .version("1")
        .build();
  }

  @Override
  public Map<String, String> externalState(Map<String, Object> params) throws IOException {
    try (InputStream in = Files.newInputStream(suite(params))) {
      return Map.of("suite_sha256", Hashing.sha256Hex(in));
    }
  }

  @Override
  public void run(StepContext context) throws Exception {
    ExpectationSuite suite = ExpectationSuite.load(suite(context.params()));
    Path table = context.inputFile("data");
    ValidationReport report = new Validator(suite).validate(table, ReadOptions.of(TableFormat.CSV),
        Path.of(context.input("data").name()));
    context.writeOutput("report", report.toJson());
    context.log(report.rowCount() + " rows, " + report.failures().size() + " of " + report.results().size()
        + " checks failed");
    for (ValidationReport.Result r : report.failures()) {
      context.log(describe(r));
    }
    if (report.hasErrors()) {
      var errors = report.failures().stream().filter(r -> r.expectation().severity() == Severity.ERROR).toList();
      throw new CairnException(ErrorCode.INVALID_STATE, errors.size() + " expectation(s) of severity error failed"
          + " on the data; first: " + describe(errors.get(0)) + " (the report is in this step's log)");
    }
    Files.copy(table, context.outputFile("data"), StandardCopyOption.REPLACE_EXISTING);
  }

  private static String describe(ValidationReport.Result r) {
    return r.expectation().severity().id() + " " + r.expectation().kind().id()
        + (r.expectation().column() == null ? "" : " " + r.expectation().column()) + ": "
        + (r.observed() == null ? "failed" : r.observed());
  }

  private Path suite(Map<String, Object> params) {
    Path file = baseDir.resolve((String) params.get("suite")).normalize();
    if (!Files.isRegularFile(file)) {
      throw CairnException.invalid("expectation suite '" + params.get("suite") + "' (" + file + ") does not exist");
    }
    return file;
  }
}
