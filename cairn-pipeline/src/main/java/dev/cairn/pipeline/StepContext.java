package dev.cairn.pipeline;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.store.ArtifactStore;
import dev.cairn.store.MetadataStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * What a running step sees: its typed parameters, its inputs (artifacts an upstream step stored), the files it
 * must write for its outputs, a log that is stored with the step run, and the stores (to log metrics to its MLflow
 * run, {@link #stepRunId}). Each step run gets its own context and its own work directory, removed afterwards.
 */
public final class StepContext {
  private final Pipeline.Node node;
  private final String pipelineRunId;
  private final String stepRunId;
  private final Map<String, StepArtifact> inputs;
  private final Path workDir;
  private final PrintWriter log;
  private final MetadataStore tracking;
  private final ArtifactStore artifacts;

  StepContext(Pipeline.Node node, String pipelineRunId, String stepRunId, Map<String, StepArtifact> inputs,
      Path workDir, PrintWriter log, MetadataStore tracking, ArtifactStore artifacts) {
    this.node = node;
    this.pipelineRunId = pipelineRunId;
    this.stepRunId = stepRunId;
    this.inputs = Map.copyOf(inputs);
    this.workDir = workDir;
    this.log = log;
    this.tracking = tracking;
    this.artifacts = artifacts;
  }

  public String stepName() {
    return node.name();
  }

  /** The MLflow run id of this step's child run (also the step run's id). */
  public String stepRunId() {
    return stepRunId;
  }

  public String pipelineRunId() {
    return pipelineRunId;
  }

  /** Every declared parameter's value: String, Long, Double or Boolean by its declared type. */
  public Map<String, Object> params() {
    return node.params();
  }

  public String stringParam(String name) {
    return (String) param(name, ParamType.STRING);
  }

  public long integerParam(String name) {
    return (Long) param(name, ParamType.INTEGER);
  }

  public double numberParam(String name) {
    return (Double) param(name, ParamType.NUMBER);
  }

  public boolean booleanParam(String name) {
    return (Boolean) param(name, ParamType.BOOLEAN);
  }

  private Object param(String name, ParamType type) {
    ParamSpec spec = node.step().spec().params().get(name);
    if (spec == null || spec.type() != type) {
      throw CairnException.invalid("step '" + node.name() + "' has no " + type.label() + " parameter '" + name + "'");
    }
    return node.params().get(name);
  }

  /** The stored artifact wired to input {@code name} (path, hash, size). */
  public StepArtifact input(String name) {
    StepArtifact a = inputs.get(name);
    if (a == null) {
      throw CairnException.invalid("step '" + node.name() + "' has no input '" + name + "'; its inputs: "
          + String.join(", ", node.step().spec().inputs().keySet()));
    }
    return a;
  }

  /** Streams input {@code name} from the artifact store; the caller closes the stream. */
  public InputStream openInput(String name) {
    return artifacts.open(input(name).path());
  }

  /** Input {@code name} as a local file (copied into the work directory on first call). */
  public Path inputFile(String name) {
    StepArtifact a = input(name);
    Path file = workDir.resolve("in").resolve(name);
    if (!Files.exists(file)) {
      try (InputStream in = artifacts.open(a.path())) {
        Files.createDirectories(file.getParent());
        Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException e) {
        throw new CairnException(ErrorCode.INTERNAL_ERROR, "cannot copy input '" + name + "' of step '"
            + node.name() + "' to " + file + ": " + e.getMessage(), e);
      }
    }
    return file;
  }

  /**
   * The file the step must write for output {@code name}; after {@link Step#run} returns it is stored in the
   * artifact store and hashed. A declared output the step did not write fails the step. One file per output:
   * write a directory as an archive.
   */
  public Path outputFile(String name) {
    if (!node.step().spec().outputs().containsKey(name)) {
      throw CairnException.invalid("step '" + node.name() + "' has no output '" + name + "'; its outputs: "
          + String.join(", ", node.step().spec().outputs().keySet()));
    }
    try {
      Path out = workDir.resolve("out");
      Files.createDirectories(out);
      return out.resolve(name);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes {@code text} (UTF-8) as output {@code name}. */
  public void writeOutput(String name, String text) throws IOException {
    Files.writeString(outputFile(name), text);
  }

  /** The step's log, stored with the step run (as {@code cairn/step.log} among its artifacts). */
  public PrintWriter log() {
    return log;
  }

  public void log(String line) {
    log.println(line);
  }

  /** A scratch directory of this step run alone, deleted when the step ends. */
  public Path workDir() {
    return workDir;
  }

  public MetadataStore tracking() {
    return tracking;
  }

  public ArtifactStore artifacts() {
    return artifacts;
  }
}
