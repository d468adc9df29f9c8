package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.client.CairnClient;
import dev.cairn.core.Json;
import dev.cairn.server.CairnServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training/serving consistency, the batch leg: the same CSV rows scored by {@code cairn score models:/NAME@ALIAS}
 * and, on a real server deploying that alias, by OIP v2 infer and by /invocations ({@code dataframe_split},
 * {@code dataframe_records}, {@code text/csv}) give the same label and bit-for-bit the same probabilities for every
 * row, missing values (imputed by the bundle) included. (InferenceRoutesTest compares the online formats with the
 * runtime in process; this compares them with the batch command.)
 */
class BatchOnlineConsistencyTest {
  @TempDir Path dir;

  /** One row's answer: its label and its probability of each class. */
  record Answer(String label, double no, double yes) {}

  @Test
  void batchScoringOipAndEveryInvocationsFormatGiveIdenticalPredictions() throws Exception {
    Path bundle = ScoreCommandTest.train(dir.resolve("bundle"));
    String csv = ScoreCommandTest.table(60, 13, false);
    assertThat(csv.lines().filter(l -> l.contains(",,")).count()).as("some rows miss tenure").isPositive();
    Path input = Files.writeString(dir.resolve("customers.csv"), csv);
    List<Map<String, Object>> rows = rows(csv);

    try (CairnServer server = Cli.startServer(dir.resolve("server"));
        CairnClient client = CairnClient.connect(server.url())) {
      String runId = client.run(client.createExperiment("consistency"), "train", run -> {});
      client.uploadArtifacts(runId, bundle, "model");
      ok(Cli.tracked(server, "models", "register", "churn", "--run", runId, "--path", "model", "--create"));
      ok(Cli.tracked(server, "models", "alias", "set", "churn", "champion", "1"));
      ok(Cli.tracked(server, "deploy", "create", "churn-api", "--route", "churn@champion"));

      Path output = dir.resolve("predictions.csv");
      ok(Cli.tracked(server, "score", "models:/churn@champion", "--input", input.toString(), "--output",
          output.toString()));
      List<Answer> batch = new ArrayList<>();
      List<String> lines = Files.readAllLines(output);
      assertThat(lines.get(0)).isEqualTo("row,prediction,probability_no,probability_yes");
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.split(",");
        batch.add(new Answer(f[1], Double.parseDouble(f[2]), Double.parseDouble(f[3])));
      }
      assertThat(batch).hasSize(60);
      assertThat(batch.stream().map(Answer::label).distinct()).as("both classes occur").hasSize(2);

      JsonNode oip = post(server, "/v2/models/churn-api/infer", "application/json", oipBody(rows));
      List<Answer> online = new ArrayList<>();
      JsonNode probabilities = oip.at("/outputs/1");
      assertThat(probabilities.at("/parameters/classes").toString()).isEqualTo("[\"no\",\"yes\"]");
      for (int i = 0; i < rows.size(); i++) {
        online.add(new Answer(oip.at("/outputs/0/data/" + i).asText(), probabilities.at("/data/" + (2 * i)).asDouble(),
            probabilities.at("/data/" + (2 * i + 1)).asDouble()));
      }
      assertThat(online).as("OIP v2 against cairn score").isEqualTo(batch);

      Map<String, String> invocations = new LinkedHashMap<>();
      invocations.put("dataframe_split", dataframeSplit(rows));
      invocations.put("dataframe_records", dataframeRecords(rows));
      invocations.put("text/csv", csv); // the very file cairn score read, its id column included
      for (Map.Entry<String, String> e : invocations.entrySet()) {
        JsonNode answer = post(server, "/deployments/churn-api/invocations",
            e.getKey().equals("text/csv") ? "text/csv" : "application/json", e.getValue());
        List<Answer> got = new ArrayList<>();
        answer.get("predictions").forEach(p -> got.add(new Answer(p.get("label").asText(),
            p.at("/probabilities/no").asDouble(), p.at("/probabilities/yes").asDouble())));
        assertThat(got).as(e.getKey() + " against cairn score").isEqualTo(batch);
      }
    }
  }

  private static void ok(Cli.Result r) {
    assertThat(r.exitCode()).as(r.err()).isZero();
  }

  /** The CSV's rows as a JSON client sends them: the model's columns, numbers as numbers, an empty cell as null. */
  private static List<Map<String, Object>> rows(String csv) {
    List<String> lines = csv.lines().toList();
    List<Map<String, Object>> rows = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",", -1); // id,tenure,plan,age
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("tenure", f[1].isEmpty() ? null : Double.parseDouble(f[1]));
      row.put("plan", f[2]);
      row.put("age", Double.parseDouble(f[3]));
      rows.add(row);
    }
    return rows;
  }

  private static String oipBody(List<Map<String, Object>> rows) {
    ObjectNode root = Json.MAPPER.createObjectNode();
    ArrayNode inputs = root.putArray("inputs");
    for (String column : rows.get(0).keySet()) {
      ObjectNode t = inputs.addObject().put("name", column);
      t.putArray("shape").add(rows.size());
      t.put("datatype", column.equals("plan") ? "BYTES" : "FP64");
      ArrayNode data = t.putArray("data");
      rows.forEach(r -> data.add((JsonNode) Json.MAPPER.valueToTree(r.get(column)))); // null: a missing value
    }
    return root.toString();
  }

  /** Records with a missing value as an explicit null (the shared mapper leaves null map entries out). */
  private static String dataframeRecords(List<Map<String, Object>> rows) {
    ObjectNode root = Json.MAPPER.createObjectNode();
    ArrayNode records = root.putArray("dataframe_records");
    for (Map<String, Object> r : rows) {
      ObjectNode o = records.addObject();
      r.forEach((k, v) -> o.set(k, v == null ? o.nullNode() : Json.MAPPER.valueToTree(v)));
    }
    return root.toString();
  }

  private static String dataframeSplit(List<Map<String, Object>> rows) {
    ObjectNode split = Json.MAPPER.createObjectNode();
    ObjectNode frame = split.putObject("dataframe_split");
    ArrayNode columns = frame.putArray("columns");
    rows.get(0).keySet().forEach(columns::add);
    ArrayNode data = frame.putArray("data");
    for (Map<String, Object> r : rows) {
      data.add(Json.MAPPER.valueToTree(new ArrayList<>(r.values())));
    }
    return split.toString();
  }

  private static JsonNode post(CairnServer server, String path, String contentType, String body) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.url() + path))
        .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(path + " " + contentType + ": " + r.body()).isEqualTo(200);
    return Json.MAPPER.readTree(r.body());
  }
}
