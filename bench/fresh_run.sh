#!/usr/bin/env bash
# The newcomer's `make run`, timed by phase: a fresh clone of REF (a branch or commit of this repository) in
# DIR, a fresh venv, then `make run`; prints the seconds of the install (venv and pip), of portal/up.sh (CKAN
# into its own venv, databases, start) and of the release, and the total. pip's cache is whatever the
# machine has (say whether it was warm when you quote a figure). Stops the clone's CKAN afterwards.
# INSTALL_ONLY=1: time the install half alone (the part a lean `make run` changes), with the venv's size.
#
#   nice -n 10 bash bench/fresh_run.sh main /tmp/fresh-main
#   nice -n 10 bash bench/fresh_run.sh issue-26 /tmp/fresh-26
set -euo pipefail
REF=${1:?usage: fresh_run.sh REF DIR}
DIR=${2:?usage: fresh_run.sh REF DIR}
REPO=${REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && git rev-parse --show-toplevel)}
rm -rf "$DIR"
git clone -q "$REPO" "$DIR"
cd "$DIR"
git checkout -q "$REF"
now() { date +%s.%N; }
t0=$(now)
# the install half of `make run`: whichever stamp its run target depends on
stamp=$(make -pn run 2>/dev/null | sed -n 's/^run: \(.*\)$/\1/p' | head -1)
make -s $stamp >install.log 2>&1
t1=$(now)
if [ -n "${INSTALL_ONLY:-}" ]; then
  printf '%s: install (%s) %.1f s; venv %s, %s distributions\n' "$REF" "$stamp" "$(echo "$t1 - $t0" | bc)" \
    "$(du -sh .venv | cut -f1)" "$(.venv/bin/python -m pip list --format=freeze 2>/dev/null | wc -l)"
  exit 0
fi
bash portal/up.sh >up.log 2>&1
t2=$(now)
make -s run >release.log 2>&1
t3=$(now)
bash portal/down.sh >/dev/null 2>&1 || true
printf '%s: install %.1f s, portal %.1f s, release (make run with both done) %.1f s, total %.1f s\n' "$REF" \
  "$(echo "$t1 - $t0" | bc)" "$(echo "$t2 - $t1" | bc)" "$(echo "$t3 - $t2" | bc)" "$(echo "$t3 - $t0" | bc)"
du -sh .venv | sed 's/^/venv size: /'
