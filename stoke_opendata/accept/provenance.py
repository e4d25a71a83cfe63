"""The provenance table of a dataset: which submission set each added or revised row (who, when, file hash).

The revisions table keeps what a revision superseded; this one answers "where did this figure come from?" for
every row an accept added or revised: the key, what happened (added or revised), the value and status set,
when (UTC), who (--by, STOKE_OPENDATA_STEWARD, else the login name, marked as such), the reason given, and the
submission's file name and sha256. Append-only, like the revisions; schema: schemas/provenance.schema.json.
It stays with the dataset (an audit trail for the council): the packages publish the revisions, not this.
"""

from __future__ import annotations

FILE_NAME = "provenance.csv"
FIELDS = ("indicator_id", "area_code", "period", "change", "value", "status",
          "accepted_at", "accepted_by", "reason", "submission_file", "submission_sha256")
RESOURCE = {
    "name": "provenance",
    "title": "Provenance of accepted figures",
    "path": FILE_NAME,
    "format": "csv",
    "mediatype": "text/csv",
    "encoding": "utf-8",
    "schema": "../../schemas/provenance.schema.json",
}


def who_accepts(by: str | None) -> str:
    """The steward named, else the login name (said to be one): a row is never accepted by nobody."""
    import getpass

    if by:
        return by
    try:
        return f"{getpass.getuser()} (login name)"
    except Exception:  # no user database entry (a container): still say that nobody was named
        return "(not named)"


def new_rows(plan, *, when: str, who: str, why: str, sources: dict[int, tuple[str, str]]):
    """One row per added and revised row of `plan` (a polars DataFrame with FIELDS as columns)."""
    import polars as pl

    names = {k: v[0] for k, v in sources.items()}
    shas = {k: v[1] for k, v in sources.items()}
    frames = []
    for change, frame in (("added", plan.added), ("revised", plan.revised)):
        if frame.height:
            frames.append(frame.select(
                "indicator_id", "area_code", "period", pl.lit(change).alias("change"),
                pl.col("value").cast(pl.String), pl.col("status").cast(pl.String),
                pl.lit(when).alias("accepted_at"), pl.lit(who).alias("accepted_by"), pl.lit(why or None, pl.String).alias("reason"),
                pl.col("_file").replace_strict(names, return_dtype=pl.String).alias("submission_file"),
                pl.col("_file").replace_strict(shas, return_dtype=pl.String).alias("submission_sha256")))
    if not frames:
        return pl.DataFrame({f: [] for f in FIELDS}, schema={f: pl.String for f in FIELDS})
    return pl.concat(frames, how="vertical_relaxed").select(FIELDS)
