#!/usr/bin/env bash
# Start-to-ready and idle RSS of `cairn server` from the runnable jar, on a fresh SQLite store each time.
# Usage: bench/startup.sh [runs]   (build first: mvn -q -B -DskipTests -pl cairn-cli -am package)
set -euo pipefail
cd "$(dirname "$0")/.."
jar=cairn-cli/target/cairn.jar
runs="${1:-5}"
for i in $(seq 1 "$runs"); do
  # a port no one else on this (shared) machine listens on, so /health is answered by this server and no other
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  dir=$(mktemp -d)
  start=$(date +%s%N)
  java ${CAIRN_JAVA_OPTS:-} -jar "$jar" server --port "$port" \
    --backend-store-uri "sqlite:$dir/cairn.db" --artifacts-uri "file:$dir/artifacts" >"$dir/log" 2>&1 &
  pid=$!
  until curl -sf "http://127.0.0.1:$port/health" >/dev/null 2>&1; do
    sleep 0.01
    kill -0 "$pid" 2>/dev/null || { echo "server died:"; cat "$dir/log"; exit 1; }
  done
  ready=$(( ($(date +%s%N) - start) / 1000000 ))
  sleep 5
  rss=$(awk '/VmRSS/ {print int($2/1024)}' /proc/$pid/status)
  cpu=$(awk '{print ($14+$15)*10}' /proc/$pid/stat)
  echo "run $i: ready after ${ready} ms, idle RSS after 5 s: ${rss} MiB, CPU used: ${cpu} ms"
  kill "$pid"; wait "$pid" 2>/dev/null || true
  rm -rf "$dir"
done
