package dev.cairn.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.client.CairnClient;
import dev.cairn.server.mlflow.MlflowJson;
import dev.cairn.tracking.Experiment;
import dev.cairn.tracking.Page;
import dev.cairn.tracking.ViewType;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code cairn experiments}: create and list experiments. */
@Command(name = "experiments", description = "Create and list experiments.",
    subcommands = {ExperimentsCommand.Create.class, ExperimentsCommand.ListExperiments.class})
final class ExperimentsCommand implements Runnable {
  @Mixin TrackingServer trackingServer;

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: "
        + String.join(", ", spec.subcommands().keySet()));
  }

  @Command(name = "create", description = "Create an experiment and print its id.")
  static final class Create implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME", description = "Experiment name (unique).")
    String name;

    @Option(names = "--artifact-location", paramLabel = "URI",
        description = "Where the experiment's artifacts go (default: the server's artifact store).")
    String artifactLocation;

    @Option(names = "--json", description = "Print the REST API's experiments/create answer instead of the bare id.")
    boolean json;

    @Override
    public Integer call() {
      CairnClient client = Main.client(spec);
      String id = client.createExperiment(name, artifactLocation, List.of());
      if (json) {
        Output.json(spec.commandLine().getOut(), Output.object().put("experiment_id", id));
      } else {
        spec.commandLine().getOut().println(id);
        spec.commandLine().getOut().flush();
      }
      return 0;
    }
  }

  @Command(name = "list", description = "List experiments.")
  static final class ListExperiments implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--all", description = "Include deleted experiments.")
    boolean all;

    @Option(names = "--filter", paramLabel = "EXPR", description = "MLflow filter, e.g. \"name LIKE 'churn%%'\".")
    String filter;

    @Option(names = "--max-results", paramLabel = "N", defaultValue = "1000",
        description = "Page size (default: ${DEFAULT-VALUE}).")
    int maxResults;

    @Option(names = "--json", description = "Print the REST API's experiments/search answer instead of a table.")
    boolean json;

    @Override
    public Integer call() {
      CairnClient client = Main.client(spec);
      Page<Experiment> page = client.searchExperiments(filter, List.of(), maxResults, null,
          all ? ViewType.ALL : ViewType.ACTIVE_ONLY);
      if (json) {
        ObjectNode body = Output.object();
        ArrayNode list = body.putArray("experiments");
        page.items().forEach(e -> list.add(MlflowJson.experiment(e)));
        if (page.hasNext()) {
          body.put("next_page_token", page.nextPageToken());
        }
        Output.json(spec.commandLine().getOut(), body);
        return 0;
      }
      Table table = new Table("ID", "NAME", "STAGE", "CREATED", "ARTIFACT_LOCATION");
      for (Experiment e : page.items()) {
        table.row(e.experimentId(), e.name(), e.lifecycleStage().wire(), Output.time(e.creationTime()),
            e.artifactLocation());
      }
      table.print(spec.commandLine().getOut());
      if (page.hasNext()) {
        spec.commandLine().getErr().println("(more experiments: raise --max-results)");
      }
      return 0;
    }
  }
}
