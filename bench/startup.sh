#!/usr/bin/env bash
# Start-to-ready, idle RSS and CPU of `cairn server` on a SQLite store, a free port per run.
# Usage: bench/startup.sh [runs] [jar|launcher] [fresh|existing]
#   jar       java -jar cairn-cli/target/cairn.jar server (build first: mvn -q -B -DskipTests -pl cairn-cli -am package)
#   launcher  ./cairn server, as the README starts it (class-data archive, staleness check); the archive is
#             recorded (in the background) before the first measured run
#   fresh     a new data folder per run: every migration runs
#   existing  one data folder migrated by an unmeasured first start, reused by every run (the usual restart)
# Prints the load average beside each run: on a shared machine it moves wall times more than CPU times.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"
runs="${1:-5}"
via="${2:-jar}"
jar="$repo/cairn-cli/target/cairn.jar"
folder="${3:-fresh}"
source "$repo/bench/await-archive.sh"
case "$via" in
  jar) cmd=(java ${CAIRN_JAVA_OPTS:-} -jar "$jar") ;;
  launcher) cmd=("$repo/cairn"); "$repo/cairn" --version >/dev/null; await_archive "$jar" ;;
  *) echo "usage: bench/startup.sh [runs] [jar|launcher] [fresh|existing]" >&2; exit 2 ;;
esac
[[ "$folder" == fresh || "$folder" == existing ]] || { echo "folder is fresh or existing, not $folder" >&2; exit 2; }
shared=$(mktemp -d)
trap 'rm -rf "$shared"' EXIT

# Starts the server on data folder $1; sets pid and ready (ms from launch to the first 200 from /health).
start_server() {
  local dir="$1" port start
  # a port no one else on this (shared) machine listens on, so /health is answered by this server and no other
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  start=$(date +%s%N)
  "${cmd[@]}" server --port "$port" \
    --backend-store-uri "sqlite:$dir/cairn.db" --artifacts-uri "file:$dir/artifacts" >"$dir/log" 2>&1 &
  pid=$!
  until curl -sf "http://127.0.0.1:$port/health" >/dev/null 2>&1; do
    sleep 0.01
    kill -0 "$pid" 2>/dev/null || { echo "server died:"; cat "$dir/log"; exit 1; }
  done
  ready=$(( ($(date +%s%N) - start) / 1000000 ))
}

stop_server() {
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

echo "# bench/startup.sh: $runs runs, $via, $folder data folder"
if [[ "$folder" == existing ]]; then
  start_server "$shared"
  stop_server
fi
for i in $(seq 1 "$runs"); do
  if [[ "$folder" == fresh ]]; then dir=$(mktemp -d); else dir="$shared"; fi
  load=$(cut -d' ' -f1 /proc/loadavg)
  start_server "$dir"
  sleep 5
  rss=$(awk '/VmRSS/ {print int($2/1024)}' /proc/$pid/status)
  cpu=$(awk '{print ($14+$15)*10}' /proc/$pid/stat)
  echo "run $i: ready after ${ready} ms, idle RSS after 5 s: ${rss} MiB, CPU used: ${cpu} ms, load average $load"
  stop_server
  [[ "$folder" == fresh ]] && rm -rf "$dir"
done
