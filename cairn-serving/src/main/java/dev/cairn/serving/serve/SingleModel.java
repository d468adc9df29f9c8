package dev.cairn.serving.serve;

import dev.cairn.core.CairnException;
import dev.cairn.registry.ModelStage;
import dev.cairn.registry.ModelVersion;
import dev.cairn.registry.ModelVersionStatus;
import dev.cairn.serving.deploy.Deployment;
import dev.cairn.serving.deploy.DeploymentRouting;
import dev.cairn.serving.deploy.DeploymentSpec;
import dev.cairn.serving.deploy.Route;
import dev.cairn.serving.deploy.Target;
import dev.cairn.serving.log.PredictionSink;
import dev.cairn.serving.protocol.Limits;
import dev.cairn.serving.runtime.ModelRuntime;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One model version served under its model's name with no deployment record and no registry ({@code cairn serve}):
 * a serving table with one route, loaded from a bundle folder already on disk.
 */
public final class SingleModel implements InferenceTables {
  private final String name;
  private final ServingTable table;
  private final ModelCache cache;
  private final ThreadPoolExecutor unusedShadows;
  private final Limits limits;

  private SingleModel(String name, ServingTable table, ModelCache cache, ThreadPoolExecutor pool, Limits limits) {
    this.name = name;
    this.limits = limits;
    this.table = table;
    this.cache = cache;
    this.unusedShadows = pool;
  }

  /** Serves the bundle in {@code folder} as version {@code version} of model {@code name}; loads it now. */
  public static SingleModel load(String name, int version, Path folder, PredictionSink sink, Limits limits) {
    ModelVersion mv = new ModelVersion(name, version, 0, 0, null, ModelStage.NONE, null, folder.toString(), null,
        null, ModelVersionStatus.READY, null, Map.of(), List.of(), null);
    Deployment deployment = new Deployment(Deployment.requireName(safeName(name)), new DeploymentSpec(null,
        List.of(new Route(new Target(name, version, null), Route.MAX_WEIGHT)), List.of(), null, null), 1, null, 0,
        null, 0);
    Path root;
    try {
      root = Files.createTempDirectory("cairn-serve-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ModelCache cache = new ModelCache((v, into) -> copy(folder, into), root, ModelRuntime.defaults());
    ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 1, TimeUnit.SECONDS, new ArrayBlockingQueue<>(1));
    ServingTable table = new ServingTable(deployment.name(), () -> deployment,
        d -> new DeploymentRouting.Resolved(d.name(), d.version(),
            List.of(new DeploymentRouting.ResolvedRoute(d.spec().routes().get(0), mv)), List.of(), null),
        cache, sink, pool, limits);
    SingleModel single = new SingleModel(deployment.name(), table, cache, pool,
        limits == null ? Limits.DEFAULT : limits);
    try {
      table.refresh();
    } catch (RuntimeException e) {
      single.close();
      throw e;
    }
    return single;
  }

  /** The name the model answers to in URLs (its registered name, if that is URL-safe). */
  public String name() {
    return name;
  }

  private static String safeName(String model) {
    String s = model.replaceAll("[^A-Za-z0-9._-]", "-");
    return s.isEmpty() || !Character.isLetterOrDigit(s.charAt(0)) ? "m" + s : s;
  }

  @Override
  public ServingTable table(String requested) {
    if (!name.equals(requested)) {
      throw CairnException.notFound("model '" + requested + "' is not served here; this server serves '" + name + "'");
    }
    return table;
  }

  @Override
  public Limits limits() {
    return limits;
  }

  @Override
  public void close() {
    table.close();
    unusedShadows.shutdownNow();
    cache.close();
  }

  /** Copies the folder {@code from} into {@code into}, sub-folders included. */
  static void copy(Path from, Path into) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path p : files.toList()) {
        Path target = into.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }
}
