#!/usr/bin/env bash
# Two organisations at once: does one organisation's load slow the other beyond sharing the
# machine, and do one organisation's clients scale with cores? See bench/README.md.
#   DATABASE_URL=postgres://user:pass@127.0.0.1/veerkracht_tenants bench/tenants.sh [--families 5000] [--duration 15s] [--reuse]
# Without --reuse the database must be empty; organisations `bench` and `bench-2` are seeded.
set -euo pipefail
cd "$(dirname "$0")/.."

families=5000 duration=15s reuse=0 port=18083
while [ $# -gt 0 ]; do
  case "$1" in
    --families) families=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --reuse) reuse=1; shift ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
: "${DATABASE_URL:?DATABASE_URL must name the database}"
. bench/common.sh
bench_setup tenants
export VEERKRACHT_LISTEN="127.0.0.1:$port"
if [ "$reuse" = 0 ]; then
  for org in bench bench-2; do
    echo "== seeding $families families into $org"
    "$bin" seed-bench --families "$families" --organisation "$org" 2>>"$work/seed.log"
  done
fi
"$bin" serve 2>"$work/server.log" &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 150); do curl -s -o /dev/null "http://127.0.0.1:$port/healthz" && break; sleep 0.2; done

query='{ families(first: 50) { edges { node { id children { person { givenName familyName } trajectory { phase responsibleWorker { name } } } } } } }'
for org in bench bench-2; do
  token=$("$bin" dev-token --organisation "$org" --role TEAM_LEAD 2>/dev/null)
  wrk_script "$query" "$token" >"$work/$org.lua"
done
run() { wrk -t"$(( $2 < 2 ? 1 : 2 ))" -c"$2" -d"$duration" -s "$work/$1.lua" "http://127.0.0.1:$port/graphql" | grep '^RESULT'; }
run bench 4 >/dev/null # warm-up

printf '\n%-40s %10s %9s %9s %7s\n' run 'req/s' 'p50 ms' 'p99 ms' errors >&2
# Prints a row of the table (to stderr, so that it shows at once) and returns the req/s.
line() { read -r _ rps p50 p99 err <<<"$2"; printf '%-40s %10s %9s %9s %7s\n' "$1" "$rps" "$p50" "$p99" "$err" >&2; echo "$rps"; }
one1=$(line "bench alone, 1 connection" "$(run bench 1)")
one2=$(line "bench alone, 2 connections" "$(run bench 2)")
one8=$(line "bench alone, 8 connections" "$(run bench 8)")
run bench 4 >"$work/a.out" & a=$!
run bench-2 4 >"$work/b.out" & b=$!
wait $a $b
a_rps=$(line "bench, 4 connections, beside bench-2" "$(cat "$work/a.out")")
b_rps=$(line "bench-2, 4 connections, beside bench" "$(cat "$work/b.out")")
awk -v o1="$one1" -v o2="$one2" -v o8="$one8" -v a="$a_rps" -v b="$b_rps" 'BEGIN {
  printf "\none organisation, 1 → 2 connections: %.2fx\n", o2 / o1
  printf "two organisations (4 + 4) / one organisation (8): %.2fx\n", (a + b) / o8 }' 
