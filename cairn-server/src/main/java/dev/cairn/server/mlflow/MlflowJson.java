package dev.cairn.server.mlflow;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.tracking.DatasetInput;
import dev.cairn.tracking.Experiment;
import dev.cairn.tracking.Metric;
import dev.cairn.tracking.Param;
import dev.cairn.tracking.Run;
import dev.cairn.tracking.RunInfo;
import dev.cairn.tracking.Tag;
import java.util.List;

/**
 * Renders tracking records as MLflow's proto JSON: snake_case names, int64 as JSON numbers (as MLflow's
 * message_to_json does; protobuf parsers accept both), non-finite doubles as "NaN"/"Infinity"/"-Infinity".
 * Public for the CLI's --json output, which prints what the REST API answers.
 */
public final class MlflowJson {
  static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private MlflowJson() {}

  static ObjectNode object() {
    return NODES.objectNode();
  }

  public static ObjectNode experiment(Experiment e) {
    ObjectNode n = object();
    n.put("experiment_id", e.experimentId());
    n.put("name", e.name());
    if (e.artifactLocation() != null) {
      n.put("artifact_location", e.artifactLocation());
    }
    n.put("lifecycle_stage", e.lifecycleStage().wire());
    n.put("last_update_time", e.lastUpdateTime());
    n.put("creation_time", e.creationTime());
    n.set("tags", tags(e.tags()));
    return n;
  }

  static ObjectNode runInfo(RunInfo r) {
    ObjectNode n = object();
    n.put("run_id", r.runId());
    n.put("run_uuid", r.runId());
    if (r.runName() != null) {
      n.put("run_name", r.runName());
    }
    n.put("experiment_id", r.experimentId());
    if (r.userId() != null) {
      n.put("user_id", r.userId());
    }
    n.put("status", r.status().name());
    n.put("start_time", r.startTime());
    if (r.endTime() != null) {
      n.put("end_time", r.endTime());
    }
    if (r.artifactUri() != null) {
      n.put("artifact_uri", r.artifactUri());
    }
    n.put("lifecycle_stage", r.lifecycleStage().wire());
    return n;
  }

  public static ObjectNode run(Run run) {
    ObjectNode n = object();
    n.set("info", runInfo(run.info()));
    ObjectNode data = n.putObject("data");
    ArrayNode metrics = data.putArray("metrics");
    run.metrics().forEach(m -> metrics.add(metric(m)));
    ArrayNode params = data.putArray("params");
    for (Param p : run.params()) {
      params.addObject().put("key", p.key()).put("value", p.value());
    }
    data.set("tags", tags(run.tags()));
    ArrayNode inputs = n.putObject("inputs").putArray("dataset_inputs");
    run.inputs().forEach(d -> inputs.add(datasetInput(d)));
    return n;
  }

  public static ObjectNode metric(Metric m) {
    ObjectNode n = object();
    n.put("key", m.key());
    putDouble(n, "value", m.value());
    n.put("timestamp", m.timestamp());
    n.put("step", m.step());
    return n;
  }

  static ObjectNode datasetInput(DatasetInput d) {
    ObjectNode n = object();
    n.set("tags", tags(d.tags()));
    ObjectNode ds = n.putObject("dataset");
    ds.put("name", d.name());
    ds.put("digest", d.digest());
    putIfPresent(ds, "source_type", d.sourceType());
    putIfPresent(ds, "source", d.source());
    putIfPresent(ds, "schema", d.schema());
    putIfPresent(ds, "profile", d.profile());
    return n;
  }

  static ArrayNode tags(List<Tag> tags) {
    ArrayNode a = NODES.arrayNode();
    for (Tag t : tags) {
      a.addObject().put("key", t.key()).put("value", t.value());
    }
    return a;
  }

  /** Proto JSON has no literal for non-finite doubles; it writes them as strings. */
  static void putDouble(ObjectNode n, String field, double value) {
    if (Double.isNaN(value)) {
      n.put(field, "NaN");
    } else if (value == Double.POSITIVE_INFINITY) {
      n.put(field, "Infinity");
    } else if (value == Double.NEGATIVE_INFINITY) {
      n.put(field, "-Infinity");
    } else {
      n.put(field, value);
    }
  }

  private static void putIfPresent(ObjectNode n, String field, String value) {
    if (value != null) {
      n.put(field, value);
    }
  }
}
