package dev.cairn.pipeline;

import dev.cairn.core.CairnException;
import dev.cairn.core.Hashing;
import dev.cairn.core.Json;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A validated pipeline: named steps in a dependency order (every step after the steps it reads from), each with
 * its wiring (input name to an upstream step's output) and its parameters resolved to typed values (declared
 * defaults filled in). Built with {@link #builder} in Java or loaded with {@link PipelineYaml}; either way it is
 * checked for unknown steps, missing or mistyped wiring, unknown or mistyped parameters and cycles.
 */
public final class Pipeline {
  private final String name;
  private final List<Node> steps;
  private final String source;
  private final List<String> overrides;

  Pipeline(String name, List<Node> steps) {
    this(name, steps, null, List.of());
  }

  private Pipeline(String name, List<Node> steps, String source, List<String> overrides) {
    this.name = name;
    this.steps = List.copyOf(steps);
    this.source = source;
    this.overrides = List.copyOf(overrides);
  }

  /** The same pipeline noted as loaded from {@code file} (recorded on its runs, so a resume can reload it). */
  Pipeline withSource(String file) {
    return new Pipeline(name, steps, file, overrides);
  }

  /** The file the pipeline was loaded from (absolute), or null for one built in Java. */
  public String source() {
    return source;
  }

  /** The overrides applied with {@link #withOverrides}, in order ({@code STEP.PARAM=VALUE}). */
  public List<String> overrides() {
    return overrides;
  }

  /** An upstream output an input reads: {@code step.output}. */
  public record OutputRef(String step, String output) {
    /** Reads {@code "step.output"}; null when the text is not of that form. */
    static OutputRef parse(String text) {
      int dot = text == null ? -1 : text.indexOf('.');
      if (dot <= 0 || dot == text.length() - 1 || text.indexOf('.', dot + 1) >= 0) {
        return null;
      }
      return new OutputRef(text.substring(0, dot), text.substring(dot + 1));
    }

    @Override
    public String toString() {
      return step + "." + output;
    }
  }

  /**
   * One step of the pipeline. {@code type} is the registered name or class name it was declared with (for
   * display and storage); {@code params} holds every declared parameter's value; {@code cache} false makes it
   * run every time.
   */
  public record Node(String name, String type, Step step, Map<String, OutputRef> inputs, Map<String, Object> params,
      boolean cache) {
    public Node {
      inputs = Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
      params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
    }
  }

  public String name() {
    return name;
  }

  /** The steps in dependency order. */
  public List<Node> steps() {
    return steps;
  }

  public Optional<Node> step(String stepName) {
    return steps.stream().filter(n -> n.name().equals(stepName)).findFirst();
  }

  /** The steps that read an output of {@code stepName}. */
  public List<Node> downstreamOf(String stepName) {
    List<Node> result = new ArrayList<>();
    for (Node n : steps) {
      if (n.inputs().values().stream().anyMatch(r -> r.step().equals(stepName))) {
        result.add(n);
      }
    }
    return result;
  }

  /**
   * The pipeline's shape as plain data (steps with type, fingerprint, wiring, parameters, cache flag): stored with
   * each run, so a run's DAG can be drawn without the step classes.
   */
  public Map<String, Object> describe() {
    List<Map<String, Object>> list = new ArrayList<>();
    for (Node n : steps) {
      Map<String, Object> step = new LinkedHashMap<>();
      step.put("name", n.name());
      step.put("type", n.type());
      step.put("fingerprint", n.step().fingerprint());
      Map<String, String> inputs = new LinkedHashMap<>();
      n.inputs().forEach((k, v) -> inputs.put(k, v.toString()));
      step.put("inputs", inputs);
      step.put("outputs", n.step().spec().outputs());
      step.put("params", n.params());
      step.put("cache", n.cache());
      list.add(step);
    }
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("name", name);
    d.put("steps", list);
    return d;
  }

  /** SHA-256 of the canonical JSON of {@link #describe}. */
  public String definitionSha256() {
    return Hashing.sha256Hex(Json.canonicalBytes(describe()));
  }

  /**
   * A copy with parameters overridden, as DVC's {@code -S}: each assignment is {@code STEP.PARAM=VALUE}, the value
   * read as the parameter's declared type ({@code -P train.l2=0.1} for a number). An unknown step or parameter or
   * a value of the wrong type fails naming the override.
   */
  public Pipeline withOverrides(List<String> assignments) {
    Map<String, Map<String, Object>> changed = new LinkedHashMap<>();
    for (String assignment : assignments) {
      String where = "override -P " + assignment;
      int eq = assignment.indexOf('=');
      OutputRef target = eq < 0 ? null : OutputRef.parse(assignment.substring(0, eq).trim());
      if (target == null) {
        throw CairnException.invalid(where + ": write STEP.PARAM=VALUE, e.g. train.l2=0.1");
      }
      Node node = step(target.step()).orElseThrow(() -> CairnException.invalid(where + ": the pipeline has no step '"
          + target.step() + "'; its steps: " + String.join(", ", steps.stream().map(Node::name).toList())));
      ParamSpec spec = node.step().spec().params().get(target.output());
      if (spec == null) {
        throw CairnException.invalid(where + ": step '" + node.name() + "' (" + node.type() + ") has no parameter '"
            + target.output() + "'; its parameters: " + String.join(", ", node.step().spec().params().keySet()));
      }
      String text = assignment.substring(eq + 1);
      Object value = spec.type().parse(text);
      if (value == null) {
        throw CairnException.invalid(where + ": '" + text + "' is not " + spec.type().expected() + " (parameter '"
            + spec.name() + "' of step '" + node.name() + "' is " + spec.type().expected() + ")");
      }
      changed.computeIfAbsent(node.name(), k -> new LinkedHashMap<>()).put(spec.name(), value);
    }
    List<Node> result = new ArrayList<>();
    for (Node n : steps) {
      Map<String, Object> params = new LinkedHashMap<>(n.params());
      params.putAll(changed.getOrDefault(n.name(), Map.of()));
      result.add(new Node(n.name(), n.type(), n.step(), n.inputs(), params, n.cache()));
    }
    List<String> all = new ArrayList<>(overrides);
    all.addAll(assignments);
    return new Pipeline(name, result, source, all);
  }

  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** Builds a pipeline in Java; {@link #build} validates it as a YAML file is validated. */
  public static final class Builder {
    private final String name;
    private final List<PipelineValidation.Declared> declared = new ArrayList<>();

    private Builder(String name) {
      this.name = name;
    }

    /** Adds a step with no inputs and default parameters. */
    public Builder step(String stepName, Step step) {
      return step(stepName, step, s -> {});
    }

    /** Adds a step configured by {@code configure}: {@code s -> s.input("data", "load.table").param("l2", 0.1)}. */
    public Builder step(String stepName, Step step, Consumer<StepConfig> configure) {
      StepConfig config = new StepConfig();
      configure.accept(config);
      declared.add(new PipelineValidation.Declared(stepName, step.getClass().getName(), step, config.inputs,
          config.params, config.cache));
      return this;
    }

    public Pipeline build() {
      return PipelineValidation.validate(name, declared, key -> "pipeline '" + name + "', key " + key);
    }
  }

  /** The wiring and parameters of one step in the Java DSL. */
  public static final class StepConfig {
    private final Map<String, String> inputs = new LinkedHashMap<>();
    private final Map<String, Object> params = new LinkedHashMap<>();
    private boolean cache = true;

    private StepConfig() {}

    /** Wires input {@code input} to {@code ref}, written {@code "step.output"}. */
    public StepConfig input(String input, String ref) {
      if (inputs.put(input, ref) != null) {
        throw CairnException.invalid("input '" + input + "' is wired twice");
      }
      return this;
    }

    public StepConfig param(String param, Object value) {
      params.put(param, value);
      return this;
    }

    /** False: run the step every time, never from or into the cache. */
    public StepConfig cache(boolean cache) {
      this.cache = cache;
      return this;
    }
  }
}
