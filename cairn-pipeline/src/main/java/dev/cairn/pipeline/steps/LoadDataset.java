package dev.cairn.pipeline.steps;

import dev.cairn.core.CairnException;
import dev.cairn.data.version.AddResult;
import dev.cairn.data.version.DatasetRef;
import dev.cairn.data.version.DatasetVersion;
import dev.cairn.data.version.DatasetVersioning;
import dev.cairn.data.version.Manifest;
import dev.cairn.data.version.ManifestEntry;
import dev.cairn.pipeline.ParamType;
import dev.cairn.pipeline.Step;
import dev.cairn.pipeline.StepContext;
import dev.cairn.pipeline.StepSpec;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Built-in step {@code dataset}: one table of a dataset version, as output {@code data} (type {@code table}: a
 * CSV file with a header row, what every built-in step reads; TSV and JSON Lines tables are refused for now).
 *
 * <p>Parameters: {@code name} (the dataset), {@code version} (0 for the newest), {@code table} (the file inside the
 * version; empty when the version holds exactly one CSV, TSV or JSON Lines file) and {@code path} (a local file or
 * folder, relative to the pipeline file: when set, its content is added as a version first, as {@code cairn data
 * add} would, so a pipeline can start from raw files; unchanged content makes no new version). The version's
 * content hash is the step's external state, so new data is never served from the cache, and finding it reads no
 * data (the stat cache skips files whose size, time and inode did not change). The version is logged as a dataset
 * input of the step's run and of the pipeline's run, where lineage finds it.
 */
public final class LoadDataset implements Step {
  static final List<String> TABLE_SUFFIXES = List.of(".csv", ".tsv", ".tab", ".jsonl", ".ndjson");

  private final DatasetVersioning datasets;
  private final Path baseDir;

  /** {@code baseDir}: what a relative {@code path} is resolved against (the pipeline file's folder). */
  public LoadDataset(DatasetVersioning datasets, Path baseDir) {
    this.datasets = datasets;
    this.baseDir = baseDir;
  }

  @Override
  public StepSpec spec() {
    return StepSpec.builder()
        .output("data", "table")
        .param("name", ParamType.STRING, null)
        .param("version", ParamType.INTEGER, 0L)
        .param("table", ParamType.STRING, "")
        .param("path", ParamType.STRING, "")
        .version("1")
        .build();
  }

  @Override
  public Map<String, String> externalState(Map<String, Object> params) {
    Resolved r = resolve(params);
    return Map.of("dataset", r.version.ref().toString(), "content", r.version.manifestSha256(),
        "table", r.entry.path(), "table_sha256", r.entry.sha256());
  }

  @Override
  public void run(StepContext context) throws Exception {
    Resolved r = resolve(context.params());
    DatasetVersion v = r.version;
    context.log("dataset " + v.ref() + " (content " + v.manifestSha256() + "), table " + r.entry.path() + ", "
        + r.entry.size() + " bytes");
    try (InputStream in = datasets.artifacts().open(DatasetVersioning.blobPath(r.entry.sha256()))) {
      Files.copy(in, context.outputFile("data"), StandardCopyOption.REPLACE_EXISTING);
    }
    String actual;
    try (InputStream written = Files.newInputStream(context.outputFile("data"))) {
      actual = dev.cairn.core.Hashing.sha256Hex(written);
    }
    if (!actual.equals(r.entry.sha256())) {
      throw new CairnException(dev.cairn.core.ErrorCode.INVALID_STATE, "table " + r.entry.path() + " of " + v.ref() + " is corrupt in the store:"
          + " sha256 " + actual + ", expected " + r.entry.sha256());
    }
    logInput(context, v);
  }

  /** A cached load still names its dataset version on the new pipeline run, so lineage finds the data. */
  @Override
  public void onCacheHit(StepContext context) {
    logInput(context, resolve(context.params()).version);
  }

  private static void logInput(StepContext context, DatasetVersion v) {
    var input = v.toRunInput("training");
    context.tracking().logInputs(context.stepRunId(), List.of(input));
    context.tracking().logInputs(context.pipelineRunId(), List.of(input));
  }

  private record Resolved(DatasetVersion version, ManifestEntry entry) {}

  private Resolved resolve(Map<String, Object> params) {
    String name = (String) params.get("name");
    String path = (String) params.get("path");
    long number = (Long) params.get("version");
    DatasetVersion version;
    if (!path.isEmpty()) {
      if (number != 0) {
        throw CairnException.invalid("step parameters 'path' and 'version' cannot both be set: 'path' adds the"
            + " files as the newest version of " + name);
      }
      Path source = baseDir.resolve(path).normalize();
      if (!Files.exists(source)) {
        throw CairnException.invalid("dataset path '" + path + "' (" + source + ") does not exist");
      }
      AddResult added = datasets.add(source, name, "added by a pipeline", System.getProperty("user.name", "unknown"),
          Map.of("source", "pipeline"));
      version = added.version();
    } else {
      version = datasets.show(number == 0 ? DatasetRef.parse(name) : DatasetRef.parse(name + "@" + number));
    }
    Manifest manifest = datasets.readManifest(version);
    String table = (String) params.get("table");
    if (!table.isEmpty()) {
      ManifestEntry e = manifest.byPath().get(table);
      if (e == null) {
        throw CairnException.invalid(version.ref() + " has no file '" + table + "'; its tables: " + tables(manifest));
      }
      return new Resolved(version, csv(version, e));
    }
    List<ManifestEntry> candidates = manifest.files().stream().filter(LoadDataset::isTable).toList();
    if (candidates.size() != 1) {
      throw CairnException.invalid(version.ref() + " holds " + candidates.size() + " tables (" + tables(manifest)
          + "); name one with the step parameter 'table'");
    }
    return new Resolved(version, csv(version, candidates.get(0)));
  }

  private static ManifestEntry csv(DatasetVersion version, ManifestEntry e) {
    if (!e.path().toLowerCase(Locale.ROOT).endsWith(".csv")) {
      throw CairnException.invalid("table " + e.path() + " of " + version.ref() + " is not a CSV file; the built-in"
          + " steps read CSV tables (convert it, or add a CSV copy to the dataset)");
    }
    return e;
  }

  private static boolean isTable(ManifestEntry e) {
    String lower = e.path().toLowerCase(Locale.ROOT);
    return TABLE_SUFFIXES.stream().anyMatch(lower::endsWith);
  }

  private static String tables(Manifest manifest) {
    List<String> names = manifest.files().stream().filter(LoadDataset::isTable).map(ManifestEntry::path).toList();
    return names.isEmpty() ? "none" : String.join(", ", names);
  }
}
