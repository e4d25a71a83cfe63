#!/usr/bin/env bash
# Start a second local CKAN that harvests the first as a national portal does: data.gov.uk runs CKAN with
# ckanext-harvest, and ckanext-dcat's `dcat_rdf` harvester is the DCAT-AP route into a CKAN portal (the EU
# data portal harvests the same DCAT-AP). Idempotent; about 1 s when it is up.
#
# It starts the portal first (portal/up.sh: PostgreSQL, Redis, the CKAN venv it shares), adds ckanext-harvest
# from PyPI to that venv, and runs CKAN 2.11 with the plugins `harvest dcat dcat_rdf_harvester` (and the
# TEST-ONLY Solr stand-in) on a port of its own, with its own database (named after this checkout), its own
# Redis database and ckan.ini, all under .portal/harvester/. It defines the harvest source `stoke-portal`:
# the council's catalogue on the portal (/catalog.ttl of its organisation). Stock settings otherwise: what
# it keeps is what a harvester keeps.
# Writes .portal/harvester/env (HARVEST_URL, HARVEST_CKAN, HARVEST_INI, HARVEST_SOURCE) and the sysadmin's
# token to .portal/harvester/token (0600, never printed). To harvest:
#   source .portal/harvester/env && $HARVEST_CKAN -c $HARVEST_INI harvester run-test $HARVEST_SOURCE
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
HARVEST_VERSION=1.6.3
FACTORY_BOY=3.3.3      # `ckan harvester run-test` (a harvest without queue consumers) imports ckanext-harvest's
PYTEST=9.2.0           # and CKAN's test helpers, which need factory-boy and pytest
HOST=127.0.0.1
P="$ROOT/.portal"
H="$P/harvester"
VENV="$P/venv"
CKAN="$VENV/bin/ckan"
INI="$H/ckan.ini"
SOURCE=stoke-portal
SUFFIX=$(printf '%s' "$ROOT" | md5sum | cut -c1-8)
DB_USER="ckan_$SUFFIX"            # the portal's role; a database of its own
DB_NAME="ckan_harvest_$SUFFIX"

say() { echo "harvester: $*" >&2; }
die() { echo "harvester: error: $*" >&2; exit 1; }
source "$ROOT/portal/common.sh"
our_pid_alive() { [ -f "$H/ckan.pid" ] && kill -0 "$(cat "$H/ckan.pid")" 2>/dev/null; }

bash "$ROOT/portal/up.sh"
PORTAL_URL=$(cat "$P/url")
# the council's catalogue: its organisation's datasets (data.gov.uk harvests per publisher), not the test
# datasets other tests leave on the portal under other organisations
CATALOGUE="$PORTAL_URL/catalog.ttl?q=organization:stoke-on-trent-city-council"
mkdir -p "$H"
chmod 700 "$H"

# ---- fast path: running, on this settings hash, answering
ini_settings() {
  printf '%s\n' \
    "sqlalchemy.url = postgresql://$DB_USER:__DB_PW__@$HOST:$PG_PORT/$DB_NAME" \
    "ckan.site_url = $URL" \
    "ckan.site_id = harvester" \
    "ckan.plugins = test_only_search harvest dcat dcat_rdf_harvester" \
    "ckan.site_title = A national portal harvesting Stoke-on-Trent (local test)" \
    "solr_url = http://$HOST:8983/solr/unused-test-only-search" \
    "ckanext.test_only_search.path = $H/search-index.sqlite3" \
    "ckan.storage_path = $H/storage" \
    "ckan.redis.url = unix://:__REDIS_PW__@$REDIS_SOCK?db=2" \
    "ckan.harvest.mq.type = redis"
}
read -r PG_VER PG_CLUSTER PG_PORT PG_STATUS _ < <(pg_lsclusters -h | head -1) || die "no PostgreSQL cluster"
REDIS_SOCK=$(sed -n 's/^unixsocket //p' "$P/redis.conf")
REDIS_PW=$(cat "$P/redis-password")
DB_PW=$(cat "$P/db-password")
if [ -f "$H/url" ]; then PORT=$(sed 's/.*://' "$H/url"); else PORT=${HARVEST_PORT:-5100}; fi
if ! our_pid_alive && port_busy "$PORT"; then
  for candidate in $(seq 5100 5120); do port_busy "$candidate" || { PORT=$candidate; break; }; done
fi
URL="http://$HOST:$PORT"
mapfile -t SETTINGS < <(ini_settings)
settings_hash=$( { printf '%s\n' "${SETTINGS[@]}"; echo "$HARVEST_VERSION $SOURCE $CATALOGUE"; } | md5sum | cut -c1-12)
if our_pid_alive && [ "$(cat "$H/ini-hash" 2>/dev/null)" = "$settings_hash" ] && [ -f "$VENV/.harvest-$HARVEST_VERSION-$FACTORY_BOY-$PYTEST" ] \
   && [ -f "$H/env" ] && answers "$(cat "$H/url")"; then
  say "ready at $(cat "$H/url") (harvest source '$SOURCE': $CATALOGUE)"
  exit 0
fi
t0=$(date +%s)

# ---- ckanext-harvest from PyPI, with CKAN's own pins as constraints
if [ ! -f "$VENV/.harvest-$HARVEST_VERSION-$FACTORY_BOY-$PYTEST" ]; then
  say "installing ckanext-harvest==$HARVEST_VERSION (and factory-boy, pytest for run-test)"
  "$VENV/bin/python" "$ROOT/portal/ckan_pins.py" constraints >"$H/ckan-constraints.txt" || die "could not read CKAN's pins"
  "$VENV/bin/python" -m pip install -q -c "$H/ckan-constraints.txt" "ckanext-harvest==$HARVEST_VERSION" \
      "factory-boy==$FACTORY_BOY" "pytest==$PYTEST" >"$H/pip.log" 2>&1 \
    || die "pip install ckanext-harvest==$HARVEST_VERSION failed; see $H/pip.log"
  "$VENV/bin/python" "$ROOT/portal/ckan_pins.py" check >>"$H/pip.log" 2>&1 || die "a CKAN pin no longer holds; see $H/pip.log"
  rm -f "$VENV"/.harvest-*
  touch "$VENV/.harvest-$HARVEST_VERSION-$FACTORY_BOY-$PYTEST"
fi

# ---- its own database (the portal's role), fresh when .portal/harvester/ has no record of it
if [ ! -f "$H/db-initialised-$DB_NAME" ] && db_exists "$DB_NAME"; then
  say "dropping the leftover database $DB_NAME"
  psql_admin -c "drop database \"$DB_NAME\" with (force)" >/dev/null
fi
db_exists "$DB_NAME" || psql_admin -c "create database \"$DB_NAME\" owner \"$DB_USER\" encoding 'utf-8'"

if [ "$(cat "$H/ini-hash" 2>/dev/null)" != "$settings_hash" ] || [ ! -f "$INI" ]; then
  say "writing $INI"
  mkdir -p "$H/storage"
  write_ini "$INI" "$VENV" "${SETTINGS[@]}"
  ini_written=1
fi

if [ ! -f "$H/db-initialised-$DB_NAME" ]; then
  say "initialising its database (CKAN's tables and ckanext-harvest's)"
  { "$CKAN" -c "$INI" db init && "$CKAN" -c "$INI" db upgrade -p harvest; } >"$H/db-init.log" 2>&1 \
    || die "database initialisation failed; see $H/db-init.log"
  rm -f "$H"/db-initialised-*
  touch "$H/db-initialised-$DB_NAME"
fi

if our_pid_alive && [ "${ini_written:-0}" = 1 ]; then
  kill "$(cat "$H/ckan.pid")" 2>/dev/null || true
  for _ in $(seq 1 40); do our_pid_alive || break; sleep 0.25; done
fi
if ! our_pid_alive; then
  say "starting the harvesting CKAN at $URL"
  setsid nohup "$CKAN" -c "$INI" run --host $HOST --port "$PORT" --disable-reloader --disable-debugger --threaded \
    >"$H/ckan.log" 2>&1 </dev/null &
  echo $! >"$H/ckan.pid"
fi
echo "$URL" >"$H/url"
wait_answers "$URL" "$H/ckan.pid" "$H/ckan.log"

# ---- a sysadmin and token (.portal/harvester/token, 0600), the publisher's organisation, the harvest source:
# the portal's catalogue, harvested by ckanext-dcat's dcat_rdf harvester into that organisation
api() {  # api ACTION JSON: POST to the harvesting CKAN's Action API (fails on an HTTP error), the token
  local hdr="$H/.auth-header" rc=0   # from a 0600 header file, never in argv
  (umask 077; printf 'Authorization: %s\n' "$(cat "$H/token" 2>/dev/null)" >"$hdr")
  curl -fsS -m 30 -H @"$hdr" -H 'Content-Type: application/json' -d "$2" "$URL/api/3/action/$1" || rc=$?
  rm -f "$hdr"
  return $rc
}
# a new ckan.ini has a new token secret, so an older token is refused: make one again
if [ ! -s "$H/token" ] || ! api api_token_list '{"user_id": "harvest-admin"}' >/dev/null 2>&1; then
  (umask 077; "$VENV/bin/python" "$ROOT/portal/make_admin.py" "$INI" harvest-admin >"$H/token") || die "could not create the sysadmin/token"
fi
if ! curl -fsS -m 5 "$URL/api/3/action/organization_show?id=stoke-on-trent-city-council" >/dev/null 2>&1; then
  api organization_create '{"name": "stoke-on-trent-city-council", "title": "Stoke-on-Trent City Council"}' >"$H/source.log" 2>&1 \
    || die "could not create the publisher's organisation; see $H/source.log"
fi
# the source's current address, or nothing when there is none yet (a 404 on a fresh machine: no output, no error)
current=$(api harvest_source_show "{\"id\": \"$SOURCE\"}" 2>/dev/null | "$VENV/bin/python" -c 'import json, sys
try:
    r = json.load(sys.stdin)
except ValueError:
    r = {}
print((r.get("result") or {}).get("url") or "" if r.get("success") else "")' || true)
if [ -z "$current" ]; then
  say "creating the harvest source '$SOURCE' ($CATALOGUE, dcat_rdf)"
  "$CKAN" -c "$INI" harvester source create "$SOURCE" "$CATALOGUE" dcat_rdf \
    "Stoke-on-Trent City Council open data" true stoke-on-trent-city-council MANUAL '{"rdf_format": "text/turtle"}' >>"$H/source.log" 2>&1 \
    || die "could not create the harvest source; see $H/source.log"
elif [ "$current" != "$CATALOGUE" ]; then  # the portal moved (another port)
  say "pointing the harvest source '$SOURCE' at $CATALOGUE"
  api harvest_source_patch "{\"id\": \"$SOURCE\", \"url\": \"$CATALOGUE\"}" >>"$H/source.log" 2>&1 || die "could not update the harvest source"
fi
(umask 077; printf 'export HARVEST_URL=%s\nexport HARVEST_CKAN=%s\nexport HARVEST_INI=%s\nexport HARVEST_SOURCE=%s\n' \
  "$URL" "$CKAN" "$INI" "$SOURCE" >"$H/env")
echo "$settings_hash" >"$H/ini-hash"
say "up in $(( $(date +%s) - t0 )) s; ready at $URL (harvest source '$SOURCE': $CATALOGUE)"
