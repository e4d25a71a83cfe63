#!/usr/bin/env bash
# Spark (the `spark` extra, `validate --engine spark`) needs a Java runtime: Debian's OpenJDK 17 headless
# JRE if no `java` is on PATH. Idempotent and quiet: nothing happens when java is already there.
set -euo pipefail
if command -v java >/dev/null 2>&1 || { [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; }; then
  exit 0
fi
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo -n "$@"; fi; }
echo "set-up: installing openjdk-17-jre-headless (Java for Spark)" >&2
export DEBIAN_FRONTEND=noninteractive
as_root apt-get update -qq >/dev/null
as_root apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless >/dev/null
command -v java >/dev/null || { echo "error: set-up: java still not found after installing openjdk-17-jre-headless" >&2; exit 2; }
