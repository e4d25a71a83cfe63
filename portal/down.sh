#!/usr/bin/env bash
# Stop the local CKAN test portal started by portal/up.sh, and its own Redis. PostgreSQL is left running
# (other programs may use it); the databases and .portal/ are kept, so `make portal` is quick again.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
P="$ROOT/.portal"
if [ -f "$P/ckan.pid" ] && kill -0 "$(cat "$P/ckan.pid")" 2>/dev/null; then
  pid=$(cat "$P/ckan.pid")
  kill "$pid"
  for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
  echo "portal: stopped CKAN (pid $pid)" >&2
else
  echo "portal: CKAN is not running" >&2
fi
rm -f "$P/ckan.pid"
# the harvesting CKAN of portal/harvest_up.sh, when it runs
if [ -f "$P/harvester/ckan.pid" ] && kill -0 "$(cat "$P/harvester/ckan.pid")" 2>/dev/null; then
  kill "$(cat "$P/harvester/ckan.pid")" && echo "portal: stopped the harvesting CKAN" >&2
fi
rm -f "$P/harvester/ckan.pid"
if [ -f "$P/worker.pid" ] && kill -0 "$(cat "$P/worker.pid")" 2>/dev/null; then
  kill "$(cat "$P/worker.pid")" && echo "portal: stopped the job worker" >&2
fi
rm -f "$P/worker.pid"
# this checkout's own Redis (portal/up.sh starts one per checkout, on a unix socket with a password); kept when
# up.sh stops CKAN only to load new code (PORTAL_KEEP_REDIS=1): it has started Redis already by then
if [ "${PORTAL_KEEP_REDIS:-0}" != 1 ] && [ -f "$P/redis.pid" ] && kill -0 "$(cat "$P/redis.pid")" 2>/dev/null; then
  kill "$(cat "$P/redis.pid")" && echo "portal: stopped Redis (pid $(cat "$P/redis.pid"))" >&2
fi
