"""Does a resource's file match what its descriptor declares: `bytes`, `hash` and `encoding`?

A descriptor that states a size and a digest promises that the file is the one published; a changed digit
must fail (frictionless's byte-count, hash-count and encoding-error). The hash is computed only when one is
declared, streaming the file in 1 MiB chunks.
"""

from __future__ import annotations

import codecs
import hashlib
import os
from pathlib import Path

from stoke_opendata.validate.problems import Problem

HASHES = ("md5", "sha1", "sha224", "sha256", "sha384", "sha512")
UTF8 = ("utf-8", "utf-8-sig")


def integrity_problems(path: Path, shown: str, declared: dict, read_encoding: str | None) -> list[Problem]:
    """byte-count, hash-count and encoding-error problems for one file (empty when it matches).
    `read_encoding` is the encoding the reader found (None for a workbook)."""
    problems: list[Problem] = []
    if "bytes" in declared:
        size = os.stat(path).st_size
        if not isinstance(declared["bytes"], int) or isinstance(declared["bytes"], bool) or size != declared["bytes"]:
            problems.append(
                Problem(shown, "byte-count", f"the file has {size:,} bytes but the descriptor says {declared['bytes']!r}", "publish the file the descriptor describes, or update its 'bytes'", value=str(size))
            )
    if "hash" in declared:
        text = str(declared["hash"])
        algorithm, _, digest = text.rpartition(":")
        algorithm = (algorithm or "md5").lower()
        if algorithm not in HASHES:
            problems.append(Problem(shown, "hash-count", f"the descriptor's hash {text!r} uses {algorithm}, which is not one of {', '.join(HASHES)}", "write the hash as md5:<hex> or sha256:<hex>"))
        else:
            actual = _digest(path, algorithm)
            if actual != digest.lower():
                problems.append(
                    Problem(shown, "hash-count", f"the file's {algorithm} is {actual} but the descriptor says {digest}", "the file was changed after it was described: publish the described file, or update its 'hash'", value=actual)
                )
    if "encoding" in declared and read_encoding is not None:
        problems.extend(_encoding(path, shown, str(declared["encoding"]), read_encoding))
    return problems


def _digest(path: Path, algorithm: str) -> str:
    digest = hashlib.new(algorithm)
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _encoding(path: Path, shown: str, declared: str, read_encoding: str) -> list[Problem]:
    try:
        name = codecs.lookup(declared).name
    except LookupError:
        return [Problem(shown, "encoding-error", f"the descriptor's encoding {declared!r} is not an encoding", "write e.g. \"encoding\": \"utf-8\"", value=declared)]
    if name in UTF8:
        if read_encoding in UTF8:
            return []
        return [Problem(shown, "encoding-error", f"the descriptor says {declared} but the file is not UTF-8 (it reads as {read_encoding})", "save the file as UTF-8, or declare the encoding it is in", value=read_encoding)]
    try:
        Path(path).read_bytes().decode(name)
    except UnicodeDecodeError as exc:
        return [Problem(shown, "encoding-error", f"the file is not {declared}: byte {exc.start} cannot be decoded", "save the file in the declared encoding, or declare the one it is in", value=declared)]
    return []


def declared_encoding_fits(declared: dict, read_encoding: str | None) -> bool:
    """True when the descriptor declares the non-UTF-8 encoding the reader had to guess (no guessed-encoding warning then)."""
    if "encoding" not in declared or read_encoding is None:
        return False
    try:
        return codecs.lookup(str(declared["encoding"])).name not in UTF8 and read_encoding not in UTF8
    except LookupError:
        return False
