package dev.cairn.server.deployments;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.core.CairnException;
import dev.cairn.core.Json;
import dev.cairn.data.drift.DriftOptions;
import dev.cairn.ml.bundle.BundleManifest;
import dev.cairn.ml.bundle.ModelBundle;
import dev.cairn.server.http.RequestFields;
import dev.cairn.server.http.Responses;
import dev.cairn.serving.feedback.FeedbackStore;
import dev.cairn.serving.log.PredictionStore;
import dev.cairn.serving.monitor.MonitorService;
import dev.cairn.serving.monitor.MonitorWindow;
import dev.cairn.serving.monitor.ServingCounts;
import dev.cairn.serving.serve.BundleFiles;
import dev.cairn.serving.serve.ModelCache;
import dev.cairn.store.registry.ModelRegistryStore;
import dev.cairn.store.sql.SqlDatabase;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A deployment's monitor windows, from its prediction log (closed windows stored and read back):
 * <pre>
 * GET /api/cairn/v1/deployments/{name}/monitor   windows per model version (from?, to? epoch ms, default the last
 *                                                 day from a multiple of the width, the slots the monitor scheduler
 *                                                 stores; window_minutes?, default 60; or window_predictions=N:
 *                                                 consecutive windows of N logged predictions, N at most 100000)
 * </pre>
 */
public final class MonitorRoutes {
  private final MonitorService monitors;

  private MonitorRoutes(MonitorService monitors) {
    this.monitors = monitors;
  }

  /** The monitor route over {@code monitors} (the server's one, shared with its scheduler). */
  public static void register(RoutesConfig routes, MonitorService monitors) {
    MonitorRoutes r = new MonitorRoutes(monitors);
    routes.get(DeploymentRoutes.BASE + "/{name}/monitor", r::monitor);
  }

  /**
   * The monitor service of a server: its database's log, feedback and stored windows, bundles' manifests from the
   * registry, with the serving {@code counts} (null: no errors) and, when {@code processFigures}, the process samples.
   */
  public static MonitorService service(SqlDatabase database, ModelRegistryStore registry, BundleFiles bundles,
      ServingCounts counts, boolean processFigures) {
    PredictionStore predictions = new PredictionStore(database);
    return new MonitorService(database, predictions, new FeedbackStore(database, predictions),
        (model, version) -> manifest(bundles, registry, model, version), DriftOptions.DEFAULT,
        System::currentTimeMillis, counts, processFigures);
  }

  void monitor(Context ctx) {
    RequestFields q = RequestFields.ofQuery(ctx.queryParamMap());
    Long to = q.longValue("to");
    long end = to == null ? System.currentTimeMillis() : to;
    Long from = q.longValue("from");
    String name = ctx.pathParam("name");
    List<MonitorWindow> windows;
    if (q.has("window_predictions")) {
      if (q.has("window_minutes")) {
        throw CairnException.invalid("give 'window_minutes' or 'window_predictions', not both");
      }
      windows = monitors.windowsOfPredictions(name, from == null ? end - PredictionRoutes.DEFAULT_SPAN_MS : from, end,
          q.intValue("window_predictions", 0, 1, MonitorService.MAX_WINDOW_PREDICTIONS));
    } else {
      int minutes = q.intValue("window_minutes", 60, 1, 525_600);
      long width = minutes * 60_000L;
      // by default from a multiple of the width: the slots the scheduler stored are read back, not recomputed
      long start = from != null ? from : Math.max(0, Math.floorDiv(end - PredictionRoutes.DEFAULT_SPAN_MS, width) * width);
      windows = monitors.windows(name, start, end, minutes);
    }
    ObjectNode out = Json.MAPPER.createObjectNode();
    out.set("windows", Json.MAPPER.valueToTree(windows));
    Responses.json(ctx, 200, out);
  }

  /** The bundle.json of a model version, read from a temporary copy of its files. */
  private static BundleManifest manifest(BundleFiles bundles, ModelRegistryStore registry, String model, int version) {
    Path dir = null;
    try {
      dir = Files.createTempDirectory("cairn-monitor-");
      bundles.copy(registry.getModelVersion(model, version), dir);
      Path file = ModelCache.bundleFolder(dir, new ModelCache.Key(model, version)).resolve(ModelBundle.MANIFEST_FILE);
      return Json.MAPPER.readValue(file.toFile(), BundleManifest.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      if (dir != null) {
        try (Stream<Path> paths = Files.walk(dir)) {
          paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
          // a temporary folder left behind is harmless
        }
      }
    }
  }
}
