#!/usr/bin/env bash
# The access log at scale: one person's log among millions of entries, and verify-access-log.
# See bench/README.md.
#   bench/access-log.sh [--events 2000000] [--per-person 10000] [--requests 20]
# DATABASE_URL picks the database (default: a fresh SQLite file under target/bench/access-log/);
# a PostgreSQL database given here must be empty.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/common.sh

events=2000000 per_person=10000 requests=20 port=18083
while [ $# -gt 0 ]; do
  case "$1" in
    --events) events=$2; shift 2 ;;
    --per-person) per_person=$2; shift 2 ;;
    --requests) requests=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done

bench_setup access-log
if [ -z "${DATABASE_URL:-}" ]; then
  rm -f "$work"/log.db*
  export DATABASE_URL="sqlite://$work/log.db?mode=rwc"
fi
rm -rf "$work/checkpoints"
export VEERKRACHT_LISTEN="127.0.0.1:$port"

# Seconds since $1 (from `now`), to a tenth.
now() { date +%s.%N; }
since() { awk -v s="$1" -v e="$(now)" 'BEGIN { printf "%.1f", e - s }'; }

echo "== ${DATABASE_URL%%\?*}: organisation scale, $events events, $per_person of them naming one person"
"$bin" seed-bench --families 10 --organisation scale >/dev/null 2>"$work/seed.log"
start=$(now)
person=$("$bin" seed-access-log --organisation scale --events "$events" --per-person "$per_person" 2>>"$work/seed.log")
echo "   appended in $(since "$start") s"

for run in "sealing the backlog, then verifying" "verifying the sealed log"; do
  start=$(now)
  result=$("$bin" verify-access-log 2>>"$work/verify.log")
  echo "== verify-access-log, $run: $(since "$start") s"
  echo "   $result"
done

serve_until_ready

token=$("$bin" dev-token --organisation scale --role TEAM_LEAD 2>/dev/null)
body=$(printf '{"query":"{ accessLog(personId: \\"%s\\", first: 50) { totalCount edges { node { seq occurredAt } } } }"}' "$person")
times=()
for i in $(seq "$requests"); do
  before=$(statements)
  out=$(curl -sf -w '\n%{time_total}' -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    -d "$body" "http://127.0.0.1:$port/graphql")
  after=$(statements)
  response=$(echo "$out" | head -n -1)
  echo "$response" | grep -Eq "\"totalCount\":$per_person[,}]" || { echo "unexpected answer: ${response:0:300}" >&2; exit 1; }
  times+=("$(echo "$out" | tail -1)")
done
echo "== accessLog(first: 50) with totalCount, $requests requests one after another, $(( after - before )) SQL statements each"
ms() { awk -v s="$1" 'BEGIN { printf "%.1f ms", s * 1000 }'; }
sorted=($(printf '%s\n' "${times[@]}" | sort -g))
echo "   first $(ms "${times[0]}"), second $(ms "${times[1]}"); min $(ms "${sorted[0]}"),"\
  "median $(ms "${sorted[$(( requests / 2 ))]}"), max $(ms "${sorted[$(( requests - 1 ))]}")"
