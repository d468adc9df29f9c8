/**
 * Expectation suites in YAML (Great Expectations style) and a one-pass {@link dev.cairn.data.expect.Validator}
 * producing a JSON-serialisable {@link dev.cairn.data.expect.ValidationReport} with failing rows located by file,
 * line and column. {@link dev.cairn.data.expect.Suggest} proposes a suite from a profile (Deequ style).
 */
package dev.cairn.data.expect;
