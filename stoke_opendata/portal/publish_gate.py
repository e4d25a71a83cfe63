"""The validation gate of publishing: a package whose files do not match their descriptor, or whose data fails
validation, is refused before anything is sent.
"""

from __future__ import annotations

import json
from pathlib import Path

from stoke_opendata.errors import InputError, InvalidDataError
from stoke_opendata.portal.local_package import DESCRIPTOR, LocalPackage


def check_package(package: LocalPackage) -> None:
    """Refuse (InvalidDataError, exit 1) a package whose files do not match their descriptor or whose data
    fails validation: the shared validator when present, frictionless otherwise."""
    where = str(package.directory / DESCRIPTOR)
    for i, res in enumerate(package.descriptor["resources"]):
        local = next(f for f in package.files if f.path == res.get("path"))
        declared = str(res.get("hash") or "")
        if declared:
            algo, _, hexdigest = declared.rpartition(":")
            if (algo or "md5") != "sha256":
                raise InvalidDataError(f"{local.path}: hash must be sha256:<hex>, not {declared!r}",
                                       where=f"{where}: resources[{i}]")
            if hexdigest.lower() != local.sha256:
                raise InvalidDataError(f"{local.path}: the file's sha256 does not match the descriptor's hash "
                                       "(the file changed after packaging)", where=f"{where}: resources[{i}]")
        if "bytes" in res and res["bytes"] != local.bytes:
            raise InvalidDataError(f"{local.path}: {local.bytes} bytes, the descriptor says {res['bytes']}",
                                   where=f"{where}: resources[{i}]")
    problems = _validate_data(package)
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise InvalidDataError(f"refused: the package fails validation: {problems[0]}{more}", where=where)


def _validate_data(package: LocalPackage) -> list[str]:
    """Error lines from the project's validator (stoke_opendata.validate.validator) over the package's tables.

    The validator reads tables only, so it is given a copy of the descriptor without the non-tabular
    resources (charts), written beside the original for the relative paths and removed afterwards.
    """
    import os
    import tempfile

    from stoke_opendata.validate import validator as validation

    descriptor = dict(package.descriptor)
    descriptor["resources"] = [r for r in descriptor["resources"] if isinstance(r.get("schema"), (dict, str))]
    if not descriptor["resources"]:
        return []
    try:
        fd, tmp = tempfile.mkstemp(prefix=".stoke-validate-", suffix=".json", dir=package.directory)
    except OSError as exc:
        raise InputError(f"cannot write a temporary descriptor for validation here ({exc.strerror}); "
                         "copy the package to a writable folder", where=str(package.directory)) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(descriptor, fh)
        report = validation.validate_package(tmp, history=False)
    finally:
        os.unlink(tmp)
    out = []
    for problem in report.errors:
        text = " ".join(str(getattr(problem, "message", problem)).split())
        file = str(getattr(problem, "file", "") or "")
        where = ":".join(str(x) for x in (Path(file).name if file else None, getattr(problem, "row", None),
                                           getattr(problem, "column", None)) if x)
        out.append(f"{where}: {text}" if where else text)
    return out

