package dev.cairn.cli;

import dev.cairn.client.LineageClient;
import dev.cairn.lineage.LineageGraph;
import dev.cairn.lineage.LineageTree;
import dev.cairn.lineage.LineageTree.Direction;
import dev.cairn.server.lineage.LineageRoutes;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code cairn lineage}: what a model version was made from, or what was made from a dataset version. */
@Command(name = "lineage", description = "What a model version was made from, or (--dataset) what was made from data.",
    footer = {"", "Examples:", "  cairn lineage models:/churn/3", "  cairn lineage --dataset churn@2"})
final class LineageCommand implements Callable<Integer> {
  @Mixin TrackingServer trackingServer;

  @Spec CommandSpec spec;

  @Parameters(index = "0", arity = "0..1", paramLabel = "MODEL_URI",
      description = "A model version, models:/NAME/VERSION: prints its run and the run's dataset versions.")
  String modelUri;

  @Option(names = "--dataset", paramLabel = "NAME@VERSION",
      description = "A dataset version: prints the runs that read it and the model versions they produced.")
  String dataset;

  @Option(names = "--json", description = "Print the REST API's lineage answer (nodes and edges) instead of a tree.")
  boolean json;

  @Override
  public Integer call() {
    if ((modelUri == null) == (dataset == null)) {
      throw new ParameterException(spec.commandLine(),
          "give either a model version (models:/NAME/VERSION) or --dataset NAME@VERSION");
    }
    LineageClient lineage = Main.client(spec).lineage();
    LineageGraph graph = modelUri != null ? lineage.ofModelVersion(modelUri) : lineage.ofDatasetVersion(dataset);
    Direction direction = modelUri != null ? Direction.UPSTREAM : Direction.DOWNSTREAM;
    String root = graph.nodes().get(0).id();
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      Output.json(out, LineageRoutes.render(graph, root, direction.name().toLowerCase(java.util.Locale.ROOT)));
    } else {
      out.print(LineageTree.render(graph, root, direction));
      out.flush();
    }
    return 0;
  }
}
