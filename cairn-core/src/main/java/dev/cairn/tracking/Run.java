package dev.cairn.tracking;

import java.util.List;
import java.util.Objects;

/** A run with its data: the latest value of each metric, its params and tags, and its dataset inputs. */
public record Run(RunInfo info, List<Metric> metrics, List<Param> params, List<Tag> tags, List<DatasetInput> inputs) {
  public Run {
    Objects.requireNonNull(info, "info");
    metrics = metrics == null ? List.of() : List.copyOf(metrics);
    params = params == null ? List.of() : List.copyOf(params);
    tags = tags == null ? List.of() : List.copyOf(tags);
    inputs = inputs == null ? List.of() : List.copyOf(inputs);
  }
}
