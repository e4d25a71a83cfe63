# Helpers shared by portal/up.sh (the portal) and portal/harvest_up.sh (the CKAN that harvests it); sourced,
# not run. They expect HOST and a `die` function from the script that sources them.
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
answers() { curl -fsS -m 3 "$1/api/3/action/status_show" >/dev/null 2>&1; }
port_busy() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }
psql_admin() { as_postgres psql -p "$PG_PORT" -v ON_ERROR_STOP=1 -qtA "$@"; }
role_exists() { [ "$(psql_admin -c "select 1 from pg_roles where rolname='$1'")" = 1 ]; }
db_exists() { [ "$(psql_admin -c "select 1 from pg_database where datname='$1'")" = 1 ]; }

# write_ini INI VENV SETTING... : CKAN's generated ckan.ini with SETTINGS applied; the passwords in DB_PW and
# REDIS_PW (environment) replace their placeholders __DB_PW__ and __REDIS_PW__, never passed in argv
write_ini() {
  local ini=$1 venv=$2; shift 2
  rm -f "$ini"
  "$venv/bin/ckan" generate config "$ini" >/dev/null
  chmod 600 "$ini"
  "$venv/bin/ckan" config-tool "$ini" "$@" >/dev/null
  DB_PW="$DB_PW" REDIS_PW="$REDIS_PW" "$venv/bin/python" -c 'import os, sys; p = sys.argv[1]; t = open(p).read()
t = t.replace("__DB_PW__", os.environ["DB_PW"]).replace("__REDIS_PW__", os.environ["REDIS_PW"]); open(p, "w").write(t)' "$ini"
}

# wait_answers URL PIDFILE LOG: wait up to 60 s for a CKAN started in the background to answer
wait_answers() {
  local url=$1 pidfile=$2 log=$3
  for _ in $(seq 1 120); do
    answers "$url" && return 0
    kill -0 "$(cat "$pidfile")" 2>/dev/null || { tail -n 30 "$log" >&2; die "CKAN exited during start-up; see $log"; }
    sleep 0.5
  done
  tail -n 30 "$log" >&2; die "CKAN did not answer at $url within 60 s; see $log"
}
