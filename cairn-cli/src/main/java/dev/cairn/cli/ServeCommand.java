package dev.cairn.cli;

import dev.cairn.client.CairnClient;
import dev.cairn.client.ModelRegistryClient;
import dev.cairn.core.CairnException;
import dev.cairn.server.CairnServer;
import dev.cairn.server.CairnServer.ServerConfig;
import dev.cairn.server.ServingReplica;
import dev.cairn.server.inference.InferenceRoutes;
import dev.cairn.serving.log.PredictionSink;
import dev.cairn.serving.protocol.Limits;
import dev.cairn.serving.serve.SingleModel;
import io.javalin.Javalin;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cairn serve}: one model over OIP v2 and MLflow's {@code /invocations}, with no server database and no
 * deployment record. The model is downloaded (and verified) once from the tracking server, or read from a bundle
 * folder; it answers as {@code /v2/models/NAME/...}, {@code /deployments/NAME/invocations} and {@code /invocations}.
 * With {@code --deployments} it is a serving replica instead ({@link ServingReplica}): those deployments, read from
 * the database and artifact store a {@code cairn server} shares, kept current by polling.
 */
@Command(name = "serve", description = {"Serve one model over OIP v2 and /invocations until Ctrl-C: a bundle folder, "
    + "models:/NAME@ALIAS or models:/NAME/VERSION (downloaded from the tracking server).",
    "With --deployments: a stateless serving replica of those deployments on the server's shared PostgreSQL "
        + "and artifact store (run several behind a load balancer)."})
final class ServeCommand implements Callable<Integer> {
  @Mixin TrackingServer trackingServer;

  @Spec CommandSpec spec;

  @Parameters(index = "0", arity = "0..1", paramLabel = "MODEL",
      description = "A bundle folder, models:/NAME@ALIAS or models:/NAME/N (not with --deployments).")
  String model;

  @Option(names = "--host", paramLabel = "HOST", defaultValue = "127.0.0.1",
      description = "Address to bind; one model has no authentication, a replica the server's (on beyond loopback)"
          + " (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--deployments", paramLabel = "NAME", split = ",",
      description = "Serve these deployments as a replica of the server's (comma-separated), instead of MODEL.")
  List<String> deployments;

  @Option(names = "--backend-store-uri", paramLabel = "URI",
      description = "With --deployments: the server's database, postgresql://... (SQLite is refused).")
  String backendStoreUri;

  @Option(names = "--artifacts-uri", paramLabel = "URI",
      description = "With --deployments: the server's artifact store, s3://bucket/prefix or file:PATH (default: "
          + ServerConfig.DEFAULT_ARTIFACTS_URI + ").")
  String artifactsUri;

  @Option(names = "--refresh-ms", paramLabel = "MS", defaultValue = "2000",
      description = "With --deployments: how often to look for changed routes, moved aliases and deleted "
          + "deployments, in milliseconds (default: ${DEFAULT-VALUE}).")
  long refreshMillis;

  @Option(names = "--auth", description = "With --deployments: require authentication on loopback too.")
  boolean auth;

  @Option(names = "--port", paramLabel = "P", defaultValue = "8080", description = "Port (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--name", paramLabel = "NAME", description = "The name in the URLs for a bundle folder (default: "
      + "the folder's name); a models:/ URI uses its model's name.")
  String name;

  @Override
  public Integer call() throws IOException {
    if (port < 0 || port > 65535) {
      throw new ParameterException(spec.commandLine(), "--port " + port + " is out of range; use 0 to 65535");
    }
    if (deployments != null) {
      return serveDeployments();
    }
    if (model == null) {
      throw new ParameterException(spec.commandLine(), "MODEL is missing: give a bundle folder or models:/ URI, or"
          + " --deployments NAME,... to serve deployments as a replica");
    }
    Path downloaded = null;
    SingleModel served;
    try {
      if (model.startsWith("models:/")) {
        ModelsCommand.checkUri(spec, model);
        CairnClient client = Main.client(spec);
        ModelRegistryClient.Resolved resolved = client.models().resolve(model);
        downloaded = Files.createTempDirectory("cairn-serve-");
        Path bundle = ScoreCommand.findBundle(client.models().downloadVerified(model, downloaded.resolve("model"),
            CairnClient.Progress.NONE).folder(), model);
        served = SingleModel.load(resolved.name(), resolved.version() == null ? 1 : resolved.version(), bundle,
            PredictionSink.NONE, Limits.DEFAULT);
      } else {
        Path bundle = Path.of(model);
        if (!Files.isDirectory(bundle)) {
          throw CairnException.notFound("model " + model + " is neither a bundle folder nor a models:/ URI");
        }
        String n = name != null ? name : bundle.toAbsolutePath().normalize().getFileName().toString();
        served = SingleModel.load(n, 1, ScoreCommand.findBundle(bundle, model), PredictionSink.NONE, Limits.DEFAULT);
      }
    } finally {
      if (downloaded != null) {
        ScoreCommand.deleteTree(downloaded); // the model has its own copy in its cache folder
      }
    }
    Javalin app;
    try {
      app = InferenceRoutes.standalone(served, host, port);
    } catch (RuntimeException e) {
      served.close();
      throw e;
    }
    return serveUntilStopped("Serving " + model + " as " + served.name() + " on http://" + host + ":" + app.port()
        + " (POST /v2/models/" + served.name() + "/infer, POST /invocations); Ctrl-C stops it", () -> {
          app.stop();
          served.close();
        });
  }

  /** A serving replica of {@code --deployments}: fails before serving on SQLite or an unknown deployment. */
  private int serveDeployments() {
    if (model != null) {
      throw new ParameterException(spec.commandLine(), "give MODEL or --deployments, not both: MODEL serves one"
          + " model on its own, --deployments serves deployments from the server's database");
    }
    if (refreshMillis < 1) {
      throw new ParameterException(spec.commandLine(), "--refresh-ms " + refreshMillis + " is not positive");
    }
    CairnServer replica = ServingReplica.start(new ServerConfig(host, port, backendStoreUri, artifactsUri)
        .withAuth(auth), deployments, Duration.ofMillis(refreshMillis));
    return serveUntilStopped("Serving deployments " + String.join(", ", deployments) + " on " + replica.url()
        + " (backend " + CairnServer.redact(backendStoreUri) + ", authentication "
        + (replica.requiresAuth() ? "on" : "off") + "); Ctrl-C stops it", replica::close);
  }

  /** Prints {@code started}, then serves until Ctrl-C (or an interrupt, in tests) runs {@code stop}. */
  private int serveUntilStopped(String started, Runnable stop) {
    Thread hook = new Thread(stop, "cairn-serve-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    PrintWriter out = spec.commandLine().getOut();
    out.println(started);
    out.flush();
    try {
      new CountDownLatch(1).await(); // Ctrl-C runs the hook; an interrupt (tests) stops here
    } catch (InterruptedException e) {
      Runtime.getRuntime().removeShutdownHook(hook);
      hook.run();
      Thread.currentThread().interrupt();
    }
    return 0;
  }
}
