"""The revisions table of a dataset: history, never overwritten.

Every value an accept supersedes is kept here: the row's key, the old value and status (and the old source and notes), the new value and
status, when (UTC), who (--by or STOKE_OPENDATA_STEWARD), why (--reason) and the submission's file name and
sha256, so that any published figure can be traced to the file that set it. The table is append-only: an
accept adds rows and never edits or removes one. Its Table Schema is schemas/revisions.schema.json; it is
packaged and published like the other tables.
"""

from __future__ import annotations

FILE_NAME = "revisions.csv"
FIELDS = (
    "indicator_id", "area_code", "period",
    "old_value", "old_status", "new_value", "new_status",
    "revised_at", "revised_by", "reason", "submission_file", "submission_sha256",
    "old_source", "old_notes",
)
RESOURCE = {
    "name": "revisions",
    "title": "Revisions",
    "path": FILE_NAME,
    "format": "csv",
    "mediatype": "text/csv",
    "encoding": "utf-8",
    "schema": "../../schemas/revisions.schema.json",
}




def new_rows(revised, *, when: str, who: str, why: str, sources: dict[str, tuple[str, str]], already=None):
    """Revision rows (a polars DataFrame, FIELDS as columns) for the plan's revised rows.

    `revised` holds key, old_value, old_status, value, status and _file (the submission it came from);
    `sources` maps _file -> (file name, sha256). `already` (the existing revisions table) is used to skip
    a revision that is already recorded as the latest for its key with the same submission and values: an
    accept interrupted between writing this table and the observations can be run again without
    recording the same revision twice.
    """
    import polars as pl

    names = {k: v[0] for k, v in sources.items()}
    shas = {k: v[1] for k, v in sources.items()}
    rows = revised.select(
        "indicator_id", "area_code", "period",
        pl.col("old_value"), pl.col("old_status"),
        pl.col("value").alias("new_value"), pl.col("status").alias("new_status"),
        pl.lit(when).alias("revised_at"), pl.lit(who).alias("revised_by"), pl.lit(why).alias("reason"),
        pl.col("_file").replace_strict(names, return_dtype=pl.String).alias("submission_file"),
        pl.col("_file").replace_strict(shas, return_dtype=pl.String).alias("submission_sha256"),
        *[(pl.col(c) if c in revised.columns else pl.lit(None, pl.String)).alias(c) for c in ("old_source", "old_notes")],
    )
    if already is not None and already.height:
        latest = already.group_by(["indicator_id", "area_code", "period"], maintain_order=True).last()
        latest = latest.select("indicator_id", "area_code", "period", "old_value", "new_value", "submission_sha256")
        rows = rows.join(latest, on=["indicator_id", "area_code", "period", "old_value", "new_value", "submission_sha256"],
                         how="anti", nulls_equal=True)
    return rows.select(FIELDS)
