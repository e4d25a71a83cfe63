"""Drawing a package's charts: each chart drawn once per (data, style), the rest on all cores.

Why: matplotlib drawing was 91% of `package` (85 PNGs one after another, ~6 s for the bundled datasets),
yet on an unattended job nearly every chart is the same as last time. A chart is a pure function of its
ChartSpec (the data, labels and source), its format and the style (charts.py's constants and code, and the
matplotlib version), so the cache key is a SHA-256 of all of those: any change to the data or the style is a
new key, and a stale chart cannot be found. Each entry's name also carries the SHA-256 of its bytes, checked
on every read, so a damaged entry is drawn again instead of copied.

The cache lives in STOKE_OPENDATA_CACHE (default $XDG_CACHE_HOME/stoke-opendata or ~/.cache/stoke-opendata),
under charts/. A cache that cannot be written only costs speed: charts are then drawn every time.
Charts not in the cache are drawn in STOKE_OPENDATA_CHART_WORKERS processes (default: all cores).
"""

from __future__ import annotations

import functools
import hashlib
import os
import shutil
import tempfile
from dataclasses import asdict
from pathlib import Path

from stoke_opendata.settings import env_number

CACHE_ENV = "STOKE_OPENDATA_CACHE"
WORKERS_ENV = "STOKE_OPENDATA_CHART_WORKERS"
_PARALLEL_FROM = 4  # fewer charts than this are drawn in this process: forking costs more than it saves


def cache_dir() -> Path:
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env) / "charts"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "stoke-opendata" / "charts"


@functools.lru_cache(maxsize=1)
def _code_fingerprint() -> str:
    """charts.py's source and the matplotlib version: fixed for the life of a process."""
    from importlib.metadata import version

    from stoke_opendata.package import charts

    return hashlib.sha256(Path(charts.__file__).read_bytes() + version("matplotlib").encode()).hexdigest()


def style_fingerprint() -> str:
    """Everything outside the spec that decides a chart's pixels: the drawing code and constants of
    charts.py and the matplotlib version (the constants read afresh: they can be changed at run time)."""
    from stoke_opendata.catalogue.units import UNITS
    from stoke_opendata.package import charts

    style = (_code_fingerprint(), charts.CITY_COLOUR, charts.COMPARATOR_COLOUR, charts.TARGET_COLOUR,
             charts._SIZE_INCHES, charts._DPI, charts._MAX_TICKS, sorted((name, u.label) for name, u in UNITS.items()))
    return hashlib.sha256(repr(style).encode("utf-8")).hexdigest()


def chart_key(spec, fmt: str, style: str) -> str:
    return hashlib.sha256(repr((asdict(spec), fmt, style)).encode("utf-8")).hexdigest()


def _cached(folder: Path, key: str, fmt: str) -> Path | None:
    """The entry for `key` whose bytes still hash to the digest in its name; damaged entries are removed."""
    for entry in folder.glob(f"{key}.*.{fmt}"):
        digest = entry.name.split(".")[1]
        try:
            if hashlib.sha256(entry.read_bytes()).hexdigest() == digest:
                return entry
            entry.unlink()
        except OSError:
            pass
    return None


def _store(folder: Path, key: str, fmt: str, drawn: Path) -> None:
    try:
        data = drawn.read_bytes()
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, folder / f"{key}.{hashlib.sha256(data).hexdigest()}.{fmt}")
    except OSError:
        pass  # a read-only or full cache: the chart is drawn next time too


def _draw_one(job) -> str:
    from stoke_opendata.package.charts import draw

    spec, path, fmt = job
    draw(spec, Path(path), fmt)
    return str(path)


def draw_all(jobs: list[tuple[object, Path, str]]) -> dict:
    """Write every (spec, path, fmt) chart: copied from the cache when its key is there, else drawn (in
    parallel when there are several) and stored. Returns {"cached": n, "drawn": n}."""
    folder = cache_dir()
    style = style_fingerprint() if jobs else ""
    missing = []
    cached = 0
    for spec, path, fmt in jobs:
        key = chart_key(spec, fmt, style)
        hit = _cached(folder, key, fmt) if folder.is_dir() else None
        if hit is not None:
            shutil.copyfile(hit, path)
            cached += 1
        else:
            missing.append((key, (spec, str(path), fmt)))
    workers = int(env_number(WORKERS_ENV, os.cpu_count() or 1, kind=int, minimum=1))
    todo = [job for _, job in missing]
    if workers > 1 and len(todo) >= _PARALLEL_FROM:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        import matplotlib.figure  # noqa: F401  (imported once here, inherited by the forked workers)

        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=min(workers, len(todo)), mp_context=context) as pool:
            list(pool.map(_draw_one, todo, chunksize=max(1, len(todo) // (workers * 4))))
    else:
        for job in todo:
            _draw_one(job)
    for key, (_spec, path, fmt) in missing:
        _store(folder, key, fmt, Path(path))
    return {"cached": cached, "drawn": len(missing)}
