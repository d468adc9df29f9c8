package dev.cairn.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.core.CairnException;
import dev.cairn.lineage.LineageGraph;
import dev.cairn.lineage.LineageGraph.Kind;
import dev.cairn.lineage.LineageGraph.Relation;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Lineage questions, answered by the server's {@code /api/cairn/v1/lineage}: what a registered model version was
 * made from, and what was made from a dataset version. The first node of each graph is the one asked about.
 * Get one from {@link CairnClient#lineage()}.
 */
public final class LineageClient {
  private static final Pattern VERSION_URI = Pattern.compile("models:/([^/@]+)/([0-9]+)");
  private final Http http;

  LineageClient(Http http) {
    this.http = http;
  }

  /** Upstream of a version: its run, and the dataset versions that run read. */
  public LineageGraph ofModelVersion(String name, int version) {
    return graph(http.get("/api/cairn/v1/lineage", Map.of("model", name, "version", Integer.toString(version))));
  }

  /** As {@link #ofModelVersion(String, int)}, for {@code models:/NAME/VERSION}. */
  public LineageGraph ofModelVersion(String modelUri) {
    Matcher m = VERSION_URI.matcher(modelUri == null ? "" : modelUri.strip());
    if (!m.matches()) {
      throw CairnException.invalid("'" + modelUri + "' is not a model version URI; use models:/NAME/VERSION"
          + " (e.g. models:/churn/3)");
    }
    return ofModelVersion(m.group(1), Integer.parseInt(m.group(2)));
  }

  /** Downstream of a dataset version ({@code NAME@VERSION}): the runs that read it and the versions they produced. */
  public LineageGraph ofDatasetVersion(String ref) {
    return graph(http.get("/api/cairn/v1/lineage", Map.of("dataset", ref)));
  }

  static LineageGraph graph(JsonNode body) {
    LineageGraph.Builder graph = new LineageGraph.Builder();
    for (JsonNode n : body.path("nodes")) {
      Map<String, String> attributes = new LinkedHashMap<>();
      n.path("attributes").fields().forEachRemaining(f -> attributes.put(f.getKey(), f.getValue().asText()));
      graph.add(new LineageGraph.Node(n.path("id").asText(), Kind.valueOf(n.path("kind").asText()),
          n.path("label").asText(), attributes));
    }
    for (JsonNode e : body.path("edges")) {
      graph.link(e.path("from").asText(), e.path("to").asText(), Relation.valueOf(e.path("relation").asText()),
          e.hasNonNull("detail") ? e.get("detail").asText() : null);
    }
    return graph.build();
  }
}
