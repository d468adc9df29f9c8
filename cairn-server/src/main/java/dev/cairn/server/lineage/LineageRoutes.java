package dev.cairn.server.lineage;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.core.CairnException;
import dev.cairn.data.version.DatasetRef;
import dev.cairn.lineage.LineageGraph;
import dev.cairn.server.http.Responses;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

/**
 * Cairn REST for lineage:
 * <pre>
 * GET /api/cairn/v1/lineage?model=NAME&amp;version=N   what the version was made from (upstream)
 * GET /api/cairn/v1/lineage?dataset=NAME@V            what was made from the dataset version (downstream)
 * </pre>
 * answering {@code {"root", "direction", "nodes": [{id, kind, label, attributes}], "edges": [{from, to, relation, detail}]}}.
 */
public final class LineageRoutes {
  public static final String PATH = "/api/cairn/v1/lineage";

  private LineageRoutes() {}

  public static void register(RoutesConfig routes, LineageService service) {
    routes.get(PATH, ctx -> answer(ctx, service));
  }

  private static void answer(Context ctx, LineageService service) {
    String model = ctx.queryParam("model");
    String dataset = ctx.queryParam("dataset");
    if ((model == null) == (dataset == null)) {
      throw CairnException.invalid("lineage needs exactly one of 'model' (with 'version') or 'dataset' (NAME@VERSION)");
    }
    if (model != null) {
      int version = versionNumber(ctx.queryParam("version"));
      Responses.json(ctx, 200, render(service.ofModelVersion(model, version), "model:" + model + "/" + version, "upstream"));
      return;
    }
    DatasetRef ref = DatasetRef.parse(dataset);
    LineageGraph graph = service.ofDatasetVersion(ref);
    Responses.json(ctx, 200, render(graph, graph.nodes().get(0).id(), "downstream"));
  }

  static int versionNumber(String text) {
    if (text == null || text.isBlank()) {
      throw CairnException.invalid("lineage of a model needs 'version' (a whole number from 1)");
    }
    try {
      int v = Integer.parseInt(text.strip());
      if (v >= 1) {
        return v;
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw CairnException.invalid("'version' must be a whole number from 1, not '" + text + "'");
  }

  /** The graph as JSON, nodes and edges in the graph's order. */
  public static ObjectNode render(LineageGraph graph, String root, String direction) {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.put("root", root);
    body.put("direction", direction);
    ArrayNode nodes = body.putArray("nodes");
    for (LineageGraph.Node n : graph.nodes()) {
      ObjectNode node = nodes.addObject().put("id", n.id()).put("kind", n.kind().name()).put("label", n.label());
      ObjectNode attributes = node.putObject("attributes");
      n.attributes().forEach(attributes::put);
    }
    ArrayNode edges = body.putArray("edges");
    for (LineageGraph.Edge e : graph.edges()) {
      ObjectNode edge = edges.addObject().put("from", e.from()).put("to", e.to()).put("relation", e.relation().name());
      if (e.detail() != null) {
        edge.put("detail", e.detail());
      }
    }
    return body;
  }
}
