package dev.cairn.ml.bundle;

import dev.cairn.core.CairnException;
import dev.cairn.ml.train.Task;
import java.util.List;

/**
 * What a bundle predicts.
 *
 * @param name the target column's name
 * @param task classification or regression
 * @param classes the class labels, sorted (probability order); empty for regression
 * @param probabilities whether classification predictions carry class probabilities
 */
public record OutputSchema(String name, Task task, List<String> classes, boolean probabilities) {
  public OutputSchema {
    if (name == null || name.isEmpty() || task == null) {
      throw CairnException.invalid("output schema needs a 'name' and a 'task'");
    }
    classes = List.copyOf(classes == null ? List.of() : classes);
  }
}
