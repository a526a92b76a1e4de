#!/usr/bin/env bash
# Delivery benchmark: N messages queued at once, drained to the Verwijsindex simulator on
# loopback. See bench/README.md.
#   bench/delivery.sh [--messages 10000]
# DATABASE_URL picks the database (default: a fresh SQLite file under target/bench/).
set -euo pipefail
cd "$(dirname "$0")/.."
messages=10000
while [ $# -gt 0 ]; do
  case "$1" in
    --messages) messages=$2; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
echo "== building (release)"
cargo build --release -q -p server
target=${CARGO_TARGET_DIR:-target}
mkdir -p target/bench
if [ -z "${DATABASE_URL:-}" ]; then
  rm -f target/bench/delivery.sqlite*
  export DATABASE_URL="sqlite://$PWD/target/bench/delivery.sqlite?mode=rwc"
fi
export VEERKRACHT_PARTNERS__SECRETS_KEY_PATH=${VEERKRACHT_PARTNERS__SECRETS_KEY_PATH:-$PWD/target/bench/secrets.key}
RUST_LOG=warn "$target/release/veerkracht" bench-delivery --messages "$messages"
