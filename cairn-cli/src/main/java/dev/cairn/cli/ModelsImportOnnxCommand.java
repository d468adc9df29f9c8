package dev.cairn.cli;

import dev.cairn.client.CairnClient;
import dev.cairn.client.LoggedModelInfo;
import dev.cairn.client.LoggedModelsClient;
import dev.cairn.client.ModelRegistryClient;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.ml.bundle.MlModelFile;
import dev.cairn.ml.bundle.OnnxBundle;
import dev.cairn.ml.onnx.OnnxSchema;
import dev.cairn.registry.ModelVersion;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cairn models import-onnx}: brings a model trained elsewhere into the registry. The ONNX file and its
 * schema.yaml become a bundle (checked against each other before anything reaches the server), logged as an MLflow 3
 * model with an {@code MLmodel} file, and a new version of the registered model points at it.
 */
@Command(name = "import-onnx", description = {
    "Import an ONNX model with its schema.yaml as a bundle: check the model against the schema, log it as a model",
    "(bundle.json, model.onnx, MLmodel) and register it as a new version of NAME (created when missing).",
    "Prints the bundle id, the logged model id and the version."})
final class ModelsImportOnnxCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "MODEL", description = "The ONNX model file.")
  Path model;

  @Option(names = "--schema", required = true, paramLabel = "FILE",
      description = "The schema.yaml: input columns in tensor order, encodings, output labels (docs/evaluation.md).")
  Path schema;

  @Option(names = "--name", required = true, paramLabel = "NAME", description = "The registered model.")
  String name;

  @Option(names = "--alias", paramLabel = "ALIAS",
      description = "Point this alias at the new version (a protected alias needs a promotion request).")
  String alias;

  @Option(names = "--description", paramLabel = "TEXT",
      description = "The new version's description (and the model's, when it is created).")
  String description;

  @Option(names = "--experiment", paramLabel = "NAME", defaultValue = "Default",
      description = "The experiment the logged model belongs to (created when missing; default: ${DEFAULT-VALUE}).")
  String experiment;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Path work = Files.createTempDirectory("cairn-import-onnx-");
    try (OnnxBundle bundle = OnnxBundle.fromFiles(model, schema)
        .provenance(Map.of("imported_with", "cairn models import-onnx")).build()) {
      err.println("checked " + model + " against " + schema + ": " + describe(bundle.schema()));
      err.flush();
      Path dir = bundle.write(work.resolve("model"));
      CairnClient client = Main.client(spec);
      String modelId = log(client, dir, bundle);
      ModelVersion version = register(client.models(), modelId);
      out.println("bundle  " + bundle.id());
      out.println("model   " + modelId);
      out.println("version " + name + " " + version.version());
      out.flush();
      if (alias != null) {
        setAlias(client.models(), version.version());
        out.println("alias   models:/" + name + "@" + alias + " -> " + version.version());
        out.flush();
      }
      return 0;
    } finally {
      deleteTree(work);
    }
  }

  /** Logs the bundle folder as MLflow 3's log_model does: create, write MLmodel with the id, upload, READY. */
  private String log(CairnClient client, Path dir, OnnxBundle bundle) throws IOException {
    String experimentId = client.getOrCreateExperiment(experiment);
    LoggedModelsClient logged = client.loggedModels();
    // a logged model's name is one path segment of a URI: the registered name with '/' and ':' replaced
    LoggedModelInfo info = logged.create(experimentId, name.replace('/', '-').replace(':', '-'), null, Map.of(),
        Map.of("cairn.bundle_id", bundle.id(), "cairn.runtime", OnnxBundle.ONNX_RUNTIME,
            "cairn.registered_model", name));
    try {
      MlModelFile.write(dir, info.modelId(), null);
      List<String> files = logged.uploadArtifacts(info.modelId(), dir);
      spec.commandLine().getErr().println("logged model " + info.modelId() + ": " + files.size() + " files ("
          + String.join(", ", files) + ")");
      spec.commandLine().getErr().flush();
    } catch (IOException | RuntimeException e) {
      try {
        logged.finalizeModel(info.modelId(), LoggedModelInfo.Status.FAILED);
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    logged.finalizeModel(info.modelId(), LoggedModelInfo.Status.READY);
    return info.modelId();
  }

  private ModelVersion register(ModelRegistryClient models, String modelId) {
    try {
      models.createModel(name, description, Map.of());
    } catch (CairnException e) {
      if (e.code() != ErrorCode.RESOURCE_ALREADY_EXISTS) {
        throw e;
      }
    }
    return models.createVersion(name, "models:/" + modelId, null, modelId, description);
  }

  private void setAlias(ModelRegistryClient models, int version) {
    try {
      models.setAlias(name, alias, version);
    } catch (CairnException e) {
      if (e.code() != ErrorCode.PERMISSION_DENIED || !e.getMessage().contains("protected")) {
        throw e;
      }
      throw new CairnException(ErrorCode.PERMISSION_DENIED, name + " version " + version + " is registered, but alias '"
          + alias + "' is protected by a promotion policy and was not moved; ask for the move with: cairn models "
          + "request-promotion " + name + " " + version + " --alias " + alias + " --reason TEXT");
    }
  }

  private static String describe(OnnxSchema schema) {
    String output = "classification".equals(schema.output().type())
        ? "classification " + schema.output().labels() : "regression";
    return schema.inputs().size() + " input columns -> " + schema.width() + " tensor columns; " + output;
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException | UncheckedIOException e) {
      // a temporary folder left behind is untidy, not wrong
    }
  }
}
