package dev.cairn.store.loggedmodels;

import dev.cairn.core.CairnException;
import java.util.List;

/**
 * A search for logged models, as MLflow 3's SearchLoggedModels asks it: experiments to look in, a filter in
 * MLflow's grammar (attributes such as {@code name}, {@code status}, {@code creation_time}; {@code metrics.x},
 * {@code params.p}, {@code tags.t}), datasets that metric comparisons are restricted to, ordering, and paging.
 */
public record LoggedModelSearch(List<String> experimentIds, String filter, List<DatasetFilter> datasets,
    List<Order> orderBy, int maxResults, String pageToken) {
  /** Results per page when the caller names none (MLflow's default), and the most one page may hold. */
  public static final int DEFAULT_MAX_RESULTS = 50;
  public static final int MAX_RESULTS_LIMIT = 1000;

  public LoggedModelSearch {
    experimentIds = experimentIds == null ? List.of() : List.copyOf(experimentIds);
    datasets = datasets == null ? List.of() : List.copyOf(datasets);
    orderBy = orderBy == null ? List.of() : List.copyOf(orderBy);
    if (maxResults <= 0) {
      maxResults = DEFAULT_MAX_RESULTS;
    }
    if (maxResults > MAX_RESULTS_LIMIT) {
      throw CairnException.invalid("max_results is " + maxResults + "; the limit for logged model searches is "
          + MAX_RESULTS_LIMIT);
    }
  }

  /** Metrics measured on this dataset (and digest, when given) are the ones metric comparisons consider. */
  public record DatasetFilter(String name, String digest) {
    public DatasetFilter {
      if (name == null || name.isEmpty()) {
        throw CairnException.invalid("Missing value for required parameter 'datasets[].dataset_name'");
      }
      digest = digest == null || digest.isEmpty() ? null : digest;
    }
  }

  /** One ordering key: an attribute or {@code metrics.<key>}, optionally of one dataset's metrics. */
  public record Order(String field, boolean ascending, String datasetName, String datasetDigest) {
    public Order {
      if (field == null || field.isBlank()) {
        throw CairnException.invalid("Missing value for required parameter 'order_by[].field_name'");
      }
      datasetName = datasetName == null || datasetName.isEmpty() ? null : datasetName;
      datasetDigest = datasetDigest == null || datasetDigest.isEmpty() ? null : datasetDigest;
      if (datasetDigest != null && datasetName == null) {
        throw CairnException.invalid("order_by field '" + field + "' has a dataset_digest but no dataset_name");
      }
    }
  }

  /** Everything in {@code experimentIds}, newest first, one default page. */
  public static LoggedModelSearch all(List<String> experimentIds) {
    return new LoggedModelSearch(experimentIds, null, List.of(), List.of(), DEFAULT_MAX_RESULTS, null);
  }
}
