#!/usr/bin/env bash
# Times the norm figures on the bench data: the whole overview (every indicator, the period and
# the one before, for the bench organisation) and one figure's drill-down page (50 children
# behind a shortfall, each logged). See bench/README.md.
#   bench/norms.sh [--families 20000] [--period 2026-Q3] [--duration 15s] [--connections 1]
# DATABASE_URL picks the database: an empty PostgreSQL database (seeded), or one seeded by
# bench/run.sh or bench/compare.sh (organisation `bench` present: reused). Without it, SQLite
# under target/bench/norms/ (seeded once, then reused).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/common.sh

families=20000 duration=15s connections=1 port=18083
period=$(date -d "$(date +%Y-%m-01) -3 months" +%Y)-Q$(( ($(date -d "$(date +%Y-%m-01) -3 months" +%-m) - 1) / 3 + 1 ))
while [ $# -gt 0 ]; do
  case "$1" in
    --families) families=$2; shift 2 ;;
    --period) period=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done

bench_setup norms
export DATABASE_URL=${DATABASE_URL:-"sqlite://$work/bench.db?mode=rwc"}
export VEERKRACHT_LISTEN="127.0.0.1:$port"
if ! "$bin" dev-token --organisation bench --role QUALITY_OFFICER >/dev/null 2>&1; then
  echo "== seeding $families families into ${DATABASE_URL%%\?*}"
  start=$(date +%s)
  "$bin" seed-bench --families "$families" 2>>"$work/seed.log"
  echo "   took $(( $(date +%s) - start )) s"
fi
"$bin" serve 2>"$work/server.log" &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 150); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.2; done
# The bench organisation has no quality officer: a token in that role without a worker.
token=$("$bin" dev-token --organisation bench --role QUALITY_OFFICER 2>/dev/null)

overview="{ normFigures(filter: { period: \\\"$period\\\" }) { figures { code numerator denominator share status previousShare } } }"
drill="{ normFigures(filter: { period: \\\"$period\\\", codes: [\\\"7\\\"] }) { figures { numerator denominator cases(met: false, first: 50) { edges { node { name reason } } } } } }"
statements() { curl -sf "http://127.0.0.1:$port/metrics" | awk '$1=="veerkracht_sql_statements_total"{print $2}'; }
once() { curl -sf -X POST -H 'Content-Type: application/json' -H "Authorization: Bearer $token" -d "{\"query\":\"$1\"}" "http://127.0.0.1:$port/graphql"; }

echo "== ${DATABASE_URL%%\?*}, period $period, $connections connection(s), $duration"
printf '%-10s %10s %11s %9s %9s %9s\n' query statements 'req/s' 'p50 ms' 'p99 ms' errors
for name in overview drill; do
  query=${!name}
  before=$(statements)
  response=$(once "$query")
  after=$(statements)
  echo "$response" | grep -q '"errors"' && { echo "$name failed: $response" >&2; exit 1; }
  [ "$name" = overview ] && echo "$response" | grep -o '"code":"[^"]*","numerator":[0-9]*,"denominator":[0-9]*' | head -40 >"$work/figures.txt"
  wrk_script "$query" "$token" >"$work/$name.lua"
  wrk -t1 -c"$connections" -d5s -s "$work/$name.lua" "http://127.0.0.1:$port/graphql" >/dev/null # warm-up
  read -r _ rps p50 p99 errors < <(wrk -t1 -c"$connections" -d"$duration" -s "$work/$name.lua" "http://127.0.0.1:$port/graphql" | grep '^RESULT')
  printf '%-10s %10s %11s %9s %9s %9s\n' "$name" "$(( after - before ))" "$rps" "$p50" "$p99" "$errors"
done
echo "(figures of the overview: $work/figures.txt)"
