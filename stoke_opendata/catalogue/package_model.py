"""The one data package model: every layer reads a datapackage.json through `read_datapackage`, and every
path a descriptor names goes through `resolve_path`, the one path guard.

Why this layer: the bundled datasets (catalogue), the validator, accept, the site and the portal all read
packages, so the model sits in the lowest layer that knows where the home's shared schemas/ folder is.
Why ours and not frictionless's `Package`: reading a descriptor is on the hot path of every command, and
frictionless costs an import of about a second and a metadata validation per package, and its own path
rule (no `..` unless "trusted") refuses the bundled datasets' shared schemas; docs/design.md has the
measurement (bench/package_model_bench.py).

The guard: a descriptor is a file a stranger may hand us, so a path it names must be relative text that
stays in the package's folder. Refused, each as one line naming the descriptor and the resource (exit 2): an
absolute path, `..` climbing out, a symbolic link leading out, a backslash, a NUL, a URL of any scheme but
http(s), and an http(s) URL unless the caller reads remote data (none does: validate reports such a resource
as skipped; the check is on the text, so no request is ever made). One exception, as the bundled datasets
need it: they share the home's schemas/ (`../../schemas/indicators.csv`), so a source package may name files
there; a built package (`self_contained=True`: the site, the portal) may not, since it is published as one
folder.

Lazy: reading a package parses its descriptor and checks its shape; a resource's file is resolved, and
guarded, when a reader asks for it, so a resource a reader skips (a remote one, a table it does not use) is
neither read nor refused. Standard library only (yaml for a .yaml descriptor): it runs at CLI start-up.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from stoke_opendata.catalogue import paths
from stoke_opendata.errors import EXIT_USAGE, InputError, InvalidDataError

DESCRIPTOR = "datapackage.json"
# A descriptor is small JSON/YAML: anything bigger is not one (refused from os.stat, before reading).
MAX_DESCRIPTOR_BYTES = 10 * 1024 * 1024
DESCRIPTOR_SUFFIXES = (".json", ".yaml", ".yml")

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_REMOTE_SCHEMES = ("http", "https")
_WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")


class PathRefused(InputError, InvalidDataError):
    """A path the guard will not follow. An input we refuse to read (exit 2, like every unreadable input),
    and a safety rule broken, so code that refuses an invalid package (the publish gate) sees it as one too."""

    exit_code = EXIT_USAGE


# --------------------------------------------------------------------------- the guard


def is_remote(path) -> bool:
    """True for a path that names a URL (any scheme), rather than a file beside the descriptor."""
    if not isinstance(path, str) or _WINDOWS_DRIVE.match(path):
        return False
    return bool(_SCHEME.match(path.strip()))


def _short(text: str, width: int = 80) -> str:
    return repr(text if len(text) <= width else text[: width - 1] + "…")


def _within(target: Path, folder: Path) -> bool:
    return target == folder or folder in target.parents


def resolve_path(base, path, *, where: str | None = None, allow_remote: bool = False, shared=(),
                 what: str = "resource path"):
    """Where `path` (as a descriptor writes it) points from the folder `base`: a Path inside `base` (after
    following symbolic links) or inside one of the `shared` folders, or the URL itself when it is http(s)
    and `allow_remote`. Anything else raises PathRefused naming `where`. Makes no request, reads no file."""
    where = where or str(base)
    if not isinstance(path, str) or not path.strip():
        raise PathRefused(f"{what} must be a non-empty string, not {path!r}", where=where)
    if "\x00" in path:
        raise PathRefused(f"{what} contains a NUL character", where=where)
    text = path.strip()
    match = _SCHEME.match(text) if not _WINDOWS_DRIVE.match(text) else None
    if match:
        scheme = match.group(1).lower()
        if scheme in _REMOTE_SCHEMES:
            if allow_remote:
                return text
            raise PathRefused(f"{what} {_short(text)} is a remote URL; remote data is not read (no request was "
                              "made). Download it and point the descriptor at the local file", where=where)
        raise PathRefused(f"{what} {_short(text)} uses the {scheme}: scheme; only relative file paths are allowed",
                          where=where)
    if "\\" in text:
        raise PathRefused(f"{what} {_short(text)} contains a backslash; use / between folders", where=where)
    if text.startswith("/") or _WINDOWS_DRIVE.match(text) or text.startswith("~"):
        raise PathRefused(f"{what} {_short(text)} is absolute; it must be relative to the descriptor's folder",
                          where=where)
    folder = Path(base).resolve()
    target = (folder / text).resolve()
    if any(_within(target, Path(s).resolve()) for s in shared):
        return target
    if ".." in PurePosixPath(text).parts:
        allowed = " or the home's shared schemas/" if shared else ""
        raise PathRefused(f"{what} {_short(text)} leaves the dataset's folder: it climbs out with '..' to a file "
                          f"outside it; name a file inside the package{allowed}", where=where)
    if not _within(target, folder):
        raise PathRefused(f"{what} {_short(text)} leads outside the descriptor's folder (through a symbolic link) "
                          f"to {target}", where=where)
    return target


# --------------------------------------------------------------------------- reading JSON and YAML


def load_json(path: Path, shown: str, what: str = "the file", *, cap: int | None = None):
    """The parsed content of a JSON (or, by its suffix, YAML) file, with one-line errors naming `shown`."""
    path = Path(path)
    try:
        size = path.stat().st_size if cap is not None else 0
        if cap is not None and size > cap:
            raise InputError(f"{what} is {size:,} bytes, over the {cap:,} a descriptor may be", where=shown)
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError("no such file", where=shown) from None
    except UnicodeDecodeError as exc:
        raise InputError(f"{what} is not UTF-8 text (byte {exc.start})", where=shown) from None
    except OSError as exc:
        raise InputError(f"cannot read {what}: {exc.strerror or exc}", where=shown) from None
    if path.suffix.lower() in (".yaml", ".yml"):
        import yaml

        try:
            return yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            at = f" (line {mark.line + 1})" if mark is not None else ""
            raise InputError(f"{what} is not valid YAML{at}", where=shown) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{what} is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})",
                         where=shown) from None
    except RecursionError:
        raise InputError(f"{what} is nested too deeply to be read", where=shown) from None


# --------------------------------------------------------------------------- the model


@dataclass(frozen=True, eq=False)
class Resource:
    """One entry of a descriptor's `resources`, as written (`raw`); its files are resolved on request."""

    package: "DataPackage"
    index: int
    raw: dict

    @property
    def name(self) -> str:
        """Its name, or `resource<N>` for an unnamed one (its position, counted from 1)."""
        return str(self.raw.get("name") or f"resource{self.index + 1}")

    @property
    def path(self):
        """Its `path` as the descriptor writes it (text, a list of parts, or None)."""
        return self.raw.get("path")

    @property
    def where(self) -> str:
        """The descriptor and the resource, for an error line."""
        named = self.raw.get("name")
        return f"{self.package.shown}: " + (f"resource {named}" if isinstance(named, str) and named else f"resources[{self.index}]")

    @property
    def remote(self) -> bool:
        return is_remote(self.path)

    def file(self) -> Path:
        """Its data file, guarded; a `path` that is not one relative file path is refused."""
        if isinstance(self.path, list):
            raise InputError("path must be one relative file path, not a list of parts", where=self.where)
        return self.package.resolve(self.path, self.where)

    def schema(self):
        """Its Table Schema: inline as written, or read from the file it names (guarded); None when absent."""
        return self._inline_or_file("schema", "the Table Schema")

    def dialect(self):
        """Its CSV dialect: inline as written, or read from the file it names (guarded); None when absent."""
        return self._inline_or_file("dialect", "the dialect")

    def _inline_or_file(self, key: str, what: str):
        value = self.raw.get(key)
        if not isinstance(value, str):
            return value
        target = self.package.resolve(value, self.where, what=f"{key} path")
        return load_json(target, f"{self.where}: {key} {value}", what)


@dataclass(eq=False)
class DataPackage:
    """A data package as its descriptor says: `descriptor` is the parsed JSON, untouched (writers copy it);
    `resources` are its entries in order."""

    path: Path  # the descriptor file
    descriptor: dict
    self_contained: bool = False
    resources: list[Resource] = field(default_factory=list)
    label: str | None = None  # how errors name the descriptor, when not by its path

    @property
    def directory(self) -> Path:
        return self.path.parent

    @property
    def shown(self) -> str:
        return self.label or str(self.path)

    @property
    def name(self) -> str:
        """The descriptor's `name` ('' when it has none: readers that need one say so)."""
        name = self.descriptor.get("name")
        return name if isinstance(name, str) else ""

    @property
    def shared(self) -> tuple[Path, ...]:
        """Folders outside the package its paths may name: the home's schemas/, unless self-contained."""
        return () if self.self_contained else (paths.schemas_dir(),)

    def resource(self, name: str) -> Resource | None:
        """The first resource named `name`, or None."""
        return next((r for r in self.resources if r.raw.get("name") == name), None)

    def resolve(self, rel, where: str, *, what: str = "resource path", allow_remote: bool = False):
        """`rel` from the package's folder, through the guard."""
        return resolve_path(self.directory, rel, where=where, allow_remote=allow_remote, shared=self.shared,
                            what=what)

    def named_paths(self) -> list[tuple[Resource, str, object]]:
        """(resource, what, path as written) for every path the descriptor names: data (each part of a
        list), schema and dialect references."""
        out = []
        for resource in self.resources:
            data = resource.path
            for item in data if isinstance(data, list) else ([data] if data is not None else []):
                out.append((resource, "resource path", item))
            for key in ("schema", "dialect"):
                if isinstance(resource.raw.get(key), str):
                    out.append((resource, f"{key} path", resource.raw[key]))
        return out

    def check_paths(self, *, allow_remote: bool = False) -> list:
        """Every path the descriptor names, guarded, in order (what each resolves to); raises at the first
        refused one. Inline data (`data`) names no path."""
        return [self.resolve(p, r.where, what=what, allow_remote=allow_remote) for r, what, p in self.named_paths()]


def descriptor_path(path) -> Path:
    """The descriptor of `path`: the file itself when it is named like one (.json, .yaml), else the
    datapackage.json in that folder."""
    path = Path(path)
    if path.suffix.lower() in DESCRIPTOR_SUFFIXES and not path.is_dir():
        return path
    return path / DESCRIPTOR


def read_datapackage(path, *, self_contained: bool = False) -> DataPackage:
    """The data package at `path` (a folder holding datapackage.json, or a descriptor file). Refused in one
    line (exit 2): no descriptor, one over 10 MB, one that is not UTF-8 JSON/YAML, not an object with a
    'resources' list, a resource that is not an object. Paths are guarded when a
    reader resolves them (`Resource.file`, `check_paths`)."""
    given = Path(path)
    descriptor_file = descriptor_path(given)
    if descriptor_file.name == DESCRIPTOR and descriptor_file != given and not descriptor_file.exists():
        raise InputError("no datapackage.json here; pass a data package folder (as `stoke-opendata package` "
                         "builds them)", where=str(given))
    descriptor = load_json(descriptor_file, str(descriptor_file), "the descriptor", cap=MAX_DESCRIPTOR_BYTES)
    return as_package(descriptor, descriptor_file, self_contained=self_contained)


def as_package(descriptor, path, *, self_contained: bool = False, label: str | None = None) -> DataPackage:
    """A parsed descriptor as the model, its paths taken from the folder of `path` (the descriptor file,
    which need not exist); refused as read_datapackage says."""
    package = DataPackage(Path(path), descriptor, self_contained, label=label)
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        raise InputError("is not a data package descriptor: a JSON object with a 'resources' list",
                         where=package.shown)
    for index, raw in enumerate(descriptor["resources"]):
        if not isinstance(raw, dict):
            raise InputError("a resource must be an object", where=f"{package.shown}: resources[{index}]")
        package.resources.append(Resource(package, index, raw))
    return package
