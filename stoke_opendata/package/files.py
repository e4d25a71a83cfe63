"""Deterministic files for a reproducible package: hashes, JSON and CSV written the same way every time,
the creation time from the data (never the clock), a sorted zip (written through safety.atomic).
"""

from __future__ import annotations

import csv
import io
import json
import os
import zipfile
from datetime import date, datetime, timezone
from pathlib import Path

from stoke_opendata.catalogue.dataset_tables import (
    SourceDataset,
)
from stoke_opendata.catalogue.periods import period_end
from stoke_opendata.errors import UsageError
from stoke_opendata.safety.atomic import staged_file


def write_json(path: Path, data) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8", newline="")


def created_timestamp(datasets: list[SourceDataset], source_date_epoch: str | None = None) -> datetime:
    """When the package was made, reproducibly: SOURCE_DATE_EPOCH when set, otherwise the latest of the
    source descriptors' own `created` dates and the end of the latest observed period. Never the clock.
    Rows with status `estimated` are left out: they include forecasts ("by 2050"), which are not data
    the package could have been made after."""
    epoch = source_date_epoch if source_date_epoch is not None else os.environ.get("SOURCE_DATE_EPOCH")
    if epoch not in (None, ""):
        try:
            return datetime.fromtimestamp(int(epoch), tz=timezone.utc)
        except (ValueError, OverflowError, OSError):
            raise UsageError(f"SOURCE_DATE_EPOCH must be whole seconds since 1970, not {epoch!r}") from None
    latest: date | None = None
    for dataset in datasets:
        stated = dataset.descriptor.get("created")
        if isinstance(stated, str):
            try:
                when = datetime.fromisoformat(stated.replace("Z", "+00:00")).date()
                latest = max(latest, when) if latest else when
            except ValueError:
                pass
        observations = dataset.tables.get("observations")
        for row in observations.rows if observations else []:
            if (row.get("status") or "").strip() == "estimated":
                continue
            try:
                when = period_end(row.get("period") or "")
            except ValueError:
                continue
            latest = max(latest, when) if latest else when
        if observations is None or not observations.rows:  # definitions: the documents they were read from
            latest = _documents_date(dataset, latest)
    if latest is None:
        raise UsageError("no date in the data's own history (no created date, no observed period, no dated "
                         "document): set SOURCE_DATE_EPOCH or the dataset's `created`")
    return datetime(latest.year, latest.month, latest.day, tzinfo=timezone.utc)


def _documents_date(dataset: SourceDataset, latest: date | None) -> date | None:
    """The end of the latest year of the council documents a catalogue's rows cite (documents.py)."""
    from stoke_opendata.catalogue.documents import DOCUMENT_DETAILS

    table = dataset.tables.get("indicators")
    for row in table.rows if table else []:
        for name in (row.get("document") or "").split(";"):
            year = DOCUMENT_DETAILS.get(name.strip(), {}).get("year")
            if year:
                when = period_end(year)
                latest = max(latest, when) if latest else when
    return latest


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def write_zip(folder: Path, zip_path: Path, created: datetime) -> Path:
    """Zip a built package reproducibly: sorted entries, fixed timestamps and permissions."""
    stamp = max(created.astimezone(timezone.utc), datetime(1980, 1, 1, tzinfo=timezone.utc))
    date_time = (stamp.year, stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second - stamp.second % 2)
    entries = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    with staged_file(zip_path) as tmp, zipfile.ZipFile(tmp, "w") as archive:
        for entry in entries:
            info = zipfile.ZipInfo(entry, date_time=date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            archive.writestr(info, (folder / entry).read_bytes(), compresslevel=9)
    return zip_path

