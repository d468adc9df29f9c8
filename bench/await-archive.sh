# Sourced by the start-up benchmarks. The launcher records its class-data archive in the background after a
# build: await_archive JAR waits until it is done (the stamp beside it, written after the archive is renamed in,
# is newer than the jar), so no run is measured without the archive or beside the recording.
await_archive() {
  local jar="$1" stamp="${1%/*}/cairn.jsa.java"
  for _ in $(seq 1 600); do
    [[ -f "$stamp" && ! "$jar" -nt "$stamp" ]] && return 0
    sleep 0.5
  done
  echo "the class-data archive was not recorded within 300 s" >&2
  return 1
}
