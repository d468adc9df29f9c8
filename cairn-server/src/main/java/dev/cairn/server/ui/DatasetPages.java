package dev.cairn.server.ui;

import dev.cairn.core.CairnException;
import dev.cairn.data.drift.ColumnDrift;
import dev.cairn.data.drift.DriftOptions;
import dev.cairn.data.drift.DriftReport;
import dev.cairn.data.expect.ExpectationSuite;
import dev.cairn.data.expect.Suggest;
import dev.cairn.data.schema.SchemaDiff;
import dev.cairn.data.stats.Profile;
import dev.cairn.data.version.DatasetRef;
import dev.cairn.data.version.DatasetSummary;
import dev.cairn.data.version.DatasetVersion;
import dev.cairn.data.version.DatasetVersioning;
import dev.cairn.data.version.ManifestEntry;
import dev.cairn.server.ui.DatasetViews.ColumnDriftView;
import dev.cairn.server.ui.DatasetViews.DatasetRow;
import dev.cairn.server.ui.DatasetViews.DatasetsPage;
import dev.cairn.server.ui.DatasetViews.DiffPage;
import dev.cairn.server.ui.DatasetViews.DriftPage;
import dev.cairn.server.ui.DatasetViews.HistoryPage;
import dev.cairn.server.ui.DatasetViews.TableDiff;
import dev.cairn.server.ui.DatasetViews.TableDrift;
import dev.cairn.server.ui.DatasetViews.TableValidation;
import dev.cairn.server.ui.DatasetViews.TableView;
import dev.cairn.server.ui.DatasetViews.ValidationPage;
import dev.cairn.server.ui.DatasetViews.VersionPage;
import dev.cairn.tracking.Page;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The dataset pages (exploratory data analysis), all routes in one place. They read the profiles stored with each
 * version (no data file is read), so a page costs one or two version reads:
 * <pre>
 * GET /ui/datasets                                   datasets with their newest version
 * GET /ui/datasets/drift?reference=A@1&amp;current=A@2   drift per column with both distributions overlaid
 * GET /ui/datasets/{name}                            version history (page_token)
 * GET /ui/datasets/{name}/diff?from=V1&amp;to=V2         files and schemas compared
 * GET /ui/datasets/{name}/{version}                  files, schema and a profile per column (number or latest)
 * GET /ui/datasets/{name}/{version}/validate?suite_from=V  the version's tables checked against expectations
 *                                                    suggested from version V's profiles (default: the one before)
 * </pre>
 * A dataset named {@code drift} keeps its history page: the drift route shows it when asked without versions.
 */
public final class DatasetPages {
  public static final String DATASETS = "/ui/datasets";
  /**
   * The most table bytes one validation page reads: validating restores each table and reads every row while
   * holding DatasetVersioning's lock (adds wait), so larger versions are left to {@code cairn data validate}.
   */
  static final long MAX_VALIDATED_BYTES = 64L << 20;
  static final int HISTORY_PAGE_SIZE = 50;

  private final DatasetVersioning versioning;

  private DatasetPages(DatasetVersioning versioning) {
    this.versioning = versioning;
  }

  public static void register(RoutesConfig routes, DatasetVersioning versioning) {
    DatasetPages p = new DatasetPages(versioning);
    // fixed words before {name}: the first matching route answers
    routes.get(DATASETS, UiRoutes.page(p::datasets));
    routes.get(DATASETS + "/drift", UiRoutes.page(p::drift));
    routes.get(DATASETS + "/{name}", UiRoutes.page(p::history));
    routes.get(DATASETS + "/{name}/diff", UiRoutes.page(p::diff));
    routes.get(DATASETS + "/{name}/{version}", UiRoutes.page(p::version));
    routes.get(DATASETS + "/{name}/{version}/validate", UiRoutes.page(p::validate));
  }

  private void datasets(Context ctx) {
    List<DatasetRow> rows = new ArrayList<>();
    for (DatasetSummary s : versioning.store().datasets()) {
      rows.add(new DatasetRow(s, versioning.show(new DatasetRef(s.name(), s.latestVersion())).rowCount()));
    }
    UiRoutes.render(ctx, "datasets.jte", new DatasetsPage(rows));
  }

  private void history(Context ctx) {
    String name = ctx.pathParam("name");
    history(ctx, name);
  }

  private void history(Context ctx, String name) {
    Page<DatasetVersion> page = versioning.log(name, HISTORY_PAGE_SIZE, ctx.queryParam("page_token"));
    UiRoutes.render(ctx, "dataset-history.jte", new HistoryPage(name, page.items(), page.nextPageToken()));
  }

  private void version(Context ctx) {
    DatasetVersion v = versioning.show(DatasetRef.parse(ctx.pathParam("name") + "@" + ctx.pathParam("version")));
    List<TableView> tables = new ArrayList<>();
    versioning.profiles(v.ref()).forEach((path, profile) -> tables.add(DatasetViews.table(path, profile)));
    UiRoutes.render(ctx, "dataset-version.jte", new VersionPage(v, versioning.readManifest(v).files(), tables));
  }

  private void validate(Context ctx) {
    DatasetVersion v = versioning.show(DatasetRef.parse(ctx.pathParam("name") + "@" + ctx.pathParam("version")));
    String from = ctx.queryParam("suite_from");
    int suiteVersion = from == null || from.isBlank() ? DatasetViews.previousOf(v) : versioning.show(
        DatasetRef.parse(v.name() + "@" + from.strip())).version();
    if (suiteVersion < 1) {
      throw CairnException.invalid(v.ref() + " has no earlier version to suggest expectations from; pick one with"
          + " suite_from=VERSION");
    }
    DatasetRef suiteRef = new DatasetRef(v.name(), suiteVersion);
    Map<String, Profile> reference = versioning.profiles(suiteRef);
    Map<String, Profile> current = versioning.profiles(v.ref());
    long bytes = versioning.readManifest(v).files().stream().filter(e -> reference.containsKey(e.path())
        && current.containsKey(e.path())).mapToLong(ManifestEntry::size).sum();
    if (bytes > MAX_VALIDATED_BYTES) {
      throw CairnException.invalid(v.ref() + " has " + bytes + " bytes of tables to validate; this page reads at most "
          + MAX_VALIDATED_BYTES + " (use cairn data suggest and cairn data validate for larger versions)");
    }
    List<TableValidation> tables = new ArrayList<>();
    for (Map.Entry<String, Profile> e : reference.entrySet()) {
      if (current.containsKey(e.getKey())) {
        ExpectationSuite suite = Suggest.fromProfile(e.getValue(), suiteRef + "/" + e.getKey());
        tables.add(new TableValidation(e.getKey(), versioning.validate(v.ref(), suite, e.getKey()).get(e.getKey())));
      }
    }
    UiRoutes.render(ctx, "dataset-validate.jte", new ValidationPage(v, suiteVersion, tables));
  }

  private void diff(Context ctx) {
    String name = ctx.pathParam("name");
    DatasetRef from = DatasetRef.parse(name + "@" + required(ctx, "from"));
    DatasetRef to = DatasetRef.parse(name + "@" + required(ctx, "to"));
    Map<String, Profile> before = versioning.profiles(from);
    Map<String, Profile> after = versioning.profiles(to);
    List<TableDiff> schemas = new ArrayList<>();
    before.forEach((path, p) -> {
      Profile now = after.get(path);
      if (now != null) {
        schemas.add(new TableDiff(path, SchemaDiff.between(p.schema(), now.schema())));
      }
    });
    UiRoutes.render(ctx, "dataset-diff.jte", new DiffPage(versioning.diff(from, to), schemas,
        DatasetViews.onlyIn(after, before), DatasetViews.onlyIn(before, after)));
  }

  private void drift(Context ctx) {
    String reference = ctx.queryParam("reference");
    String current = ctx.queryParam("current");
    if (reference == null && current == null && versioning.store().datasets().stream()
        .anyMatch(s -> s.name().equals("drift"))) {
      history(ctx, "drift");
      return;
    }
    DatasetVersion a = versioning.show(DatasetRef.parse(required(ctx, "reference")));
    DatasetVersion b = versioning.show(DatasetRef.parse(required(ctx, "current")));
    Map<String, DriftReport> reports = versioning.drift(a.ref(), b.ref(), DriftOptions.DEFAULT);
    Map<String, Profile> pa = versioning.profiles(a.ref());
    Map<String, Profile> pb = versioning.profiles(b.ref());
    List<TableDrift> tables = new ArrayList<>();
    reports.forEach((path, report) -> {
      List<ColumnDriftView> columns = new ArrayList<>();
      for (ColumnDrift d : report.columns()) {
        columns.add(new ColumnDriftView(d, DatasetViews.overlay(d, pa.get(path).requireColumn(d.column()),
            pb.get(path).requireColumn(d.column()))));
      }
      tables.add(new TableDrift(path, report, columns));
    });
    UiRoutes.render(ctx, "dataset-drift.jte", new DriftPage(a, b, tables));
  }

  private static String required(Context ctx, String name) {
    String v = ctx.queryParam(name);
    if (v == null || v.isBlank()) {
      throw CairnException.invalid("query parameter " + name + " is missing; e.g. " + name
          + (name.equals("reference") || name.equals("current") ? "=churn@1" : "=1"));
    }
    return v.strip();
  }
}
