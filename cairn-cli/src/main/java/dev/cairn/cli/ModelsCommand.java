package dev.cairn.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.client.CairnClient;
import dev.cairn.client.ModelRegistryClient;
import dev.cairn.core.CairnException;
import dev.cairn.registry.ModelUri;
import dev.cairn.registry.ModelVersion;
import dev.cairn.registry.RegisteredModel;
import dev.cairn.server.registry.RegistryJson;
import dev.cairn.tracking.Page;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code cairn models}: the model registry: models, versions, aliases, and models:/ URIs resolved and downloaded. */
@Command(name = "models", description = "Registered models: list, show, create, register versions, aliases, "
    + "resolve and download models:/ URIs; four-eyes promotion and rollback; verify a copied model; import ONNX "
    + "models.",
    subcommands = {ModelsCommand.ListModels.class, ModelsCommand.Show.class, ModelsCommand.Create.class,
        ModelsCommand.Register.class, ModelsCommand.Versions.class, ModelsCommand.Alias.class,
        ModelsCommand.Resolve.class, ModelsCommand.Download.class, PromotionCommands.Policy.class,
        PromotionCommands.RequestPromotion.class, PromotionCommands.Promotions.class, PromotionCommands.Approve.class,
        PromotionCommands.Reject.class, PromotionCommands.Cancel.class, PromotionCommands.Rollback.class,
        PromotionCommands.History.class, ModelsVerifyCommand.class, ModelsManifestCommand.class,
        ModelsImportOnnxCommand.class})
final class ModelsCommand implements Runnable {
  @Mixin TrackingServer trackingServer;

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "a subcommand is required: "
        + String.join(", ", spec.subcommands().keySet()));
  }

  static ModelRegistryClient models(CommandSpec spec) {
    return Main.client(spec).models();
  }

  static String aliases(Map<String, Integer> aliases) {
    return aliases.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" "));
  }

  @Command(name = "list", description = "List registered models by name (MLflow filter: \"name LIKE 'churn%'\").")
  static final class ListModels implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--filter", paramLabel = "EXPR", description = "e.g. \"name LIKE 'churn%'\" or \"tags.team = 'ml'\".")
    String filter;

    @Option(names = "--max-results", paramLabel = "N", defaultValue = "100",
        description = "Page size (default: ${DEFAULT-VALUE}).")
    int maxResults;

    @Option(names = "--page-token", paramLabel = "TOKEN", description = "Continue from a previous page.")
    String pageToken;

    @Option(names = "--json", description = "Print the REST API's registered-models/search answer instead of a table.")
    boolean json;

    @Override
    public Integer call() {
      Page<RegisteredModel> page = models(spec).searchModels(filter, maxResults, pageToken);
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        ObjectNode body = Output.object();
        ArrayNode items = body.putArray("registered_models");
        page.items().forEach(m -> items.add(RegistryJson.registeredModel(m)));
        if (page.hasNext()) {
          body.put("next_page_token", page.nextPageToken());
        }
        Output.json(out, body);
        return 0;
      }
      Table table = new Table("NAME", "LATEST", "ALIASES", "UPDATED");
      for (RegisteredModel m : page.items()) {
        int latest = m.latestVersions().stream().mapToInt(ModelVersion::version).max().orElse(0);
        table.row(m.name(), latest == 0 ? "" : latest, aliases(m.aliases()), Output.time(m.lastUpdatedTimestamp()));
      }
      table.print(out);
      if (page.hasNext()) {
        PrintWriter err = spec.commandLine().getErr();
        err.println("(more models: --page-token " + page.nextPageToken() + ")");
        err.flush();
      }
      return 0;
    }
  }

  @Command(name = "show", description = "Show one registered model: description, aliases, tags, latest versions.")
  static final class Show implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME", description = "The registered model.")
    String name;

    @Option(names = "--json", description = "Print the REST API's registered-models/get answer instead of text.")
    boolean json;

    @Override
    public Integer call() {
      RegisteredModel m = models(spec).getModel(name);
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        ObjectNode body = Output.object();
        body.set("registered_model", RegistryJson.registeredModel(m));
        Output.json(out, body);
        return 0;
      }
      new Table("FIELD", "VALUE")
          .row("name", m.name())
          .row("description", m.description() == null ? "" : m.description().strip().replaceAll("\\s*\\R\\s*", " "))
          .row("created", Output.time(m.creationTimestamp()))
          .row("updated", Output.time(m.lastUpdatedTimestamp()))
          .row("aliases", aliases(m.aliases()))
          .print(out);
      if (!m.tags().isEmpty()) {
        out.println();
        Table t = new Table("TAG", "VALUE");
        m.tags().forEach((k, v) -> t.row(k, Main.oneLine(v)));
        t.print(out);
      }
      if (!m.latestVersions().isEmpty()) {
        out.println();
        versionTable(m.latestVersions()).print(out);
      }
      out.flush();
      return 0;
    }
  }

  static Table versionTable(List<ModelVersion> versions) {
    Table t = new Table("VERSION", "STAGE", "ALIASES", "SOURCE", "CREATED");
    versions.forEach(v -> t.row(v.version(), v.currentStage().wire(), String.join(" ", v.aliases()), v.source(),
        Output.time(v.creationTimestamp())));
    return t;
  }

  @Command(name = "create", description = "Create a registered model with no versions; prints its name.")
  static final class Create implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME", description = "The new model's name.")
    String name;

    @Option(names = "--description", paramLabel = "TEXT", description = "What the model is for.")
    String description;

    @Option(names = "--tag", paramLabel = "KEY=VALUE", description = "A tag; repeat for more.")
    List<String> tags = List.of();

    @Override
    public Integer call() {
      Map<String, String> tagValues = new LinkedHashMap<>();
      for (String t : tags) {
        int eq = t.indexOf('=');
        if (eq <= 0) {
          throw new ParameterException(spec.commandLine(), "--tag '" + t + "' is not KEY=VALUE");
        }
        tagValues.put(t.substring(0, eq), t.substring(eq + 1));
      }
      RegisteredModel m = models(spec).createModel(name, description, tagValues);
      spec.commandLine().getOut().println(m.name());
      spec.commandLine().getOut().flush();
      return 0;
    }
  }

  @Command(name = "register", description = {"Register a new version of a model; prints NAME and its version.",
      "From a run's artifacts (--run RUN_ID --path model) or any source (--source runs:/RUN_ID/model)."})
  static final class Register implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME", description = "The registered model (it must exist).")
    String name;

    // plain options, not an ArgGroup: the environment-variable help rewrites options, which picocli refuses
    // for an ArgGroup's
    @Option(names = "--run", paramLabel = "RUN_ID", description = "The run that made the model.")
    String runId;

    @Option(names = "--path", paramLabel = "PATH",
        description = "The model's folder in the run's artifacts, with --run (default: model).")
    String path;

    @Option(names = "--source", paramLabel = "URI",
        description = "Instead of --run: the files' location, e.g. runs:/RUN_ID/model or s3://bucket/model.")
    String source;

    @Option(names = "--create", description = "Create the registered model first if it does not exist.")
    boolean create;

    @Override
    public Integer call() {
      if ((runId == null) == (source == null)) {
        throw new ParameterException(spec.commandLine(), "give either --run RUN_ID (with --path) or --source URI");
      }
      if (path != null && runId == null) {
        throw new ParameterException(spec.commandLine(), "--path goes with --run");
      }
      ModelRegistryClient models = models(spec);
      String runId = this.runId;
      String source = this.source;
      if (source == null) {
        source = "runs:/" + runId + "/" + (path == null ? "model" : path).replaceAll("^/+|/+$", "");
      } else if (source.startsWith("runs:/")) {
        try {
          runId = ModelUri.parse(source).runId();
        } catch (CairnException e) {
          throw new ParameterException(spec.commandLine(), "--source: " + e.getMessage());
        }
      }
      if (create) {
        try {
          models.createModel(name);
        } catch (CairnException e) {
          if (e.code() != dev.cairn.core.ErrorCode.RESOURCE_ALREADY_EXISTS) {
            throw e;
          }
        }
      }
      ModelVersion v = models.createVersion(name, source, runId);
      spec.commandLine().getOut().println(v.name() + " version " + v.version());
      spec.commandLine().getOut().flush();
      return 0;
    }
  }

  @Command(name = "versions", description = "List a model's versions, newest first.")
  static final class Versions implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME", description = "The registered model.")
    String name;

    @Option(names = "--max-results", paramLabel = "N", defaultValue = "100",
        description = "Page size (default: ${DEFAULT-VALUE}).")
    int maxResults;

    @Option(names = "--page-token", paramLabel = "TOKEN", description = "Continue from a previous page.")
    String pageToken;

    @Option(names = "--json", description = "Print the REST API's model-versions/search answer instead of a table.")
    boolean json;

    @Override
    public Integer call() {
      ModelRegistryClient models = models(spec);
      models.getModel(name); // an unknown model is an error, not an empty list
      String quoted = name.contains("'") ? "\"" + name + "\"" : "'" + name + "'";
      Page<ModelVersion> page = models.searchVersions("name = " + quoted, maxResults, pageToken);
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        ObjectNode body = Output.object();
        ArrayNode items = body.putArray("model_versions");
        page.items().forEach(v -> items.add(RegistryJson.modelVersion(v)));
        if (page.hasNext()) {
          body.put("next_page_token", page.nextPageToken());
        }
        Output.json(out, body);
        return 0;
      }
      versionTable(page.items()).print(out);
      if (page.hasNext()) {
        PrintWriter err = spec.commandLine().getErr();
        err.println("(more versions: --page-token " + page.nextPageToken() + ")");
        err.flush();
      }
      return 0;
    }
  }

  @Command(name = "alias", description = "Set or delete an alias (e.g. champion) of a registered model.",
      subcommands = {AliasSet.class, AliasDelete.class})
  static final class Alias implements Runnable {
    @Spec CommandSpec spec;

    @Override
    public void run() {
      throw new ParameterException(spec.commandLine(), "a subcommand is required: set, delete");
    }
  }

  @Command(name = "set", description = "Point an alias at a version, moving it from the version that held it.")
  static final class AliasSet implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME", description = "The registered model.")
    String name;

    @Parameters(index = "1", paramLabel = "ALIAS", description = "The alias; 'latest' and v<digits> are reserved.")
    String alias;

    @Parameters(index = "2", paramLabel = "VERSION", description = "The version number.")
    int version;

    @Override
    public Integer call() {
      models(spec).setAlias(name, alias, version);
      spec.commandLine().getOut().println("models:/" + name + "@" + alias + " -> " + version);
      spec.commandLine().getOut().flush();
      return 0;
    }
  }

  @Command(name = "delete", description = "Remove an alias (no error when it is not set).")
  static final class AliasDelete implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME", description = "The registered model.")
    String name;

    @Parameters(index = "1", paramLabel = "ALIAS", description = "The alias.")
    String alias;

    @Override
    public Integer call() {
      models(spec).deleteAlias(name, alias);
      spec.commandLine().getOut().println("models:/" + name + "@" + alias + " deleted");
      spec.commandLine().getOut().flush();
      return 0;
    }
  }

  /** Parses a model URI argument: a malformed one is a usage error (exit 2) naming the expected forms. */
  static void checkUri(CommandSpec spec, String uri) {
    try {
      ModelUri.parse(uri);
    } catch (CairnException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  @Command(name = "resolve", description = "Show the version a models:/NAME/N, models:/NAME@ALIAS or runs:/ URI "
      + "names, and where its files download from.")
  static final class Resolve implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "URI", description = "models:/NAME/VERSION, models:/NAME@ALIAS, "
        + "models:/NAME/latest or runs:/RUN_ID/PATH.")
    String uri;

    @Override
    public Integer call() {
      checkUri(spec, uri);
      ModelRegistryClient.Resolved r = models(spec).resolve(uri);
      new Table("FIELD", "VALUE")
          .row("name", r.name())
          .row("version", r.version())
          .row("source", r.source())
          .row("download_uri", r.downloadUri())
          .row("run_id", r.runId())
          .print(spec.commandLine().getOut());
      return 0;
    }
  }

  @Command(name = "download", description = "Download the files of the version a model URI names into a folder; "
      + "prints the folder. A version with a signed manifest is checked before anything is written, and "
      + "MANIFEST.json, MANIFEST.sig and signing-key.pub are written beside its files for 'cairn models verify'.")
  static final class Download implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "URI", description = "models:/NAME/VERSION, models:/NAME@ALIAS, ...")
    String uri;

    @Option(names = "--dest", paramLabel = "DIR", required = true, description = "The folder to write the files to.")
    Path dest;

    @Override
    public Integer call() {
      checkUri(spec, uri);
      CairnClient client = Main.client(spec);
      ModelRegistryClient.Download d = client.models().downloadVerified(uri, dest, CairnClient.Progress.NONE);
      Path written = d.folder();
      if (d.manifest() != null && d.manifest().signed()) {
        ModelsBundle.write(written, d.manifest());
        int files = d.manifest().manifest().files().size();
        spec.commandLine().getErr().println("verified " + files + (files == 1 ? " file" : " files")
            + " against the signed manifest (sha256 " + d.manifest().sha256() + "); wrote "
            + ModelsVerifyCommand.BUNDLE_MANIFEST + ", " + ModelsVerifyCommand.BUNDLE_SIGNATURE + " and "
            + ModelsVerifyCommand.BUNDLE_PUBLIC_KEY);
        spec.commandLine().getErr().flush();
      } else if (d.manifest() != null) {
        spec.commandLine().getErr().println("not verified: " + uri + " has no signed manifest ("
            + Main.oneLine(d.manifest().reason()) + ")");
        spec.commandLine().getErr().flush();
      }
      spec.commandLine().getOut().println(written);
      spec.commandLine().getOut().flush();
      return 0;
    }
  }
}
