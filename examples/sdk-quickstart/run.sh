#!/usr/bin/env bash
# Builds and runs the SDK quick start the way a user's project would: installs cairn-client into the local
# Maven repository, starts a Cairn server on a free port with a fresh data folder, runs the example against
# it, and checks over REST that the run, its metrics, artifacts and child run are there. CI runs this.
# CAIRN_MVN_OPTS adds Maven flags (e.g. -o to stay offline).
set -euo pipefail
example="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$example/../.." && pwd)"
jar="$repo/cairn-cli/target/cairn.jar"
# shellcheck disable=SC2206
mvn_cmd=(mvn -B -q ${CAIRN_MVN_OPTS:-})

fail() { echo "sdk-quickstart: $*" >&2; exit 1; }

echo "sdk-quickstart: installing cairn-client into the local Maven repository"
(cd "$repo" && "${mvn_cmd[@]}" install -DskipTests -pl cairn-client -am)
if [ ! -f "$jar" ]; then
  echo "sdk-quickstart: building $jar"
  (cd "$repo" && "${mvn_cmd[@]}" package -DskipTests -pl cairn-cli -am)
fi

data="$(mktemp -d)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$data"
}
trap cleanup EXIT

java -jar "$jar" server --port 0 --backend-store-uri "sqlite:$data/cairn.db" --artifacts-uri "file:$data/artifacts" \
  >"$data/server.out" 2>"$data/server.err" &
server_pid=$!

url=""
for _ in $(seq 1 600); do # up to 60 s for the server to say where it listens and to answer /health
  if [ -z "$url" ]; then
    url="$(sed -n 's/^Cairn serving \(http:[^ ]*\).*/\1/p' "$data/server.out" | head -n 1)"
  fi
  if [ -n "$url" ] && curl -fsS "$url/health" >/dev/null 2>&1; then
    break
  fi
  kill -0 "$server_pid" 2>/dev/null || { cat "$data/server.err" >&2; fail "the server exited before it was ready"; }
  sleep 0.1
done
[ -n "$url" ] && curl -fsS "$url/health" >/dev/null || { cat "$data/server.err" >&2; fail "no healthy server within 60 s"; }
echo "sdk-quickstart: server ready at $url"

echo "sdk-quickstart: building the example against dev.cairn:cairn-client:0.1.0-SNAPSHOT"
(cd "$example" && "${mvn_cmd[@]}" package)
run_id="$(CAIRN_TRACKING_URI="$url" java -jar "$example/target/sdk-quickstart.jar" | tail -n 1)"
[[ "$run_id" =~ ^[0-9a-f]{32}$ ]] || fail "the example printed '$run_id' instead of a run id"
echo "sdk-quickstart: run $run_id logged; checking it over REST"

api="$url/api/2.0/mlflow"
run_json="$(curl -fsS "$api/runs/get?run_id=$run_id")"
status="$(jq -r '.run.info.status' <<<"$run_json")"
[ "$status" = FINISHED ] || fail "run status is $status, not FINISHED"
[ "$(jq -r '.run.data.params[] | select(.key == "epochs") | .value' <<<"$run_json")" = 20 ] || fail "param epochs is missing"
points="$(curl -fsS "$api/metrics/get-history?run_id=$run_id&metric_key=loss" | jq '.metrics | length')"
[ "$points" = 20 ] || fail "metric loss has $points points, not 20"
first_last="$(curl -fsS "$api/metrics/get-history?run_id=$run_id&metric_key=loss" \
  | jq '(.metrics | min_by(.step).value) > (.metrics | max_by(.step).value)')"
[ "$first_last" = true ] || fail "loss did not fall from the first epoch to the last"

root="$(jq -r '.run.info.artifact_uri' <<<"$run_json" | sed 's|^mlflow-artifacts:/*||')"
files="$(curl -fsS "$url/api/2.0/mlflow-artifacts/artifacts?path=$root" | jq -r '.files[].path' | sort | tr '\n' ' ')"
[ "$files" = "model summary.txt " ] || fail "artifacts are '$files', expected 'model summary.txt'"
weight="$(curl -fsS "$url/api/2.0/mlflow-artifacts/artifacts/$root/model/model.json" | jq '.weight * 10 | round')"
[ "$weight" = 30 ] || fail "model.json has weight $weight/10, expected about 3"

experiment_id="$(jq -r '.run.info.experiment_id' <<<"$run_json")"
children="$(curl -fsS -H 'Content-Type: application/json' -X POST "$api/runs/search" \
  -d "{\"experiment_ids\":[\"$experiment_id\"],\"filter\":\"tags.mlflow.parentRunId = '$run_id'\"}" \
  | jq -r '[.runs[].info.run_name] | join(",")')"
[ "$children" = evaluation ] || fail "child runs are '$children', expected 'evaluation'"

echo "sdk-quickstart: OK (run $run_id: FINISHED, 20 loss points, 2 artifacts, 1 child run)"
