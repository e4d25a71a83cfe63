"""Seeded fault runs against the real local CKAN: publish through the fault proxy (or while CKAN is killed
and restarted), check that a failed publish left no dangling metadata, rerun normally, then check the
portal holds exactly the package. Used by tests/portal/test_faults.py (a few runs) and bench/soak_publish.py
(50+ runs, figures in docs/safety.md).

What "exactly" means, per run:
- one dataset with the package's name, and no other dataset made by the run;
- its stoke-opendata resources are exactly the package's files, one each (no duplicates, none lost);
- every file downloads from the portal with the package's sha256;
- every table's DataStore copy holds exactly the package's rows (same multiset of rows);
- after a failed faulty publish, every resource the dataset lists downloads with the sha256 it records
  (metadata never points at a file that is not there or is wrong).
"""

from __future__ import annotations

import csv
import hashlib
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from urllib.parse import urlparse

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from faultproxy import FaultProxy  # noqa: E402
from package_factory import annual_indicator_ids, make_package, observation_rows  # noqa: E402

# ------------------------------------------------------------------------------------------- portal

AWAIT_OTHER_PUBLISHER = 3.0  # seconds (see publish())


def portal_env() -> dict | None:
    """CKAN_URL and CKAN_API_TOKEN from the environment, else from .portal/env (written by portal/up.sh)."""
    url, token = os.environ.get("CKAN_URL"), os.environ.get("CKAN_API_TOKEN")
    env_file = ROOT / ".portal" / "env"
    if (not url or not token) and env_file.is_file():
        for line in env_file.read_text().splitlines():
            key, _, value = line.removeprefix("export ").partition("=")
            if key == "CKAN_URL" and not url:
                url = value.strip()
            if key == "CKAN_API_TOKEN" and not token:
                token = value.strip()
    if not url or not token:
        return None
    return {"url": url.rstrip("/"), "token": token}


def portal_answers(url: str, timeout: float = 3.0) -> bool:
    import requests

    try:
        return requests.get(f"{url}/api/3/action/status_show", timeout=timeout).ok
    except requests.RequestException:
        return False


def client(url: str, token: str, *, retries: int = 4, backoff: float = 0.05, read_timeout: float = 60.0):
    from stoke_opendata.portal.client import PortalClient
    from stoke_opendata.portal.credentials import PortalSettings

    return PortalClient(PortalSettings(url=url, token=token), retries=retries, backoff=backoff,
                        timeout=(3.0, read_timeout))


def publish(url: str, token: str, folder: Path, **kw):
    """One publish of one package folder (plan, then apply), as `stoke-opendata publish` does it."""
    from stoke_opendata.portal import publishing
    from stoke_opendata.portal.local_package import read_package
    from stoke_opendata.portal.publishing import Publisher

    # A revise whose answer the proxy dropped looks, on the retry, like a racing publisher; the publisher
    # then waits (120 s by default) for that "other publisher" to load the DataStore. Nobody else publishes
    # here, so wait briefly: the rerun and the state checks still prove convergence.
    if hasattr(publishing, "AWAIT_OTHER_PUBLISHER"):
        publishing.AWAIT_OTHER_PUBLISHER = AWAIT_OTHER_PUBLISHER
    with client(url, token, **kw) as c:
        publisher = Publisher(c, progress=False)
        package = read_package(folder)
        return publisher.apply(publisher.plan([package]))


class OwnCKAN:
    """A second CKAN server process on the local portal's configuration and databases, on its own port,
    that this process started and may kill (SIGKILL) and restart without disturbing the shared portal
    at :5000 that other tests use."""

    def __init__(self, port: int | None = None):
        self.ckan = ROOT / ".portal" / "venv" / "bin" / "ckan"
        self.ini = ROOT / ".portal" / "ckan.ini"
        if not self.ckan.exists() or not self.ini.exists():
            raise RuntimeError("the local portal is not installed: run portal/up.sh first")
        self.port = port or _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None
        self.log = open(Path(tempfile.gettempdir()) / f"stoke-soak-ckan-{self.port}.log", "ab")
        self.kills = 0

    def start(self, wait: float = 90.0) -> None:
        self.proc = subprocess.Popen(
            [str(self.ckan), "-c", str(self.ini), "run", "--host", "127.0.0.1", "--port", str(self.port),
             "--disable-reloader", "--disable-debugger", "--threaded"],
            stdout=self.log, stderr=self.log, stdin=subprocess.DEVNULL, start_new_session=True,
        )
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if portal_answers(self.url, 2.0):
                return
            if self.proc.poll() is not None:
                raise RuntimeError(f"the second CKAN process exited (see {self.log.name})")
            time.sleep(0.2)
        raise RuntimeError(f"the second CKAN process did not answer within {wait:g} s")

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
            self.kills += 1

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        self.log.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ------------------------------------------------------------------------------------------- checks


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _norm(value) -> str:
    if value is None:
        return ""
    text = str(value)
    try:
        number = Decimal(text)
    except InvalidOperation:
        return text
    return format(number.normalize(), "f") if number.is_finite() else text


def _csv_rows(path: Path) -> tuple[list[str], Counter]:
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        return header, Counter(tuple(_norm(v) for v in row) for row in reader)


def _on(url: str, file_url: str) -> str:
    """The file's URL on the server being checked (CKAN writes its site_url into resource URLs; every
    server process of the portal shares the same storage, so any of them serves the file)."""
    target, parsed = urlparse(url), urlparse(file_url)
    return parsed._replace(scheme=target.scheme, netloc=target.netloc).geturl()


def dangling(url: str, token: str, name: str, workdir: Path) -> list[str]:
    """Resources of the dataset whose recorded file is missing or differs from its recorded sha256."""
    from stoke_opendata.portal.client import PortalError, PortalNotFound

    found = []
    with client(url, token) as c:
        try:
            remote = c.action("package_show", id=name)
        except PortalNotFound:
            return []
        for res in remote.get("resources") or []:
            if res.get("url_type") != "upload":
                continue
            dest = workdir / f"dangling-{res['id']}"
            try:
                _, digest = c.download(_on(url, res["url"]), dest)
            except PortalError as exc:
                found.append(f"{res.get('package_path') or res['id']}: file missing ({exc.message})")
                continue
            finally:
                if dest.exists():
                    dest.unlink()
            if res.get("sha256") and digest != res["sha256"]:
                found.append(f"{res.get('package_path')}: file sha256 {digest[:12]} != recorded {res['sha256'][:12]}")
    return found


def state_anomalies(url: str, token: str, folder: Path, name: str, prefix: str, workdir: Path) -> list[str]:
    """Everything in which the portal differs from the package (empty list: exactly the intended state)."""
    from stoke_opendata.portal.client import PortalError, PortalNotFound

    problems = []
    local = {
        str(p.relative_to(folder)): p
        for p in folder.rglob("*")
        if p.is_file() and p.name != ".DS_Store"
    }
    with client(url, token) as c:
        names = [n for n in c.action("package_list") if n.startswith(prefix)]
        if names != [name]:
            problems.append(f"datasets made by the run: {names} (expected exactly [{name!r}])")
        try:
            remote = c.action("package_show", id=name)
        except PortalNotFound:
            return problems + ["the dataset is missing"]
        ours = [r for r in remote.get("resources") or [] if r.get("created_by") == "stoke-opendata"]
        paths = Counter(r.get("package_path") for r in ours)
        dupes = sorted(p for p, n in paths.items() if n > 1)
        if dupes:
            problems.append(f"duplicate resources: {dupes}")
        lost = sorted(set(local) - set(paths))
        if lost:
            problems.append(f"resources lost: {lost}")
        extra = sorted(set(paths) - set(local))
        if extra:
            problems.append(f"resources not in the package: {extra}")
        others = [r for r in remote.get("resources") or [] if r.get("created_by") != "stoke-opendata"]
        if others:
            problems.append(f"{len(others)} resource(s) without the stoke-opendata mark")
        for res in ours:
            rel = res.get("package_path")
            if rel not in local:
                continue
            want = _sha(local[rel])
            if rel == "datapackage.json":  # held on the portal in its portal form (portal/finishing.py)
                import hashlib
                import json

                from stoke_opendata.portal.finishing import portal_descriptor

                descriptor = json.loads(local[rel].read_text(encoding="utf-8"))
                portal_copy = portal_descriptor(descriptor, {r.get("package_path"): r.get("url") for r in ours})
                want = hashlib.sha256(portal_copy or b"").hexdigest()
            if res.get("sha256") != want:
                problems.append(f"{rel}: recorded sha256 differs from the package's")
            dest = workdir / f"check-{res['id']}"
            try:
                _, digest = c.download(_on(url, res["url"]), dest)
                if digest != want:
                    problems.append(f"{rel}: the file on the portal has sha256 {digest[:12]}, the package {want[:12]}")
            except PortalError as exc:
                problems.append(f"{rel}: cannot download ({exc.message})")
            finally:
                if dest.exists():
                    dest.unlink()
            if rel.endswith(".csv"):
                header, rows = _csv_rows(local[rel])
                try:
                    got = c.action("datastore_search", resource_id=res["id"], limit=32000)
                except PortalError as exc:
                    problems.append(f"{rel}: no DataStore table ({exc.message})")
                    continue
                if got.get("total") != sum(rows.values()):
                    problems.append(f"{rel}: DataStore has {got.get('total')} rows, the package {sum(rows.values())}")
                records = Counter(tuple(_norm(rec.get(h)) for h in header) for rec in got.get("records") or [])
                if records != rows:
                    problems.append(f"{rel}: DataStore rows differ from the package's")
    return problems


def purge(url: str, token: str, prefix: str) -> None:
    from stoke_opendata.portal.client import PortalError

    with client(url, token) as c:
        try:
            names = [n for n in c.action("package_list") if n.startswith(prefix)]
        except PortalError:
            return
        for name in names:
            try:
                c.action("dataset_purge", id=name)
            except PortalError:
                pass


# ------------------------------------------------------------------------------------------- runs


@dataclass
class SoakResult:
    runs: int = 0
    faults_injected: int = 0
    fault_kinds: Counter = field(default_factory=Counter)
    kills: int = 0
    failed_publishes: int = 0
    reruns: int = 0  # normal reruns made (at least one per run)
    reruns_needed: int = 0  # runs whose first normal rerun had something left to do
    anomalies: int = 0
    details: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def line(self) -> str:
        return (f"runs={self.runs} faults_injected={self.faults_injected} ckan_kills={self.kills} "
                f"failed_publishes={self.failed_publishes} reruns={self.reruns} reruns_needed={self.reruns_needed} "
                f"anomalies={self.anomalies} seconds={self.seconds:.1f}")


def _package_for(seed: int, root: Path, name: str) -> Path:
    rng = random.Random(seed)
    indicators = annual_indicator_ids(2)
    years = range(2010, 2010 + rng.randint(3, 12))
    rows = observation_rows(indicators[:1], years=years, base=float(rng.randint(20, 400)))
    return make_package(root, name, rows=rows, second_table=rng.random() < 0.7)


def one_run(seed: int, *, url: str, token: str, rerun_url: str | None = None, rate: float = 0.4,
            kill: "OwnCKAN | None" = None, result: SoakResult, workdir: Path, max_reruns: int = 3) -> None:
    """Publish once under faults, check no dangling metadata, rerun normally until done, check the state."""
    import uuid

    from stoke_opendata.errors import StokeError

    prefix = f"soak-{seed}-{uuid.uuid4().hex[:6]}"
    name = f"{prefix}-pkg"
    folder = _package_for(seed, workdir, name)
    result.runs += 1
    failed = False
    try:
        if kill is None:
            parsed = urlparse(url)
            with FaultProxy((parsed.hostname, parsed.port or 80), seed=seed, rate=rate, max_delay=0.5) as proxy:
                try:
                    publish(proxy.url, token, folder, retries=2)
                except StokeError:
                    failed = True
            injected = proxy.faults_injected
            result.faults_injected += injected
            result.fault_kinds.update({k: v for k, v in proxy.counts.items() if k not in ("passed",)})
        else:
            rng = random.Random(seed)
            victim = rng.randint(1, 14)  # a publish makes about 10-16 calls: kill CKAN at one of them,
            in_flight = rng.random() < 0.5  # either before it reaches CKAN or while CKAN is working on it
            after = rng.uniform(0.005, 0.25)
            timers = []

            def on_request(n, method, path):
                if n == victim:
                    if in_flight:
                        timers.append(threading.Timer(after, kill.kill))
                        timers[-1].start()
                    else:
                        kill.kill()

            parsed = urlparse(kill.url)
            with FaultProxy((parsed.hostname, parsed.port), seed=seed, rate=0.0, on_request=on_request) as proxy:
                try:
                    publish(proxy.url, token, folder, retries=1, read_timeout=20)
                except StokeError:
                    failed = True
                for timer in timers:
                    timer.join()
            if kill.proc is None or kill.proc.poll() is not None:
                result.faults_injected += 1
                result.fault_kinds["ckan_killed"] += 1
                kill.start()
            result.kills = kill.kills
        if failed:
            result.failed_publishes += 1
        check_url = kill.url if kill is not None else url
        bad = dangling(check_url, token, name, workdir)
        if bad:
            result.anomalies += len(bad)
            result.details += [f"seed {seed}: after the faulty publish: {b}" for b in bad]
        # the normal rerun(s)
        for attempt in range(1, max_reruns + 1):
            try:
                outcome = publish(rerun_url or url, token, folder)
                result.reruns += attempt
                if outcome.unchanged != 1:  # the rerun had work to finish
                    result.reruns_needed += 1
                break
            except StokeError as exc:
                if attempt == max_reruns:
                    result.anomalies += 1
                    result.details.append(f"seed {seed}: {max_reruns} normal reruns all failed: {exc.one_line()}")
        problems = state_anomalies(rerun_url or url, token, folder, name, prefix, workdir)
        # and one more rerun must find nothing to do
        outcome = publish(rerun_url or url, token, folder)
        if outcome.unchanged != 1:
            problems.append("a further rerun still found changes to make")
        result.anomalies += len(problems)
        result.details += [f"seed {seed}: {p}" for p in problems]
    finally:
        purge(rerun_url or url, token, prefix)


def soak(runs: int, *, first_seed: int = 1, kill_runs: int = 0, rate: float = 0.4,
         log=lambda s: None) -> SoakResult:
    """`runs` proxy-fault runs and `kill_runs` kill-and-restart runs, seeded first_seed, first_seed+1, ..."""
    env = portal_env()
    if env is None or not (ROOT / ".portal" / "ckan.ini").exists():
        raise RuntimeError("the local portal is not installed: run portal/up.sh (or make portal) first")
    result = SoakResult()
    started = time.perf_counter()
    # every run talks to a CKAN server process of our own (same configuration and databases as the
    # local portal), so other tests restarting the shared portal at :5000 cannot disturb the figures
    own = OwnCKAN()
    own.start()
    try:
        with tempfile.TemporaryDirectory(prefix="stoke-soak-") as tmp:
            work = Path(tmp)
            for seed in range(first_seed, first_seed + runs):
                one_run(seed, url=own.url, token=env["token"], rate=rate, result=result, workdir=work)
                log(f"proxy run seed={seed}: {result.line()}")
            for seed in range(first_seed + runs, first_seed + runs + kill_runs):
                one_run(seed, url=own.url, token=env["token"], kill=own, result=result, workdir=work,
                        rerun_url=own.url)
                log(f"kill run seed={seed}: {result.line()}")
    finally:
        own.stop()
    result.seconds = time.perf_counter() - started
    return result
