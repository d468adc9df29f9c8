package dev.cairn.server.deployments;

import com.fasterxml.jackson.databind.node.ObjectNode;
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
 *                                                 day; window_minutes?, default 60)
 * </pre>
 */
public final class MonitorRoutes {
  private final MonitorService monitors;

  private MonitorRoutes(MonitorService monitors) {
    this.monitors = monitors;
  }

  public static void register(RoutesConfig routes, SqlDatabase database, ModelRegistryStore registry,
      BundleFiles bundles) {
    MonitorRoutes r = new MonitorRoutes(service(database, registry, bundles));
    routes.get(DeploymentRoutes.BASE + "/{name}/monitor", r::monitor);
  }

  /** The monitor windows of the server's deployments (also read by the alert evaluator). */
  public static MonitorService service(SqlDatabase database, ModelRegistryStore registry, BundleFiles bundles) {
    PredictionStore predictions = new PredictionStore(database);
    return new MonitorService(database, predictions, new FeedbackStore(database, predictions),
        (model, version) -> manifest(bundles, registry, model, version), DriftOptions.DEFAULT,
        System::currentTimeMillis);
  }

  void monitor(Context ctx) {
    RequestFields q = RequestFields.ofQuery(ctx.queryParamMap());
    Long to = q.longValue("to");
    long end = to == null ? System.currentTimeMillis() : to;
    Long from = q.longValue("from");
    List<MonitorWindow> windows = monitors.windows(ctx.pathParam("name"),
        from == null ? end - PredictionRoutes.DEFAULT_SPAN_MS : from, end, q.intValue("window_minutes", 60, 1, 525_600));
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
