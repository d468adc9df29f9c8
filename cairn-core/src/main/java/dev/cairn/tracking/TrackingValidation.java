package dev.cairn.tracking;

import dev.cairn.core.CairnException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * MLflow's tracking input limits and messages, in one place so the store and the HTTP layer reject the same
 * inputs with the same words. Every method throws {@link CairnException} INVALID_PARAMETER_VALUE.
 */
public final class TrackingValidation {
  public static final int MAX_METRICS_PER_BATCH = 1000;
  public static final int MAX_PARAMS_TAGS_PER_BATCH = 100;
  public static final int MAX_ENTITIES_PER_BATCH = 1000;
  public static final int MAX_DATASETS_PER_BATCH = 1000;
  public static final int MAX_ENTITY_KEY_LENGTH = 250;
  public static final int MAX_PARAM_VAL_LENGTH = 6000;
  public static final int MAX_TAG_VAL_LENGTH = 8000;
  public static final int MAX_EXPERIMENT_NAME_LENGTH = 500;
  public static final int MAX_EXPERIMENT_TAG_KEY_LENGTH = 250;
  public static final int MAX_EXPERIMENT_TAG_VAL_LENGTH = 5000;
  public static final int MAX_RUN_NAME_LENGTH = 250;
  /** Column widths of the schema, so a long value is a 400 naming the field, not a database error. */
  public static final int MAX_USER_ID_LENGTH = 256;
  public static final int MAX_ARTIFACT_LOCATION_LENGTH = 2000;
  public static final int MAX_DATASET_NAME_SIZE = 500;
  public static final int MAX_DATASET_DIGEST_SIZE = 36;
  public static final int MAX_DATASET_SCHEMA_SIZE = 1048575;
  public static final int MAX_DATASET_SOURCE_SIZE = 65535;
  public static final int MAX_DATASET_PROFILE_SIZE = 16777215;
  public static final int MAX_INPUT_TAG_KEY_SIZE = 255;
  public static final int MAX_INPUT_TAG_VALUE_SIZE = 500;
  /** SEARCH_MAX_RESULTS_THRESHOLD: the largest page search-runs and search-experiments return. */
  public static final int SEARCH_MAX_RESULTS_THRESHOLD = 50000;
  /** MAX_RESULTS_PER_RUN of get-history-bulk-interval. */
  public static final int MAX_RESULTS_PER_RUN = 2500;
  public static final int MAX_RUNS_GET_METRIC_HISTORY_BULK = 100;
  /** Default page size of get-metric-history when no max_results is given. */
  public static final int MAX_RESULTS_GET_METRIC_HISTORY = 25000;

  private static final Pattern VALID_NAME = Pattern.compile("^[/\\w.\\- ]*$", Pattern.UNICODE_CHARACTER_CLASS);
  private static final Pattern RUN_ID = Pattern.compile("^[a-zA-Z0-9][\\w\\-]{0,255}$");
  private static final String BAD_CHARACTERS =
      "Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), and slashes (/).";
  private static final String MISSING_KEY = "A key name must be provided.";

  private TrackingValidation() {}

  public static void metricName(String name) {
    name("Metric", "metric", name);
  }

  public static void paramName(String name) {
    name("Parameter", "parameter", name);
  }

  public static void tagName(String name) {
    name("Tag", "tag", name);
  }

  private static void name(String title, String lower, String name) {
    if (name == null) {
      throw CairnException.invalid(title + " name cannot be None. " + MISSING_KEY);
    }
    if (!VALID_NAME.matcher(name).matches()) {
      throw CairnException.invalid("Invalid " + lower + " name: '" + name + "'. " + BAD_CHARACTERS);
    }
    String norm = normalizePath(name);
    if (!norm.equals(name) || norm.equals(".") || norm.startsWith("..") || norm.startsWith("/")) {
      throw CairnException.invalid("Invalid " + lower + " name: '" + name + "'. Names may be treated as files in"
          + " certain cases, and must not resolve to other names when treated as such. This name would resolve to '"
          + norm + "'");
    }
  }

  /** posixpath.normpath, which MLflow uses to reject names that would alias other names as file paths. */
  static String normalizePath(String path) {
    if (path.isEmpty()) {
      return ".";
    }
    boolean absolute = path.startsWith("/");
    int leadingSlashes = absolute ? (path.startsWith("//") && !path.startsWith("///") ? 2 : 1) : 0;
    java.util.ArrayDeque<String> parts = new java.util.ArrayDeque<>();
    for (String part : path.split("/")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        if (!parts.isEmpty() && !parts.peekLast().equals("..")) {
          parts.removeLast();
        } else if (!absolute) {
          parts.addLast("..");
        }
        continue;
      }
      parts.addLast(part);
    }
    String joined = String.join("/", parts);
    String result = "/".repeat(leadingSlashes) + joined;
    return result.isEmpty() ? "." : result;
  }

  public static void lengthLimit(String entityName, int limit, String value) {
    if (value != null && value.length() > limit) {
      String shown = value.length() > 250 ? value.substring(0, 250) : value;
      throw CairnException.invalid(entityName + " '" + shown + "' had length " + value.length()
          + ", which exceeded length limit of " + limit);
    }
  }

  public static void metric(Metric m) {
    metricName(m.key());
    metricTimestamp(m);
    lengthLimit("Metric name", MAX_ENTITY_KEY_LENGTH, m.key());
  }

  private static void metricTimestamp(Metric m) {
    if (m.timestamp() < 0) {
      throw CairnException.invalid("Got invalid timestamp " + m.timestamp() + " for metric '" + m.key() + "' (value="
          + m.value() + "). Timestamp must be a nonnegative long (64-bit integer) ");
    }
  }

  public static void param(Param p) {
    paramName(p.key());
    lengthLimit("Param key", MAX_ENTITY_KEY_LENGTH, p.key());
    lengthLimit("Param value", MAX_PARAM_VAL_LENGTH, p.value());
  }

  public static void tag(Tag t) {
    tagName(t.key());
    lengthLimit("Tag key", MAX_ENTITY_KEY_LENGTH, t.key());
    lengthLimit("Tag value", MAX_TAG_VAL_LENGTH, t.value());
  }

  public static void experimentTag(Tag t) {
    tagName(t.key());
    lengthLimit("Tag key", MAX_EXPERIMENT_TAG_KEY_LENGTH, t.key());
    lengthLimit("Tag value", MAX_EXPERIMENT_TAG_VAL_LENGTH, t.value());
  }

  public static void batchLimit(String entityName, int limit, int length) {
    if (length > limit) {
      throw CairnException.invalid("A batch logging request can contain at most " + limit + " " + entityName
          + ". Got " + length + " " + entityName + ". Please split up " + entityName
          + " across multiple requests and try again.");
    }
  }

  /** The whole of MLflow's log-batch validation: counts, then each item, then duplicate param keys. */
  public static void logBatch(List<Metric> metrics, List<Param> params, List<Tag> tags) {
    batchLimit("metrics", MAX_METRICS_PER_BATCH, metrics.size());
    batchLimit("params", MAX_PARAMS_TAGS_PER_BATCH, params.size());
    batchLimit("tags", MAX_PARAMS_TAGS_PER_BATCH, tags.size());
    batchLimit("metrics, params, and tags", MAX_ENTITIES_PER_BATCH, metrics.size() + params.size() + tags.size());
    // a batch repeats a few keys many times (10 keys x 100 steps): each distinct key's name is checked once
    Set<String> checkedKeys = new HashSet<>();
    for (Metric m : metrics) {
      if (checkedKeys.contains(m.key())) {
        metricTimestamp(m);
      } else {
        metric(m);
        checkedKeys.add(m.key());
      }
    }
    params.forEach(TrackingValidation::param);
    tags.forEach(TrackingValidation::tag);
    Set<String> seen = new HashSet<>();
    List<String> dupes = new java.util.ArrayList<>();
    for (Param p : params) {
      if (!seen.add(p.key())) {
        dupes.add(p.key());
      }
    }
    if (!dupes.isEmpty()) {
      throw CairnException.invalid("Duplicate parameter keys have been submitted: " + dupes
          + ". Please ensure the request contains only one param value per param key.");
    }
  }

  public static void experimentName(String name) {
    if (name == null || name.isEmpty()) {
      throw CairnException.invalid("Invalid experiment name: '" + (name == null ? "None" : name) + "'");
    }
    if (name.length() > MAX_EXPERIMENT_NAME_LENGTH) {
      throw CairnException.invalid(
          "Experiment name exceeds the maximum length of " + MAX_EXPERIMENT_NAME_LENGTH + " characters");
    }
  }

  public static void experimentArtifactLocation(String location) {
    if (location != null && location.startsWith("runs:")) {
      throw CairnException.invalid("Artifact location cannot be a runs:/ URI. Given: '" + location + "'");
    }
    lengthLimit("Artifact location", MAX_ARTIFACT_LOCATION_LENGTH, location);
  }

  public static void userId(String userId) {
    lengthLimit("User id", MAX_USER_ID_LENGTH, userId);
  }

  public static void runName(String runName) {
    lengthLimit("Run name", MAX_RUN_NAME_LENGTH, runName);
  }

  public static void runId(String runId) {
    if (runId == null || !RUN_ID.matcher(runId).matches()) {
      throw CairnException.invalid("Invalid run ID: '" + runId + "'");
    }
  }

  public static void searchMaxResults(int maxResults) {
    if (maxResults < 1) {
      throw CairnException.invalid("Invalid value " + maxResults
          + " for parameter 'max_results' supplied. It must be a positive integer");
    }
    if (maxResults > SEARCH_MAX_RESULTS_THRESHOLD) {
      throw CairnException.invalid("Invalid value for request parameter max_results. It must be at most "
          + SEARCH_MAX_RESULTS_THRESHOLD + ", but got value " + maxResults);
    }
  }

  public static void datasetInputs(List<DatasetInput> inputs) {
    batchLimit("datasets", MAX_DATASETS_PER_BATCH, inputs.size());
    for (DatasetInput d : inputs) {
      if (d.name().isEmpty()) {
        throw CairnException.invalid("Dataset name cannot be empty.");
      }
      if (d.digest().isEmpty()) {
        throw CairnException.invalid("Dataset digest cannot be empty.");
      }
      lengthLimit("Dataset name", MAX_DATASET_NAME_SIZE, d.name());
      lengthLimit("Dataset digest", MAX_DATASET_DIGEST_SIZE, d.digest());
      lengthLimit("Dataset source type", 36, d.sourceType());
      lengthLimit("Dataset schema", MAX_DATASET_SCHEMA_SIZE, d.schema());
      lengthLimit("Dataset source", MAX_DATASET_SOURCE_SIZE, d.source());
      lengthLimit("Dataset profile", MAX_DATASET_PROFILE_SIZE, d.profile());
      for (Tag t : d.tags()) {
        if (t.key().isEmpty()) {
          throw CairnException.invalid("Input tag key cannot be empty.");
        }
        lengthLimit("Input tag key", MAX_INPUT_TAG_KEY_SIZE, t.key());
        lengthLimit("Input tag value", MAX_INPUT_TAG_VALUE_SIZE, t.value());
      }
    }
  }
}
