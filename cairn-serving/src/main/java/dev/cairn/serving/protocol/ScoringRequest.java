package dev.cairn.serving.protocol;

import java.util.List;
import java.util.Map;

/**
 * A decoded scoring request in any format: rows of column name to value (Double for numbers, String for text,
 * Boolean, or null for a missing value), ready for {@code LoadedModel.score}.
 *
 * @param rows the rows, in request order
 * @param explain whether per-feature contributions were asked for ({@code explain: true} in the parameters)
 * @param id the request id the caller gave (OIP {@code id}); null when none
 * @param parameters the request's other parameters, as given
 */
public record ScoringRequest(List<Map<String, Object>> rows, boolean explain, String id,
    Map<String, Object> parameters) {
  public ScoringRequest {
    rows = List.copyOf(rows);
    parameters = parameters == null ? Map.of() : Map.copyOf(parameters);
  }
}
