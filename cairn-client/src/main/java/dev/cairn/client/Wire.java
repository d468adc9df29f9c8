package dev.cairn.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.tracking.DatasetInput;
import dev.cairn.tracking.Experiment;
import dev.cairn.tracking.LifecycleStage;
import dev.cairn.tracking.Metric;
import dev.cairn.tracking.Param;
import dev.cairn.tracking.Run;
import dev.cairn.tracking.RunInfo;
import dev.cairn.tracking.RunStatus;
import dev.cairn.tracking.Tag;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** MLflow's REST JSON (snake_case, proto3 JSON) to and from the domain records of cairn-core. */
final class Wire {
  private Wire() {}

  static ObjectNode object() {
    return Http.READER.createObjectNode();
  }

  static Experiment experiment(JsonNode n) {
    return new Experiment(
        n.path("experiment_id").asText(),
        n.path("name").asText(),
        text(n, "artifact_location"),
        stage(n),
        n.path("creation_time").asLong(0),
        n.path("last_update_time").asLong(0),
        tags(n.path("tags")));
  }

  static RunInfo runInfo(JsonNode n) {
    String runId = n.hasNonNull("run_id") ? n.get("run_id").asText() : n.path("run_uuid").asText();
    return new RunInfo(
        runId,
        text(n, "run_name"),
        n.path("experiment_id").asText(),
        text(n, "user_id"),
        n.hasNonNull("status") ? RunStatus.valueOf(n.get("status").asText()) : RunStatus.RUNNING,
        n.path("start_time").asLong(0),
        n.hasNonNull("end_time") ? n.get("end_time").asLong() : null,
        text(n, "artifact_uri"),
        stage(n));
  }

  static Run run(JsonNode n) {
    JsonNode data = n.path("data");
    List<Metric> metrics = new ArrayList<>();
    for (JsonNode m : data.path("metrics")) {
      metrics.add(metric(m));
    }
    List<Param> params = new ArrayList<>();
    for (JsonNode p : data.path("params")) {
      params.add(new Param(p.path("key").asText(), text(p, "value")));
    }
    List<DatasetInput> inputs = new ArrayList<>();
    for (JsonNode d : n.path("inputs").path("dataset_inputs")) {
      JsonNode ds = d.path("dataset");
      inputs.add(new DatasetInput(ds.path("name").asText(), ds.path("digest").asText(), text(ds, "source_type"),
          text(ds, "source"), text(ds, "schema"), text(ds, "profile"), tags(d.path("tags"))));
    }
    return new Run(runInfo(n.path("info")), metrics, params, tags(data.path("tags")), inputs);
  }

  static Metric metric(JsonNode m) {
    return new Metric(m.path("key").asText(), number(m.path("value")), m.path("timestamp").asLong(0),
        m.path("step").asLong(0));
  }

  /** Proto3 JSON writes non-finite doubles as the strings "NaN", "Infinity" and "-Infinity". */
  static double number(JsonNode v) {
    if (v.isTextual()) {
      return switch (v.asText()) {
        case "NaN" -> Double.NaN;
        case "Infinity", "inf" -> Double.POSITIVE_INFINITY;
        case "-Infinity", "-inf" -> Double.NEGATIVE_INFINITY;
        default -> Double.parseDouble(v.asText());
      };
    }
    return v.asDouble();
  }

  static List<Tag> tags(JsonNode array) {
    List<Tag> out = new ArrayList<>();
    for (JsonNode t : array) {
      out.add(new Tag(t.path("key").asText(), text(t, "value")));
    }
    return out;
  }

  static ArrayNode tagArray(Collection<Tag> tags) {
    ArrayNode a = Http.READER.createArrayNode();
    for (Tag t : tags) {
      a.addObject().put("key", t.key()).put("value", t.value());
    }
    return a;
  }

  static ObjectNode metricJson(Metric m) {
    ObjectNode o = object().put("key", m.key());
    double v = m.value();
    if (Double.isNaN(v)) {
      o.put("value", "NaN");
    } else if (Double.isInfinite(v)) {
      o.put("value", v > 0 ? "Infinity" : "-Infinity");
    } else {
      o.put("value", v);
    }
    return o.put("timestamp", m.timestamp()).put("step", m.step());
  }

  static ObjectNode datasetInputJson(DatasetInput d) {
    ObjectNode input = object();
    input.set("tags", tagArray(d.tags()));
    ObjectNode ds = input.putObject("dataset");
    ds.put("name", d.name()).put("digest", d.digest());
    putIfPresent(ds, "source_type", d.sourceType());
    putIfPresent(ds, "source", d.source());
    putIfPresent(ds, "schema", d.schema());
    putIfPresent(ds, "profile", d.profile());
    return input;
  }

  static void putIfPresent(ObjectNode o, String field, String value) {
    if (value != null) {
      o.put(field, value);
    }
  }

  private static LifecycleStage stage(JsonNode n) {
    return n.hasNonNull("lifecycle_stage") ? LifecycleStage.fromWire(n.get("lifecycle_stage").asText())
        : LifecycleStage.ACTIVE;
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }
}
