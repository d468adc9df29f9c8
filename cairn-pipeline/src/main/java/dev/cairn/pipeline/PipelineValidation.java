package dev.cairn.pipeline;

import dev.cairn.core.CairnException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The checks every pipeline passes on load, whether built in Java or read from YAML. {@code where} turns a key
 * path ({@code steps.train.inputs.data}) into the place a user can find it (a file and line, or the Java pipeline).
 */
final class PipelineValidation {
  /** A step as declared, before checking: wiring as text, parameters as given. */
  record Declared(String name, String type, Step step, Map<String, String> inputs, Map<String, Object> params,
      boolean cache) {}

  private PipelineValidation() {}

  static Pipeline validate(String pipelineName, List<Declared> declared, Function<String, String> where) {
    if (pipelineName == null || pipelineName.isBlank() || pipelineName.length() > 256) {
      throw CairnException.invalid(where.apply("name") + ": the pipeline name must have 1 to 256 characters");
    }
    if (declared.isEmpty()) {
      throw CairnException.invalid(where.apply("steps") + ": the pipeline has no steps");
    }
    Map<String, Declared> byName = new LinkedHashMap<>();
    for (Declared d : declared) {
      String key = "steps." + d.name();
      try {
        StepSpec.requireName("step", d.name());
      } catch (CairnException e) {
        throw CairnException.invalid(where.apply(key) + ": " + e.getMessage());
      }
      if (byName.put(d.name(), d) != null) {
        throw CairnException.invalid(where.apply(key) + ": step '" + d.name() + "' is declared twice");
      }
    }
    Map<String, Pipeline.Node> nodes = new LinkedHashMap<>();
    for (Declared d : declared) {
      nodes.put(d.name(), new Pipeline.Node(d.name(), d.type(), d.step(), wiring(d, byName, where),
          params(d, where), d.cache()));
    }
    return new Pipeline(pipelineName, order(nodes, where));
  }

  private static Map<String, Pipeline.OutputRef> wiring(Declared d, Map<String, Declared> byName,
      Function<String, String> where) {
    StepSpec spec = d.step().spec();
    Map<String, Pipeline.OutputRef> wired = new LinkedHashMap<>();
    for (Map.Entry<String, String> input : d.inputs().entrySet()) {
      String key = "steps." + d.name() + ".inputs." + input.getKey();
      String expectedType = spec.inputs().get(input.getKey());
      if (expectedType == null) {
        throw CairnException.invalid(where.apply(key) + ": step '" + d.name() + "' (" + d.type()
            + ") has no input '" + input.getKey() + "'; its inputs: " + names(spec.inputs().keySet()));
      }
      Pipeline.OutputRef ref = Pipeline.OutputRef.parse(input.getValue());
      if (ref == null) {
        throw CairnException.invalid(where.apply(key) + ": '" + input.getValue() + "' is not a step output; write "
            + "STEP.OUTPUT, e.g. load.table");
      }
      Declared upstream = byName.get(ref.step());
      if (upstream == null) {
        throw CairnException.invalid(where.apply(key) + ": input '" + input.getKey() + "' reads from step '"
            + ref.step() + "', which the pipeline does not declare; its steps: " + names(byName.keySet()));
      }
      String outputType = upstream.step().spec().outputs().get(ref.output());
      if (outputType == null) {
        throw CairnException.invalid(where.apply(key) + ": step '" + ref.step() + "' has no output '" + ref.output()
            + "'; its outputs: " + names(upstream.step().spec().outputs().keySet()));
      }
      if (!expectedType.equals(StepSpec.ANY) && !expectedType.equals(outputType)) {
        throw CairnException.invalid(where.apply(key) + ": input '" + input.getKey() + "' of step '" + d.name()
            + "' takes type '" + expectedType + "', but " + ref + " is of type '" + outputType + "'");
      }
      wired.put(input.getKey(), ref);
    }
    for (String input : spec.inputs().keySet()) {
      if (!wired.containsKey(input)) {
        throw CairnException.invalid(where.apply("steps." + d.name() + ".inputs") + ": input '" + input
            + "' of step '" + d.name() + "' is not wired; give it as " + input + ": STEP.OUTPUT");
      }
    }
    return wired;
  }

  private static Map<String, Object> params(Declared d, Function<String, String> where) {
    Map<String, ParamSpec> declaredParams = d.step().spec().params();
    Map<String, Object> values = new LinkedHashMap<>();
    for (Map.Entry<String, Object> given : d.params().entrySet()) {
      String key = "steps." + d.name() + ".params." + given.getKey();
      ParamSpec spec = declaredParams.get(given.getKey());
      if (spec == null) {
        throw CairnException.invalid(where.apply(key) + ": step '" + d.name() + "' (" + d.type()
            + ") has no parameter '" + given.getKey() + "'; its parameters: " + names(declaredParams.keySet()));
      }
      Object typed = spec.type().coerce(given.getValue());
      if (typed == null) {
        throw CairnException.invalid(where.apply(key) + ": parameter '" + given.getKey() + "' of step '" + d.name()
            + "' is " + ParamType.describe(given.getValue()) + "; expected " + spec.type().expected());
      }
      values.put(given.getKey(), typed);
    }
    Map<String, Object> resolved = new LinkedHashMap<>();
    for (ParamSpec spec : declaredParams.values()) {
      Object value = values.containsKey(spec.name()) ? values.get(spec.name()) : spec.defaultValue();
      if (value == null) {
        throw CairnException.invalid(where.apply("steps." + d.name() + ".params") + ": parameter '" + spec.name()
            + "' of step '" + d.name() + "' is required (" + spec.type().label() + ") and has no value");
      }
      resolved.put(spec.name(), value);
    }
    return resolved;
  }

  /** Dependency order, stable in declaration order; a cycle fails naming its steps in order. */
  private static List<Pipeline.Node> order(Map<String, Pipeline.Node> nodes, Function<String, String> where) {
    List<Pipeline.Node> ordered = new ArrayList<>();
    Set<String> done = new HashSet<>();
    Map<String, Integer> onPath = new HashMap<>();
    List<String> path = new ArrayList<>();
    for (String name : nodes.keySet()) {
      visit(name, nodes, done, onPath, path, ordered, where);
    }
    return ordered;
  }

  private static void visit(String name, Map<String, Pipeline.Node> nodes, Set<String> done,
      Map<String, Integer> onPath, List<String> path, List<Pipeline.Node> ordered, Function<String, String> where) {
    if (done.contains(name)) {
      return;
    }
    Integer at = onPath.get(name);
    if (at != null) {
      List<String> cycle = new ArrayList<>(path.subList(at, path.size()));
      cycle.add(name);
      throw CairnException.invalid(where.apply("steps." + name + ".inputs") + ": the pipeline has a cycle: "
          + String.join(" -> ", cycle) + " (each step reads an output of the step after it)");
    }
    onPath.put(name, path.size());
    path.add(name);
    Pipeline.Node node = nodes.get(name);
    for (Pipeline.OutputRef ref : node.inputs().values()) {
      visit(ref.step(), nodes, done, onPath, path, ordered, where);
    }
    path.remove(path.size() - 1);
    onPath.remove(name);
    done.add(name);
    ordered.add(node);
  }

  private static String names(java.util.Collection<String> names) {
    return names.isEmpty() ? "none" : String.join(", ", names);
  }
}
