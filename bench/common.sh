# Sourced by the scripts in bench/.

# Installs wrk when missing, builds the release binary and prepares target/bench/$1 with the
# server's keys there; sets $bin and $work.
bench_setup() {
  if ! command -v wrk >/dev/null 2>&1; then
    echo "== installing wrk"
    local sudo=; [ "$(id -u)" = 0 ] || sudo=sudo
    $sudo apt-get install -y -qq wrk || { $sudo apt-get update -qq && $sudo apt-get install -y -qq wrk; }
  fi
  echo "== building (release)"
  cargo build --release -q -p server
  local target=${CARGO_TARGET_DIR:-target}
  bin=$target/release/veerkracht
  work=$target/bench/$1
  mkdir -p "$work"
  export VEERKRACHT_AUTH__DEV_KEY_PATH="$work/dev-issuer.pem"
  export VEERKRACHT_AUDIT__CHECKPOINT_KEY_PATH="$work/checkpoint-key.pem"
  export VEERKRACHT_AUDIT__CHECKPOINT_DIR="$work/checkpoints"
  export VEERKRACHT_LOG_FORMAT=json
}

# Prints a wrk script that POSTs the GraphQL query $1 (with bearer token $2, if any) and ends
# with one line: RESULT req/s p50-ms p99-ms errors.
wrk_script() {
  cat <<LUA
wrk.method = "POST"
wrk.body = [[{"query":"$1"}]]
wrk.headers["Content-Type"] = "application/json"
$( [ -n "$2" ] && echo "wrk.headers[\"Authorization\"] = \"Bearer $2\"" )
function done(summary, latency, requests)
  io.write(string.format("RESULT %.1f %.2f %.2f %d\n", summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
LUA
}

# Starts `veerkracht serve` on $port (its log in $work/server.log), stops it when the script
# exits, and waits until it is ready.
serve_until_ready() {
  "$bin" serve 2>"$work/server.log" &
  server=$!
  trap 'kill $server 2>/dev/null || true' EXIT
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.2; done
  curl -sf "http://127.0.0.1:$port/readyz" >/dev/null
}

# How many SQL statements the server on $port has run (from /metrics).
statements() { curl -sf "http://127.0.0.1:$port/metrics" | awk '$1=="veerkracht_sql_statements_total"{print $2}'; }
