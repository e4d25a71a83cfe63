"""The local portal keeps its secrets off command lines and its Redis behind a password (portal/up.sh).

Read from the running portal where it can be: its Redis refuses a client without the password, its ckan.ini
holds the real passwords (no placeholder left) and is private; and from up.sh itself: every line that expands
a password passes it on stdin, through the environment or into a file, never as an argument."""

from __future__ import annotations

import re
import stat
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
P = ROOT / ".portal"


def test_the_portals_redis_wants_its_password(portal):
    sock = next(line.split(" ", 1)[1] for line in (P / "redis.conf").read_text().splitlines()
                if line.startswith("unixsocket "))
    without = subprocess.run(["redis-cli", "-s", sock, "ping"], capture_output=True, text=True, timeout=10)
    assert "NOAUTH" in without.stdout + without.stderr
    password = (P / "redis-password").read_text().strip()
    with_it = subprocess.run(["redis-cli", "-s", sock, "ping"], capture_output=True, text=True, timeout=10,
                             env={"REDISCLI_AUTH": password, "PATH": "/usr/bin:/bin"})
    assert with_it.stdout.strip() == "PONG"
    ini = (P / "ckan.ini").read_text()
    assert "__DB_PW__" not in ini and "__REDIS_PW__" not in ini and f":{password}@" in ini
    for name in ("ckan.ini", "redis.conf", "redis-password", "db-password", "env"):
        assert stat.S_IMODE((P / name).stat().st_mode) == 0o600, name


def test_up_sh_never_puts_a_password_in_argv():
    allowed = (r"^\s*(DB_PW|REDIS_PW)=\$\(cat ",           # read from its file
               r"<<<",                                     # psql reads the SQL on stdin
               r'DB_PW="\$DB_PW" REDIS_PW="\$REDIS_PW" ',  # the environment of the one python that writes ckan.ini
               r'REDISCLI_AUTH="\$REDIS_PW" redis-cli ',      # redis-cli reads the password from its environment
               r'umask 077; printf .*"requirepass \$REDIS_PW"')  # printf (a shell builtin: no argv) into redis.conf
    lines = (ROOT / "portal" / "up.sh").read_text().splitlines()
    using = [line for line in lines if re.search(r"\$\{?(DB_PW|REDIS_PW)\b", line)]
    assert len(using) >= 6
    for line in using:
        assert any(re.search(pattern, line) for pattern in allowed), line
