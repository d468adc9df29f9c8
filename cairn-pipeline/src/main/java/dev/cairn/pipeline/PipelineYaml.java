package dev.cairn.pipeline;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.cairn.core.CairnException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads {@code pipeline.yaml} (syntax in docs/pipelines.md):
 * <pre>
 * name: churn
 * params: params.yaml          # optional: {step: {param: value}}, relative to this file
 * steps:
 *   load:
 *     uses: csv-source         # a registered built-in, or
 *   train:
 *     class: com.example.Train # a Step class with a public no-argument constructor
 *     inputs:
 *       data: load.table       # input name: STEP.OUTPUT
 *     params:
 *       l2: 0.01
 *     cache: false             # optional, default true
 * </pre>
 * A parameter's value is, from lowest to highest precedence: its declared default, the step's {@code params:} in
 * the pipeline file, the params file, then command-line overrides ({@code -P train.l2=0.1}, typed by the declared
 * parameter type). Every error names the file, the line and the key.
 */
public final class PipelineYaml {
  private static final YAMLFactory YAML = new YAMLFactory();
  private static final Set<String> TOP_KEYS = Set.of("name", "params", "steps");
  private static final Set<String> STEP_KEYS = Set.of("uses", "class", "inputs", "params", "cache");

  private PipelineYaml() {}

  /** Loads and validates {@code file}, then applies {@code overrides} ({@code STEP.PARAM=VALUE} each). */
  public static Pipeline load(Path file, StepRegistry registry, List<String> overrides) {
    Parsed parsed = Parsed.read(file);
    if (!(parsed.root instanceof Map<?, ?> root)) {
      throw CairnException.invalid(parsed.at("") + ": a pipeline file is a mapping with name and steps");
    }
    Map<String, String> where = new HashMap<>();
    parsed.lines.forEach((k, line) -> where.put(k, parsed.file + " line " + line));
    for (Object key : root.keySet()) {
      if (!TOP_KEYS.contains(key)) {
        throw CairnException.invalid(parsed.at(key.toString()) + ": unknown key '" + key + "'; known: name, params, "
            + "steps");
      }
    }
    Object name = root.get("name");
    if (!(name instanceof String pipelineName)) {
      throw CairnException.invalid(parsed.at("name") + ": name is " + ParamType.describe(name)
          + "; give the pipeline a name");
    }
    if (!(root.get("steps") instanceof Map<?, ?> steps) || steps.isEmpty()) {
      throw CairnException.invalid(parsed.at("steps") + ": steps must be a mapping of step name to step");
    }
    List<PipelineValidation.Declared> declared = new ArrayList<>();
    for (Map.Entry<?, ?> entry : steps.entrySet()) {
      declared.add(step(parsed, entry.getKey().toString(), entry.getValue(), registry));
    }
    Object paramsFile = root.get("params");
    if (paramsFile != null) {
      if (!(paramsFile instanceof String relative)) {
        throw CairnException.invalid(parsed.at("params") + ": params is " + ParamType.describe(paramsFile)
            + "; give the path of a YAML params file");
      }
      mergeParamsFile(parsed, file.toAbsolutePath().getParent().resolve(relative), declared, where);
    }
    Pipeline pipeline = PipelineValidation.validate(pipelineName, declared, key -> locate(where, key, parsed.file))
        .withSource(file.toAbsolutePath().normalize().toString());
    return overrides == null || overrides.isEmpty() ? pipeline : pipeline.withOverrides(overrides);
  }

  private static PipelineValidation.Declared step(Parsed parsed, String stepName, Object value,
      StepRegistry registry) {
    String key = "steps." + stepName;
    if (!(value instanceof Map<?, ?> body)) {
      throw CairnException.invalid(parsed.at(key) + ": step '" + stepName + "' must be a mapping with uses: or "
          + "class:");
    }
    for (Object k : body.keySet()) {
      if (!STEP_KEYS.contains(k)) {
        throw CairnException.invalid(parsed.at(key + "." + k) + ": unknown key '" + k + "' in step '" + stepName
            + "'; known: uses, class, inputs, params, cache");
      }
    }
    Object uses = body.get("uses");
    Object className = body.get("class");
    if ((uses == null) == (className == null)) {
      throw CairnException.invalid(parsed.at(key) + ": step '" + stepName + "' needs exactly one of uses: (a "
          + "built-in step) or class: (a Java class)");
    }
    String typeKey = key + (uses != null ? ".uses" : ".class");
    Object type = uses != null ? uses : className;
    if (!(type instanceof String typeName)) {
      throw CairnException.invalid(parsed.at(typeKey) + ": " + ParamType.describe(type) + " is not a step type");
    }
    Step step;
    try {
      step = uses != null ? registry.create(typeName) : registry.createClass(typeName);
    } catch (CairnException e) {
      throw CairnException.invalid(parsed.at(typeKey) + ": " + e.getMessage());
    }
    Map<String, String> inputs = new LinkedHashMap<>();
    Object rawInputs = body.get("inputs");
    if (rawInputs != null) {
      if (!(rawInputs instanceof Map<?, ?> map)) {
        throw CairnException.invalid(parsed.at(key + ".inputs") + ": inputs must be a mapping of input name to "
            + "STEP.OUTPUT");
      }
      for (Map.Entry<?, ?> in : map.entrySet()) {
        if (!(in.getValue() instanceof String ref)) {
          throw CairnException.invalid(parsed.at(key + ".inputs." + in.getKey()) + ": input '" + in.getKey()
              + "' is " + ParamType.describe(in.getValue()) + "; write STEP.OUTPUT, e.g. load.table");
        }
        inputs.put(in.getKey().toString(), ref);
      }
    }
    Map<String, Object> params = new LinkedHashMap<>();
    Object rawParams = body.get("params");
    if (rawParams != null) {
      if (!(rawParams instanceof Map<?, ?> map)) {
        throw CairnException.invalid(parsed.at(key + ".params") + ": params must be a mapping of name to value");
      }
      map.forEach((k, v) -> params.put(k.toString(), v));
    }
    Object cache = body.get("cache");
    if (cache != null && !(cache instanceof Boolean)) {
      throw CairnException.invalid(parsed.at(key + ".cache") + ": cache is " + ParamType.describe(cache)
          + "; expected true or false");
    }
    return new PipelineValidation.Declared(stepName, typeName, step, inputs, params, cache == null || (Boolean) cache);
  }

  /** Puts the params file's values over the pipeline file's, remembering where each came from. */
  private static void mergeParamsFile(Parsed pipelineFile, Path file, List<PipelineValidation.Declared> declared,
      Map<String, String> where) {
    Parsed params = Parsed.read(file);
    if (params.root == null) {
      return; // an empty params file sets nothing
    }
    if (!(params.root instanceof Map<?, ?> root)) {
      throw CairnException.invalid(params.at("") + ": a params file maps step names to {parameter: value}");
    }
    Map<String, PipelineValidation.Declared> byName = new LinkedHashMap<>();
    declared.forEach(d -> byName.put(d.name(), d));
    for (Map.Entry<?, ?> entry : root.entrySet()) {
      String stepName = entry.getKey().toString();
      PipelineValidation.Declared d = byName.get(stepName);
      if (d == null) {
        throw CairnException.invalid(params.at(stepName) + ": the pipeline (" + pipelineFile.file.getFileName()
            + ") has no step '" + stepName + "'; its steps: " + String.join(", ", byName.keySet()));
      }
      if (!(entry.getValue() instanceof Map<?, ?> values)) {
        throw CairnException.invalid(params.at(stepName) + ": step '" + stepName + "' must map parameter names to "
            + "values");
      }
      for (Map.Entry<?, ?> value : values.entrySet()) {
        d.params().put(value.getKey().toString(), value.getValue());
        Integer line = params.lines.get(stepName + "." + value.getKey());
        where.put("steps." + stepName + ".params." + value.getKey(), file + " line " + line);
      }
    }
  }

  /** Where a key is written (or its nearest written parent, when the key itself is missing), and the key. */
  private static String locate(Map<String, String> where, String key, Path file) {
    String k = key;
    String place = where.get(k);
    while (place == null && k.contains(".")) {
      k = k.substring(0, k.lastIndexOf('.'));
      place = where.get(k);
    }
    return (place == null ? file + " line 1" : place) + ", key '" + key + "'";
  }

  /** A YAML file read into maps, lists and scalars, with the line of every key ("a.b.c") kept. */
  private static final class Parsed {
    final Path file;
    final Object root;
    final Map<String, Integer> lines = new HashMap<>();

    private Parsed(Path file, JsonParser parser) throws IOException {
      this.file = file;
      JsonToken first = parser.nextToken();
      this.root = first == null ? null : value(parser, "");
    }

    static Parsed read(Path file) {
      try (JsonParser parser = YAML.createParser(Files.newInputStream(file))) {
        return new Parsed(file, parser);
      } catch (NoSuchFileException e) {
        throw CairnException.invalid("file " + file + " does not exist");
      } catch (IOException e) {
        String line = e instanceof com.fasterxml.jackson.core.JsonProcessingException p && p.getLocation() != null
            ? " line " + p.getLocation().getLineNr() : "";
        throw CairnException.invalid(file + line + ": not valid YAML: "
            + (e instanceof com.fasterxml.jackson.core.JsonProcessingException p ? p.getOriginalMessage()
                : e.getMessage()));
      }
    }

    /** "FILE line N, key 'K'" for a key path; the document start for "". */
    String at(String key) {
      String k = key;
      Integer line = lines.get(k);
      while (line == null && k.contains(".")) {
        k = k.substring(0, k.lastIndexOf('.'));
        line = lines.get(k);
      }
      return file + " line " + (line == null ? 1 : line) + (key.isEmpty() ? "" : ", key '" + key + "'");
    }

    private Object value(JsonParser parser, String path) throws IOException {
      JsonToken token = parser.currentToken();
      switch (token) {
        case START_OBJECT -> {
          Map<String, Object> map = new LinkedHashMap<>();
          while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            String child = path.isEmpty() ? name : path + "." + name;
            lines.put(child, parser.currentTokenLocation().getLineNr());
            parser.nextToken();
            if (map.containsKey(name)) {
              throw CairnException.invalid(at(child) + ": key '" + name + "' is written twice");
            }
            map.put(name, value(parser, child));
          }
          return map;
        }
        case START_ARRAY -> {
          List<Object> list = new ArrayList<>();
          int i = 0;
          while (parser.nextToken() != JsonToken.END_ARRAY) {
            list.add(value(parser, path + "[" + i++ + "]"));
          }
          return list;
        }
        case VALUE_STRING -> {
          return parser.getText();
        }
        case VALUE_NUMBER_INT -> {
          return parser.getNumberValue();
        }
        case VALUE_NUMBER_FLOAT -> {
          return parser.getDoubleValue();
        }
        case VALUE_TRUE -> {
          return Boolean.TRUE;
        }
        case VALUE_FALSE -> {
          return Boolean.FALSE;
        }
        case VALUE_NULL -> {
          return null;
        }
        default -> throw CairnException.invalid(at(path) + ": unexpected YAML content " + token);
      }
    }
  }
}
