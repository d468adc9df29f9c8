package dev.cairn.server.lineage;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.data.version.DatasetRef;
import dev.cairn.data.version.DatasetVersion;
import dev.cairn.data.version.DatasetVersionStore;
import dev.cairn.lineage.LineageGraph;
import dev.cairn.lineage.LineageGraph.Kind;
import dev.cairn.lineage.LineageGraph.Node;
import dev.cairn.lineage.LineageGraph.Relation;
import dev.cairn.store.MetadataStore;
import dev.cairn.tracking.DatasetInput;
import dev.cairn.tracking.Experiment;
import dev.cairn.tracking.Page;
import dev.cairn.tracking.Run;
import dev.cairn.tracking.Tag;
import dev.cairn.tracking.ViewType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Answers the two lineage questions from records that already exist: what a model version was made from
 * (its source run, that run's dataset inputs, and the logged model between them for MLflow 3 clients), and
 * what was made from a dataset version (the runs that logged it as an input, and the versions they produced).
 * Nothing is copied at registration time, so lineage always reflects the run's recorded inputs.
 */
public final class LineageService {
  /** Where Cairn dataset versions logged as run inputs name themselves ({@code cairn-dataset:NAME@VERSION}). */
  static final String DATASET_SOURCE_PREFIX = "cairn-dataset:";
  /** MLflow's input tag naming how the run used the dataset (training, evaluation). */
  static final String CONTEXT_TAG = "mlflow.data.context";
  /** The most runs one reverse question follows; more are reported as truncated, not silently cut. */
  static final int MAX_RUNS = 1000;
  /** The tag naming the pipeline of a pipeline run (PipelineExecutor.TAG_PIPELINE). */
  static final String PIPELINE_TAG = dev.cairn.pipeline.PipelineExecutor.TAG_PIPELINE;

  private final MetadataStore tracking;
  private final DatasetVersionStore datasets;
  private final RegistryView registry;

  public LineageService(MetadataStore tracking, DatasetVersionStore datasets, RegistryView registry) {
    this.tracking = tracking;
    this.datasets = datasets;
    this.registry = registry;
  }

  /** Upstream of {@code models:/NAME/VERSION}: the version, its run, the run's data. */
  public LineageGraph ofModelVersion(String name, int version) {
    RegistryView.VersionFacts mv = registry.version(name, version).orElseThrow(() -> new CairnException(
        ErrorCode.RESOURCE_DOES_NOT_EXIST, "registered model '" + name + "' has no version " + version));
    LineageGraph.Builder graph = new LineageGraph.Builder();
    String modelNode = graph.add(modelNode(mv));
    if (mv.runId() == null) {
      return graph.build();
    }
    String runNode = addRun(graph, mv.runId());
    if (mv.loggedModelId() != null) {
      String logged = graph.add(new Node("logged-model:" + mv.loggedModelId(), Kind.LOGGED_MODEL, mv.loggedModelId(), null));
      graph.link(runNode, logged, Relation.PRODUCED, null).link(logged, modelNode, Relation.REGISTERED_AS, null);
    } else {
      graph.link(runNode, modelNode, Relation.PRODUCED, null);
    }
    return graph.build();
  }

  /** Downstream of a dataset version: the runs that logged it as an input and the model versions they produced. */
  public LineageGraph ofDatasetVersion(DatasetRef ref) {
    DatasetVersion dv = datasets.get(ref);
    LineageGraph.Builder graph = new LineageGraph.Builder();
    String dataNode = graph.add(datasetNode(dv));
    // the name is restricted to [A-Za-z0-9_.-] and the digest is hex, so the filter cannot be escaped
    String filter = "datasets.name = '" + dv.name() + "' AND datasets.digest = '" + dv.runInputDigest() + "'";
    List<String> experiments = experimentIds();
    int followed = 0;
    String token = null;
    do {
      if (experiments.isEmpty()) {
        break;
      }
      Page<Run> page = tracking.searchRuns(experiments, filter, ViewType.ALL, 200, List.of(), token);
      for (Run run : page.items()) {
        if (followed++ == MAX_RUNS) {
          graph.add(new Node("truncated", Kind.RUN, "more runs", Map.of("shown", Integer.toString(MAX_RUNS))));
          graph.link(dataNode, "truncated", Relation.INPUT_TO, null);
          return graph.build();
        }
        String runNode = graph.add(runNode(run));
        graph.link(dataNode, runNode, Relation.INPUT_TO, contextOf(run, dv));
        for (RegistryView.VersionFacts mv : registry.versionsOfRun(run.info().runId())) {
          String modelNode = graph.add(modelNode(mv));
          graph.link(runNode, modelNode, Relation.PRODUCED, null);
        }
      }
      token = page.nextPageToken();
    } while (token != null);
    return graph.build();
  }

  private List<String> experimentIds() {
    List<String> ids = new ArrayList<>();
    String token = null;
    do {
      Page<Experiment> page = tracking.searchExperiments(ViewType.ALL, null, List.of(), 1000, token);
      page.items().forEach(e -> ids.add(e.experimentId()));
      token = page.nextPageToken();
    } while (token != null);
    return ids;
  }

  private String addRun(LineageGraph.Builder graph, String runId) {
    Run run;
    try {
      run = tracking.getRun(runId);
    } catch (CairnException e) {
      if (e.code() != ErrorCode.RESOURCE_DOES_NOT_EXIST) {
        throw e;
      }
      return graph.add(new Node("run:" + runId, Kind.RUN, runId, Map.of("missing", "the run no longer exists")));
    }
    String runNode = graph.add(runNode(run));
    for (DatasetInput input : run.inputs()) {
      String dataNode = graph.add(datasetNode(input));
      graph.link(dataNode, runNode, Relation.INPUT_TO, context(input.tags()));
    }
    return runNode;
  }

  private Node datasetNode(DatasetInput input) {
    if (input.source() != null && input.source().startsWith(DATASET_SOURCE_PREFIX)) {
      try {
        DatasetVersion dv = datasets.get(DatasetRef.parse(input.source().substring(DATASET_SOURCE_PREFIX.length())));
        if (dv.runInputDigest().equals(input.digest())) {
          return datasetNode(dv);
        }
      } catch (CairnException e) {
        // a version deleted or renamed since, or a source we cannot parse: show what the run recorded
      }
    }
    Map<String, String> facts = new LinkedHashMap<>();
    facts.put("digest", input.digest());
    if (input.source() != null) {
      facts.put("source", input.source());
    }
    return new Node("dataset:" + input.name() + "#" + input.digest(), Kind.DATASET_VERSION, input.name(), facts);
  }

  private static Node datasetNode(DatasetVersion dv) {
    Map<String, String> facts = new LinkedHashMap<>();
    facts.put("sha256", dv.manifestSha256().substring(0, 12));
    if (dv.rowCount() != null) {
      facts.put("rows", Long.toString(dv.rowCount()));
    }
    return new Node("dataset:" + dv.name() + "@" + dv.version(), Kind.DATASET_VERSION, dv.name() + "@" + dv.version(), facts);
  }

  /** A run, or a pipeline run (tag {@value #PIPELINE_TAG}: the UI links it to its steps) naming its pipeline first. */
  private static Node runNode(Run run) {
    Map<String, String> facts = new LinkedHashMap<>();
    String pipeline = run.tags().stream().filter(t -> t.key().equals(PIPELINE_TAG)).map(Tag::value).findFirst()
        .orElse(null);
    if (pipeline != null) {
      facts.put("pipeline", pipeline);
    } else if (run.info().runName() != null) {
      facts.put("name", run.info().runName());
    }
    facts.put("status", run.info().status().name());
    facts.put("experiment", run.info().experimentId());
    return new Node("run:" + run.info().runId(), pipeline == null ? Kind.RUN : Kind.PIPELINE_RUN, run.info().runId(),
        facts);
  }

  private static Node modelNode(RegistryView.VersionFacts mv) {
    Map<String, String> facts = new LinkedHashMap<>();
    if (mv.status() != null) {
      facts.put("status", mv.status());
    }
    if (!mv.aliases().isEmpty()) {
      facts.put("aliases", String.join(" ", mv.aliases()));
    }
    return new Node("model:" + mv.name() + "/" + mv.version(), Kind.MODEL_VERSION, mv.name() + "/" + mv.version(), facts);
  }

  private static String contextOf(Run run, DatasetVersion dv) {
    for (DatasetInput input : run.inputs()) {
      if (input.name().equals(dv.name()) && input.digest().equals(dv.runInputDigest())) {
        return context(input.tags());
      }
    }
    return null;
  }

  private static String context(List<Tag> tags) {
    for (Tag t : tags) {
      if (t.key().equals(CONTEXT_TAG)) {
        return t.value();
      }
    }
    return null;
  }
}
