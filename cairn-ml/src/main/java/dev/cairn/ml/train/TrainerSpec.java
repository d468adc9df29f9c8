package dev.cairn.ml.train;

import dev.cairn.core.CairnException;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * A validated trainer choice: task, algorithm and every declared parameter with its value (defaults filled in).
 * Values are Long (integers), Double (numbers) or String (choices).
 *
 * @param task classification or regression
 * @param algorithm the algorithm
 * @param params every declared parameter, sorted by name
 */
public record TrainerSpec(Task task, Algorithm algorithm, Map<String, Object> params) {
  public TrainerSpec {
    if (task == null || algorithm == null) {
      throw CairnException.invalid("trainer needs a 'task' and an 'algorithm'");
    }
    params = resolve(task, algorithm, params == null ? Map.of() : params);
  }

  /** Parses the algorithm name and validates {@code params} against its declared parameters. */
  public static TrainerSpec of(Task task, String algorithm, Map<String, ?> params) {
    @SuppressWarnings("unchecked")
    Map<String, Object> given = (Map<String, Object>) (params == null ? Map.of() : params);
    return new TrainerSpec(task, Algorithm.parse(algorithm), given);
  }

  private static Map<String, Object> resolve(Task task, Algorithm algorithm, Map<String, Object> given) {
    String trainer = algorithm.id() + " (" + task.id() + ")";
    Map<String, ParamSpec> declared = new TreeMap<>();
    for (ParamSpec p : algorithm.parameters(task)) {
      declared.put(p.name(), p);
    }
    for (String name : given.keySet()) {
      if (!declared.containsKey(name)) {
        throw CairnException.invalid(trainer + " has no parameter '" + name + "'; its parameters are "
            + declared.keySet());
      }
    }
    Map<String, Object> resolved = new TreeMap<>();
    for (ParamSpec p : declared.values()) {
      resolved.put(p.name(), given.containsKey(p.name()) ? p.coerce(trainer, given.get(p.name())) : p.defaultValue());
    }
    return Collections.unmodifiableMap(resolved);
  }

  long integer(String name) {
    return (Long) params.get(name);
  }

  double number(String name) {
    return (Double) params.get(name);
  }

  String choice(String name) {
    return (String) params.get(name);
  }
}
