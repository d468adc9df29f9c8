#!/usr/bin/env bash
# Wall and CPU time of light CLI commands: the launcher (./cairn: class-data archive, client compiler) against
# plain `java -jar cairn.jar` (what the launcher ran before), plus the launcher's staleness check on its own.
# Usage: bench/cli-startup.sh [runs]   (builds cairn.jar and the archive through ./cairn if needed)
# Prints the median of [runs] runs for each row, and the load average, which on a shared machine moves wall
# times far more than CPU times.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"
runs="${1:-11}"
jar="$repo/cairn-cli/target/cairn.jar"
source "$repo/bench/await-archive.sh"
./cairn --version >/dev/null # build the jar and start recording the archive
await_archive "$jar"

work="$(mktemp -d)"
port=5932
java -jar "$jar" server --port "$port" --backend-store-uri "sqlite:$work/server/cairn.db" \
  --artifacts-uri "file:$work/server/artifacts" >"$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 600); do
  curl -sf "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
  sleep 0.1
done
url="http://127.0.0.1:$port"
experiment="$(java -jar "$jar" --tracking-uri "$url" experiments create bench)"
mkdir -p "$work/data"
cd "$work/data"
seq 1 1000 | awk 'BEGIN {print "id,x"} {print $1 "," $1 * 0.5}' > table.csv
java -jar "$jar" data add table.csv --name bench >/dev/null 2>&1 || true

# median wall and CPU (user + sys) seconds of "$@" over $runs runs (bash's time: millisecond resolution)
measure() {
  local f="$work/times" TIMEFORMAT='%3R %3U %3S'
  : > "$f"
  for _ in $(seq 1 "$runs"); do
    { time "$@" >/dev/null 2>&1; } 2>>"$f" || true
  done
  local m=$(( (runs + 1) / 2 ))
  printf "%6.3f s wall  %6.3f s CPU" "$(awk '{print $1}' "$f" | sort -n | sed -n "${m}p")" \
    "$(awk '{print $2 + $3}' "$f" | sort -n | sed -n "${m}p")"
}

row() {
  local name="$1"; shift
  printf "%-44s %s\n" "$name" "$(measure "$@")"
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); $runs runs each, medians"
row "staleness check, find over */src (before)" \
  find "$repo/pom.xml" "$repo"/*/pom.xml "$repo"/*/src -type f -newer "$jar" -print -quit
row "staleness check, find over */src/main" \
  find "$repo/pom.xml" "$repo"/*/pom.xml "$repo"/*/src/main -type f -newer "$jar" -print -quit
for cmd in "--help" "--tracking-uri $url runs list --experiment-id $experiment" "data log bench"; do
  # shellcheck disable=SC2086 # the command's words
  row "java -jar cairn.jar $(echo "$cmd" | sed "s|$url|URL|")" java -jar "$jar" $cmd
  # shellcheck disable=SC2086
  row "./cairn $(echo "$cmd" | sed "s|$url|URL|")" "$repo/cairn" $cmd
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
