#!/usr/bin/env bash
# Load test of the nested caseload query over HTTP. See bench/README.md.
#   bench/run.sh [--families N] [--duration 30s] [--connections 16] [--threads 2]
# DATABASE_URL picks the database (default: a fresh SQLite file under target/bench/);
# a PostgreSQL database given here must be empty.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/common.sh

families=20000 duration=30s connections=16 threads=2 port=18080
while [ $# -gt 0 ]; do
  case "$1" in
    --families) families=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done

if ! command -v wrk >/dev/null 2>&1; then
  echo "== installing wrk"
  if [ "$(id -u)" = 0 ]; then apt-get install -y -qq wrk || { apt-get update -qq && apt-get install -y -qq wrk; }
  else sudo apt-get install -y -qq wrk || { sudo apt-get update -qq && sudo apt-get install -y -qq wrk; }; fi
fi

echo "== building (release)"
cargo build --release -q -p server
target=${CARGO_TARGET_DIR:-target}
bin=$target/release/veerkracht
work=$target/bench
mkdir -p "$work"
if [ -z "${DATABASE_URL:-}" ]; then
  rm -f "$work"/bench.db*
  export DATABASE_URL="sqlite://$work/bench.db?mode=rwc"
fi
export VEERKRACHT_AUTH__DEV_KEY_PATH="$work/dev-issuer.pem"
export VEERKRACHT_LISTEN="127.0.0.1:$port"
export VEERKRACHT_LOG_FORMAT=json
# The benchmark needs pages of 50 and the nested query; keep the default limits otherwise.

echo "== seeding $families families into ${DATABASE_URL%%\?*}"
start=$(date +%s)
"$bin" seed-bench --families "$families" 2>"$work/seed.log"
echo "   took $(( $(date +%s) - start )) s"

serve_until_ready

token=$("$bin" dev-token --organisation bench --role TEAM_LEAD 2>/dev/null)
query='{ families(first: 50) { totalCount edges { node { children { trajectory { responsibleWorker { name } } } } } } }'
body=$(printf '{"query":"%s"}' "$query")
url="http://127.0.0.1:$port/graphql"

before=$(statements)
response=$(curl -sf -H "Authorization: Bearer $token" -H 'Content-Type: application/json' -d "$body" "$url")
after=$(statements)
echo "$response" | grep -q '"errors"' && { echo "query failed: $response" >&2; exit 1; }
children=$(echo "$response" | grep -o '"trajectory"' | wc -l)
echo "== one request: 50 families, $children children, $(( after - before )) SQL statements"

cat >"$work/post.lua" <<LUA
wrk.method = "POST"
wrk.body = [[$body]]
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $token"
function done(summary, latency, requests)
  io.write(string.format("requests/s: %.1f\n", summary.requests / (summary.duration / 1e6)))
  io.write(string.format("latency p50: %.2f ms  p99: %.2f ms  max: %.2f ms\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
  io.write(string.format("non-2xx: %d  socket errors: %d\n", summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
LUA
echo "== wrk: $threads threads, $connections connections, $duration"
wrk -t"$threads" -c"$connections" -d"$duration" -s "$work/post.lua" "$url" | tail -3
