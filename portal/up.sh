#!/usr/bin/env bash
# Start the project's local CKAN 2.11 test portal (idempotent; a second call while it runs takes ~1 s).
#
# CKAN from PyPI in its own venv (.portal/venv), PostgreSQL and Redis from Debian, the DataStore, and
# the TEST-ONLY Solr stand-in plugin from portal/ckanext-testsearch (this machine has no Solr).
# Writes .portal/env (CKAN_URL, CKAN_API_TOKEN; mode 0600) and never prints the token.
# Everything it creates lives under .portal/ and in PostgreSQL databases named after this checkout,
# so two clones on one machine do not share a portal.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
P="$ROOT/.portal"
CKAN_VERSION=2.11.6
DCAT_VERSION=2.4.4     # ckanext-dcat from PyPI: DCAT (Turtle, RDF/XML, JSON-LD) of every dataset
SETTINGS_REV=8         # bump when SETTINGS below change, so a running portal is reconfigured
PYTHON=${PORTAL_PYTHON:-python3.11}
HOST=127.0.0.1
ADMIN=stoke-admin
INI="$P/ckan.ini"
VENV="$P/venv"
CKAN="$VENV/bin/ckan"
SUFFIX=$(printf '%s' "$ROOT" | md5sum | cut -c1-8)
DB_USER="ckan_$SUFFIX"
DB_RO_USER="ckan_ro_$SUFFIX"
DB_NAME="ckan_$SUFFIX"
DS_NAME="datastore_$SUFFIX"

say() { echo "portal: $*" >&2; }
die() { echo "portal: error: $*" >&2; exit 1; }
# as_postgres, as_root, answers, port_busy, psql_admin, role_exists, db_exists, write_ini, wait_answers
source "$ROOT/portal/common.sh"
export PORTAL_KEEP_REDIS=1  # its calls of down.sh (to load new code) stop CKAN, not the Redis it started
our_pid_alive() { [ -f "$P/ckan.pid" ] && kill -0 "$(cat "$P/ckan.pid")" 2>/dev/null; }

token_ok() {
  # A token is good when an action that needs it (api_token_list for the admin) answers 200.
  local url=$1
  [ -f "$P/env" ] || return 1
  local token
  token=$(sed -n 's/^export CKAN_API_TOKEN=//p' "$P/env")
  [ -n "$token" ] || return 1
  local hdr="$P/.auth-header"
  (umask 077; printf 'Authorization: %s\n' "$token" >"$hdr")
  local code
  code=$(curl -s -o /dev/null -w '%{http_code}' -m 5 -H @"$hdr" "$url/api/3/action/api_token_list?user_id=$ADMIN" || true)
  rm -f "$hdr"
  [ "$code" = 200 ]
}

advice() {
  say "ready at $1 (CKAN $CKAN_VERSION; log $P/ckan.log)"
  say "to use it: source .portal/env   (sets CKAN_URL and CKAN_API_TOKEN; the token is not shown)"
}

mkdir -p "$P"
chmod 700 "$P"

PLUGIN_SRC="$ROOT/portal/ckanext-testsearch"
plugin_hash=$(cd "$PLUGIN_SRC" && find . -name '*.py' -o -name '*.toml' | LC_ALL=C sort | xargs cat | md5sum | cut -c1-12)
REUSE_SRC="$ROOT/portal/ckanext-reuse"  # CORS for reads and gzip for text (issue 22)
reuse_hash=$(cd "$REUSE_SRC" && find . -name '*.py' -o -name '*.toml' | LC_ALL=C sort | xargs cat | md5sum | cut -c1-12)
STOKE_DCAT_SRC="$ROOT/portal/ckanext-stoke-dcat"  # the catalogue record as DCAT-AP 3 wants it (issue 27)
stoke_dcat_hash=$(cd "$STOKE_DCAT_SRC" && find . -name '*.py' -o -name '*.toml' | LC_ALL=C sort | xargs cat | md5sum | cut -c1-12)

# ckanext-stoke (Submit figures, approvals; docs/stewards.md) and the project it calls, in CKAN's venv
STOKE_SRC="$ROOT/portal/ckanext-stoke"
stoke_hash=$( { cat "$ROOT/pyproject.toml"; cd "$STOKE_SRC" && find . -name '*.py' -o -name '*.toml' -o -name '*.html' | LC_ALL=C sort | xargs cat; } | md5sum | cut -c1-12)
QUEUE="stoke-$(printf '%s' "$ROOT" | md5sum | cut -c1-8)"   # its own job queue (on this checkout's Redis)
worker_alive() { [ -f "$P/worker.pid" ] && kill -0 "$(cat "$P/worker.pid")" 2>/dev/null; }

# ---- fast path: our CKAN is running, with the current plugin, and the token in .portal/env works
if [ -f "$P/url" ] && [ -f "$VENV/.testsearch-$plugin_hash" ] && [ -f "$VENV/.dcat-$DCAT_VERSION" ] && [ -f "$VENV/.reuse-$reuse_hash" ] \
   && [ -f "$VENV/.stoke-dcat-$stoke_dcat_hash" ] && [ -f "$VENV/.stoke-$stoke_hash" ] && worker_alive && [ -f "$P/portal.toml" ] \
   && [ "$(cat "$P/settings-rev" 2>/dev/null)" = "$SETTINGS_REV" ] && [ -d "$P/public" ] && our_pid_alive && answers "$(cat "$P/url")" && token_ok "$(cat "$P/url")"; then
  advice "$(cat "$P/url")"
  exit 0
fi

t0=$(date +%s)

# ---- system packages (Debian): PostgreSQL, Redis, libpq headers for psycopg2
missing=()
command -v pg_lsclusters >/dev/null || missing+=(postgresql)
command -v redis-server >/dev/null || missing+=(redis-server)
dpkg -s libpq-dev >/dev/null 2>&1 || missing+=(libpq-dev)
command -v gcc >/dev/null || missing+=(gcc)
command -v curl >/dev/null || missing+=(curl)
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]} with apt-get"
  as_root apt-get install -y -q "${missing[@]}" >"$P/apt.log" 2>&1 \
    || { as_root apt-get update -q >>"$P/apt.log" 2>&1 && as_root apt-get install -y -q "${missing[@]}" >>"$P/apt.log" 2>&1; } \
    || die "apt-get install ${missing[*]} failed; see $P/apt.log"
fi

# ---- PostgreSQL (no systemd here: pg_ctlcluster)
if [ -z "$(pg_lsclusters -h 2>/dev/null | head -1)" ]; then
  ver=$(ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -1)
  [ -n "$ver" ] || die "PostgreSQL is installed but no server version is found under /usr/lib/postgresql"
  say "creating the PostgreSQL cluster $ver/main"
  as_root pg_createcluster "$ver" main >/dev/null || die "pg_createcluster $ver main failed"
fi
read -r PG_VER PG_CLUSTER PG_PORT PG_STATUS _ < <(pg_lsclusters -h | head -1) || die "no PostgreSQL cluster (pg_lsclusters shows none)"
if [ "$PG_STATUS" != online ]; then
  say "starting PostgreSQL $PG_VER/$PG_CLUSTER"
  as_root pg_ctlcluster "$PG_VER" "$PG_CLUSTER" start || die "could not start PostgreSQL $PG_VER/$PG_CLUSTER"
fi
for _ in $(seq 1 30); do as_postgres psql -p "$PG_PORT" -qtAc 'select 1' >/dev/null 2>&1 && break; sleep 0.5; done

# ---- Redis (sessions and jobs; the Action API does not need it, CKAN's start-up does): this checkout's own,
# on a unix socket in a 0700 folder and with a password, both read from files (never on a command line)
REDIS_SOCK="$P/redis.sock"
if [ ${#REDIS_SOCK} -gt 100 ]; then  # unix socket paths are limited to ~107 bytes
  REDIS_SOCK="/tmp/stoke-redis-$SUFFIX/redis.sock"; mkdir -p -m 700 "$(dirname "$REDIS_SOCK")"
fi
if [ ! -f "$P/redis-password" ]; then (umask 077; head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' >"$P/redis-password"); fi
REDIS_PW=$(cat "$P/redis-password")
(umask 077; printf '%s\n' "port 0" "unixsocket $REDIS_SOCK" "unixsocketperm 700" "requirepass $REDIS_PW" \
  "daemonize yes" "pidfile $P/redis.pid" "logfile $P/redis.log" "dir $P" 'save ""' "appendonly no" >"$P/redis.conf")
if ! REDISCLI_AUTH="$REDIS_PW" redis-cli -s "$REDIS_SOCK" ping 2>/dev/null | grep -q PONG; then
  say "starting Redis (this checkout's, on $REDIS_SOCK, with a password)"
  redis-server "$P/redis.conf" >/dev/null || die "could not start redis-server; see $P/redis.log"
  for _ in $(seq 1 20); do REDISCLI_AUTH="$REDIS_PW" redis-cli -s "$REDIS_SOCK" ping 2>/dev/null | grep -q PONG && break; sleep 0.1; done
fi

# ---- CKAN in its own venv (its pins clash with the project's)
if [ ! -f "$VENV/.ckan-$CKAN_VERSION" ]; then
  command -v "$PYTHON" >/dev/null || die "$PYTHON not found; CKAN $CKAN_VERSION needs Python 3.11"
  say "installing ckan[requirements]==$CKAN_VERSION into $VENV (about a minute)"
  [ -x "$VENV/bin/python" ] || "$PYTHON" -m venv --upgrade-deps "$VENV"
  "$VENV/bin/python" -m pip install -q --upgrade pip setuptools >"$P/pip.log" 2>&1 || die "pip upgrade failed; see $P/pip.log"
  "$VENV/bin/python" -m pip install -q "ckan[requirements]==$CKAN_VERSION" >>"$P/pip.log" 2>&1 \
    || die "pip install ckan[requirements]==$CKAN_VERSION failed; see $P/pip.log"
  touch "$VENV/.ckan-$CKAN_VERSION"
fi

# ---- ckanext-dcat (DCAT endpoints: /dataset/<name>.ttl, .rdf, .jsonld and /catalog.ttl)
if [ ! -f "$VENV/.dcat-$DCAT_VERSION" ]; then
  say "installing ckanext-dcat==$DCAT_VERSION"
  "$VENV/bin/python" -m pip install -q "ckanext-dcat==$DCAT_VERSION" >"$P/pip-dcat.log" 2>&1 \
    || die "pip install ckanext-dcat==$DCAT_VERSION failed; see $P/pip-dcat.log"
  rm -f "$VENV"/.dcat-*
  touch "$VENV/.dcat-$DCAT_VERSION"
fi

# ---- ckanext-reuse: CORS for GET and gzip (with flask-compress from PyPI), reinstalled when its source changes
if [ ! -f "$VENV/.reuse-$reuse_hash" ]; then
  say "installing ckanext-reuse (CORS for reads, gzip)"
  rm -rf "$REUSE_SRC/build" "$REUSE_SRC"/*.egg-info
  "$VENV/bin/python" -m pip install -q --force-reinstall --no-deps "$REUSE_SRC" >"$P/pip-reuse.log" 2>&1 \
    && "$VENV/bin/python" -m pip install -q "flask-compress>=1.25,<2" >>"$P/pip-reuse.log" 2>&1 \
    || die "installing $REUSE_SRC failed; see $P/pip-reuse.log"
  rm -rf "$REUSE_SRC/build" "$REUSE_SRC"/*.egg-info
  rm -f "$VENV"/.reuse-*
  touch "$VENV/.reuse-$reuse_hash"
  if our_pid_alive; then bash "$ROOT/portal/down.sh" 2>/dev/null || true; fi  # load the new code
fi

# ---- ckanext-stoke-dcat: the stoke_catalogue RDF profile (an entry point ckanext-dcat loads; no CKAN plugin)
if [ ! -f "$VENV/.stoke-dcat-$stoke_dcat_hash" ]; then
  say "installing ckanext-stoke-dcat (the catalogue record's DCAT-AP profile)"
  rm -rf "$STOKE_DCAT_SRC/build" "$STOKE_DCAT_SRC"/*.egg-info
  "$VENV/bin/python" -m pip install -q --force-reinstall --no-deps "$STOKE_DCAT_SRC" >"$P/pip-stoke-dcat.log" 2>&1 \
    || die "installing $STOKE_DCAT_SRC failed; see $P/pip-stoke-dcat.log"
  rm -rf "$STOKE_DCAT_SRC/build" "$STOKE_DCAT_SRC"/*.egg-info
  rm -f "$VENV"/.stoke-dcat-*
  touch "$VENV/.stoke-dcat-$stoke_dcat_hash"
  if our_pid_alive; then bash "$ROOT/portal/down.sh" 2>/dev/null || true; fi  # load the new code
fi

# ---- the TEST-ONLY Solr stand-in plugin (reinstalled whenever its source changes)
if [ ! -f "$VENV/.testsearch-$plugin_hash" ]; then
  say "installing the test-only search plugin"
  rm -rf "$PLUGIN_SRC/build" "$PLUGIN_SRC"/*.egg-info
  "$VENV/bin/python" -m pip install -q --no-deps --force-reinstall "$PLUGIN_SRC" >"$P/pip-plugin.log" 2>&1 \
    || die "installing $PLUGIN_SRC failed; see $P/pip-plugin.log"
  rm -rf "$PLUGIN_SRC/build" "$PLUGIN_SRC"/*.egg-info
  rm -f "$VENV"/.testsearch-*
  touch "$VENV/.testsearch-$plugin_hash"
  if our_pid_alive; then  # restart so CKAN loads the new plugin code
    say "restarting CKAN for the new plugin code"
    bash "$ROOT/portal/down.sh" 2>/dev/null || true
  fi
fi

# ---- stoke-opendata itself (with CKAN's own pins as constraints: unconstrained, pydantic 2.14 would lift
# CKAN's typing-extensions==4.12.2) and ckanext-stoke, then a check that every CKAN pin still holds
if [ ! -f "$VENV/.stoke-$stoke_hash" ]; then
  say "installing stoke-opendata and ckanext-stoke into $VENV"
  "$VENV/bin/python" "$ROOT/portal/ckan_pins.py" constraints >"$P/ckan-constraints.txt" || die "could not read CKAN's pins"
  "$VENV/bin/python" -m pip install -q -c "$P/ckan-constraints.txt" -e "$ROOT" -e "$STOKE_SRC" >"$P/pip-stoke.log" 2>&1 \
    || die "installing stoke-opendata and ckanext-stoke failed; see $P/pip-stoke.log"
  "$VENV/bin/python" -m pip check >>"$P/pip-stoke.log" 2>&1 || die "pip check failed in $VENV; see $P/pip-stoke.log"
  "$VENV/bin/python" "$ROOT/portal/ckan_pins.py" check >>"$P/pip-stoke.log" 2>&1 || die "a CKAN pin no longer holds; see $P/pip-stoke.log"
  rm -f "$VENV"/.stoke-*
  touch "$VENV/.stoke-$stoke_hash"
  if our_pid_alive; then bash "$ROOT/portal/down.sh" 2>/dev/null || true; fi  # load the new code
fi

# ---- port: 5000 unless something that is not ours holds it
if [ -f "$P/url" ]; then PORT=${CKAN_PORT:-$(sed 's/.*://' "$P/url")}; else PORT=${CKAN_PORT:-5000}; fi
if ! our_pid_alive && port_busy "$PORT"; then
  for candidate in $(seq 5000 5020); do
    port_busy "$candidate" || { say "port $PORT is taken by another program; using $candidate"; PORT=$candidate; break; }
  done
fi
URL="http://$HOST:$PORT"

# ---- database password and roles/databases named after this checkout
if [ ! -f "$P/db-password" ]; then (umask 077; head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' >"$P/db-password"); fi
DB_PW=$(cat "$P/db-password")
# the password goes to psql on stdin, never in its argv (which every local user can read in ps)
role_exists "$DB_USER" || psql_admin <<<"create role \"$DB_USER\" login password '$DB_PW'"
role_exists "$DB_RO_USER" || psql_admin <<<"create role \"$DB_RO_USER\" login password '$DB_PW'"
psql_admin <<<"alter role \"$DB_USER\" password '$DB_PW'" >/dev/null
psql_admin <<<"alter role \"$DB_RO_USER\" password '$DB_PW'" >/dev/null
new_db=0
if [ ! -f "$P/db-initialised-$DB_NAME" ]; then
  # A fresh .portal/ owns no data yet: databases of that name are left over from an earlier clone at this
  # path (their datasets would point at files and a search index that are gone), so start them anew.
  for db in "$DB_NAME" "$DS_NAME"; do
    if db_exists "$db"; then
      say "dropping the leftover database $db (no .portal/ state for it)"
      psql_admin -c "drop database \"$db\" with (force)" >/dev/null
    fi
  done
fi
db_exists "$DB_NAME" || { psql_admin -c "create database \"$DB_NAME\" owner \"$DB_USER\" encoding 'utf-8'"; new_db=1; }
db_exists "$DS_NAME" || { psql_admin -c "create database \"$DS_NAME\" owner \"$DB_USER\" encoding 'utf-8'"; new_db=1; }

# ---- the city the catalogue covers: its ONS code, and its extent from the ONS boundaries the datasets' own
# dcat:bbox and dcat:centroid come from (stoke_opendata.package.extents); empty when the extent is not listed
CITY=E06000021
CITY_EXTENT=$("$VENV/bin/python" -c 'import sys; from stoke_opendata.package.extents import area_extent
e = area_extent(sys.argv[1]); print(e.get("spatial_bbox", "")); print(e.get("spatial_centroid", ""))' "$CITY") \
  || die "could not read the extent of $CITY (schemas/area-extents.csv)"
CITY_BBOX=$(sed -n 1p <<<"$CITY_EXTENT"); CITY_CENTROID=$(sed -n 2p <<<"$CITY_EXTENT")

# ---- ckan.ini (regenerated when its settings change)
SETTINGS=(
  "sqlalchemy.url = postgresql://$DB_USER:__DB_PW__@$HOST:$PG_PORT/$DB_NAME"
  "ckan.datastore.write_url = postgresql://$DB_USER:__DB_PW__@$HOST:$PG_PORT/$DS_NAME"
  "ckan.datastore.read_url = postgresql://$DB_RO_USER:__DB_PW__@$HOST:$PG_PORT/$DS_NAME"
  "ckan.datastore.sqlalchemy.executemany_mode = values_plus_batch"
  "ckan.site_url = $URL"
  "ckan.site_id = default"
  "ckan.plugins = test_only_search activity datastore datatables_view image_view dcat structured_data stoke_reuse stoke"
  "ckan.datastore.sqlsearch.enabled = true"
  "ckan.views.default_views = datatables_view image_view"
  "ckanext.dcat.resource.inherit.license = true"
  # the catalogue record (/catalog.ttl): DCAT-AP 3 after the stoke_catalogue profile (portal/ckanext-stoke-dcat);
  # the publisher as publish/*.yaml's organisation and the per-dataset publisher_type, the city as the datasets'
  # spatial_uri, the licence the council publishes under (the packages' licence IRI)
  "ckanext.dcat.rdf.profiles = euro_dcat_ap_3 stoke_catalogue"
  "ckanext.stoke_dcat.publisher_name = Stoke-on-Trent City Council"
  "ckanext.stoke_dcat.publisher_type = http://purl.org/adms/publishertype/LocalAuthority"
  "ckanext.stoke_dcat.language = http://publications.europa.eu/resource/authority/language/ENG"
  "ckanext.stoke_dcat.licence = https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
  "ckanext.stoke_dcat.spatial = http://statistics.data.gov.uk/id/statistical-geography/$CITY"
  "ckanext.stoke_dcat.spatial_bbox = $CITY_BBOX"
  "ckanext.stoke_dcat.spatial_centroid = $CITY_CENTROID"
  "ckanext.stoke_dcat.theme_taxonomy = http://publications.europa.eu/resource/authority/data-theme"
  "ckanext.stoke_dcat.theme_taxonomy_title = Data theme"
  "ckan.site_title = Stoke-on-Trent City Council open data (local test portal)"
  "ckan.site_description = Where Stoke-on-Trent starts from and whether it is making progress"
  "ckan.site_intro_text = Stoke-on-Trent City Council publishes the data that shows where the city is starting from and whether it is making progress: the indicators of its Corporate Strategy 2024-28 and its 2025 growth prospectus, with baselines, targets and progress. Each dataset is a Frictionless Data Package; tables can be previewed here and queried through the DataStore API."
  "ckan.site_about = This is the project's local test portal (CKAN from PyPI), run by portal/up.sh."
  "solr_url = http://$HOST:8983/solr/unused-test-only-search"
  "ckanext.test_only_search.path = $P/search-index.sqlite3"
  "ckan.storage_path = $P/storage"
  "ckan.max_resource_size = 200"
  "ckan.redis.url = unix://:__REDIS_PW__@$REDIS_SOCK?db=1"
  "ckan.auth.public_user_details = false"
  "extra_public_paths = $P/public"
  "ckan.csrf_protection.ignore_extensions = false"
  "ckanext.stoke.home = $ROOT"
  "ckanext.stoke.submissions_dir = $P/submissions"
  "ckanext.stoke.portal_config = $P/portal.toml"
  "ckanext.stoke.out_dir = $ROOT/out"
  "ckanext.stoke.site_dir = $P/public/progress"
  "ckanext.stoke.site_url = $URL/progress"
  "ckanext.stoke.queue = $QUEUE"
)
settings_hash=$(printf '%s\n' "${SETTINGS[@]}" | md5sum | cut -c1-12)
if [ ! -f "$INI" ] || [ "$(cat "$P/ini-hash" 2>/dev/null)" != "$settings_hash" ]; then
  say "writing $INI"
  mkdir -p "$P/storage" "$P/public"
  write_ini "$INI" "$VENV" "${SETTINGS[@]}"
  echo "$settings_hash" >"$P/ini-hash"
  ini_written=1
fi
echo "$SETTINGS_REV" >"$P/settings-rev"

# ---- schema and DataStore permissions (CKAN's own SQL)
if [ "$new_db" = 1 ] || [ ! -f "$P/db-initialised-$DB_NAME" ]; then
  say "initialising the CKAN database and the DataStore"
  "$CKAN" -c "$INI" db init >"$P/db-init.log" 2>&1 || die "ckan db init failed; see $P/db-init.log"
  "$CKAN" -c "$INI" datastore set-permissions 2>>"$P/db-init.log" | psql_admin -d "$DS_NAME" >>"$P/db-init.log" 2>&1 \
    || die "DataStore set-permissions failed; see $P/db-init.log"
  touch "$P/db-initialised-$DB_NAME"
fi

# ---- start CKAN in the background (no reloader: ~2 s to answer instead of ~14 s)
if our_pid_alive && { [ "$(cat "$P/url" 2>/dev/null)" != "$URL" ] || [ "${ini_written:-0}" = 1 ]; }; then
  kill "$(cat "$P/ckan.pid")" 2>/dev/null || true
  for _ in $(seq 1 40); do our_pid_alive || break; sleep 0.25; done  # let it free the port first
fi
if ! our_pid_alive; then
  say "starting CKAN at $URL"
  setsid nohup "$CKAN" -c "$INI" run --host $HOST --port "$PORT" --disable-reloader --disable-debugger --threaded \
    >"$P/ckan.log" 2>&1 </dev/null &
  echo $! >"$P/ckan.pid"
fi
echo "$URL" >"$P/url"
wait_answers "$URL" "$P/ckan.pid" "$P/ckan.log"

# ---- sysadmin and API token (written to .portal/env, mode 0600, never printed)
if ! token_ok "$URL"; then
  say "creating the sysadmin '$ADMIN' and an API token"
  TOKEN=$("$VENV/bin/python" "$ROOT/portal/make_admin.py" "$INI" "$ADMIN") || die "could not create the sysadmin/token"
  (umask 077; printf 'export CKAN_URL=%s\nexport CKAN_API_TOKEN=%s\n' "$URL" "$TOKEN" >"$P/env")
  unset TOKEN
  token_ok "$URL" || die "the new API token is refused by $URL"
else
  (umask 077; sed -i "s#^export CKAN_URL=.*#export CKAN_URL=$URL#" "$P/env")
fi
chmod 600 "$P/env"
# the release job's portal settings (ckanext.stoke.portal_config): the token from .portal/env, mode 0600
(umask 077; token=$(sed -n 's/^export CKAN_API_TOKEN=//p' "$P/env"); printf '[portal]\nurl = "%s"\napi_token = "%s"\n' "$URL" "$token" >"$P/portal.toml")
chmod 600 "$P/portal.toml"

# ---- the background-job worker for approvals (ckanext-stoke); restarted with CKAN
if worker_alive && [ "$(cat "$P/worker-for" 2>/dev/null)" != "$(cat "$P/ckan.pid")" ]; then kill "$(cat "$P/worker.pid")" 2>/dev/null || true; sleep 0.5; fi
if ! worker_alive; then
  say "starting the job worker (queue $QUEUE)"
  setsid nohup env -u CKAN_API_TOKEN -u CKAN_URL "$CKAN" -c "$INI" jobs worker "$QUEUE" >"$P/worker.log" 2>&1 </dev/null &
  echo $! >"$P/worker.pid"
  cat "$P/ckan.pid" >"$P/worker-for"
fi

say "up in $(( $(date +%s) - t0 )) s"
advice "$URL"
