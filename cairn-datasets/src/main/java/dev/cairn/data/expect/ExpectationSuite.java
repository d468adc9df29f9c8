package dev.cairn.data.expect;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.cairn.core.CairnException;
import dev.cairn.data.schema.SchemaYaml;
import java.nio.file.Path;
import java.util.List;

/**
 * A named list of expectations, kept as YAML beside the pipeline (Great Expectations' suite):
 *
 * <pre>
 * name: orders
 * expectations:
 *   - kind: row_count
 *     min: 1
 *   - kind: not_null
 *     column: id
 * </pre>
 */
public record ExpectationSuite(String name, List<Expectation> expectations) {
  public ExpectationSuite {
    name = name == null ? "suite" : name;
    if (expectations == null || expectations.isEmpty()) {
      throw CairnException.invalid("expectation suite '" + name + "' has no 'expectations'");
    }
    expectations = List.copyOf(expectations);
  }

  /** Loads a suite; errors name the file, line and key. */
  public static ExpectationSuite load(Path file) {
    return SchemaYaml.read(file, ExpectationSuite.class);
  }

  public static ExpectationSuite parse(String yaml, String sourceName) {
    return SchemaYaml.parse(yaml, sourceName, ExpectationSuite.class);
  }

  public String toYaml() {
    try {
      return SchemaYaml.STRICT.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
