"""The plan of an accept: each submitted row is added, revised or unchanged, keyed by (indicator_id,
area_code, period).

- added: the key is not in the dataset yet;
- revised: the key is there with another value or status (the old value goes to the revisions table and the
  row's status becomes `revised`, unless the steward suppresses it: then it stays `suppressed`);
- unchanged: same value (numerically) and same status. A row already `revised` counts as unchanged when the
  same value comes again with any status but `suppressed`, so accepting one file twice changes nothing.

Pure: polars frames in, a Plan out; the caller reads the files and holds the lock. Everything is read as
text, so unchanged rows are written back exactly as they were.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from stoke_opendata.errors import InvalidDataError

KEY = ["indicator_id", "area_code", "period"]
SUPPRESSED = "suppressed"
REVISED = "revised"


@dataclass
class Plan:
    dataset: str
    header: list[str]
    merged: object  # polars.DataFrame: the dataset's observations after the accept (header columns)
    added: object  # submitted rows with a new key (+ _file, _row)
    revised: object  # submitted rows replacing a value (+ old_value, old_status, _file, _row)
    unchanged: int
    files: list[str] = field(default_factory=list)

    @property
    def changes(self) -> int:
        return self.added.height + self.revised.height

    def counts(self) -> dict[str, int]:
        return {"added": self.added.height, "revised": self.revised.height, "unchanged": self.unchanged}

    def to_dict(self, limit: int | None = None) -> dict:
        def rows(frame, columns):
            frame = frame if limit is None else frame.head(limit)
            return frame.select([c for c in columns if c in frame.columns]).to_dicts()

        return {
            "dataset": self.dataset,
            "files": self.files,
            **self.counts(),
            "added_rows": rows(self.added, ["_file", "_row", *KEY, "value", "status"]),
            "revised_rows": rows(self.revised, ["_file", "_row", *KEY, "old_value", "old_status", "value", "status"]),
        }


def read_observations(path: Path):
    """A dataset's observations.csv as text columns (blank cells null), in file order."""
    import polars as pl

    return pl.read_csv(path, infer_schema=False)


def submission_frame(table, fields: list[str], file_index: int):
    """A validated submission (reading.Table) as text columns named by the observations schema, in
    `fields` order (columns the file lacks are null), with _file and _row (the spreadsheet row)."""
    import polars as pl

    from stoke_opendata.validate.tables.table import ROW

    by_label = {}
    for position, label in enumerate(table.labels):
        name = (label or "").strip()
        if name in fields and name not in by_label:
            by_label[name] = str(position)
    frame = table.frame
    keyed = {*KEY, "value", "status"}  # compared or joined on: spaces around them must not count
    columns = [
        (pl.col(by_label[name]) if name not in keyed else pl.col(by_label[name]).str.strip_chars().replace("", None)).alias(name)
        if name in by_label else pl.lit(None, pl.String).alias(name)
        for name in fields
    ]
    return frame.select(*columns, pl.lit(file_index, pl.Int32).alias("_file"), pl.col(ROW).alias("_row"))


def check_indicators(submission, allowed: set[str], dataset: str, shown: list[str], owners: dict[str, str]) -> None:
    """Refuse rows whose indicator the dataset does not hold (a file meant for another dataset)."""
    import polars as pl

    stray = submission.filter(~pl.col("indicator_id").is_in(sorted(allowed))).head(1)
    if stray.height:
        row = stray.row(0, named=True)
        other = owners.get(row["indicator_id"])
        belongs = f"; it belongs to dataset {other!r}" if other else ""
        raise InvalidDataError(
            f"indicator {row['indicator_id']!r} is not in dataset {dataset!r}{belongs} (accept the file --into that dataset)",
            where=f"{shown[row['_file']]}: row {row['_row']}: column indicator_id",
        )


def make_plan(dataset: str, existing, submission, files: list[str]) -> Plan:
    """Sort the submission's rows against the dataset's; build the dataset as it will be after the accept."""
    import polars as pl

    header = list(existing.columns)
    submission = submission.with_columns(pl.col("status").fill_null("final"))
    # the old source and notes go to the revisions table with the old value (a revision keeps where the figure came from)
    kept = [pl.col(c).alias(f"old_{c}") if c in existing.columns else pl.lit(None, pl.String).alias(f"old_{c}") for c in ("source", "notes")]
    old = existing.select(*KEY, pl.col("value").alias("old_value"), pl.col("status").alias("old_status"), *kept).with_row_index("_pos")
    joined = submission.join(old, on=KEY, how="left", nulls_equal=False)
    found = pl.col("_pos").is_not_null()
    new_number = pl.col("value").cast(pl.Float64, strict=False)
    old_number = pl.col("old_value").cast(pl.Float64, strict=False)
    same_value = (new_number == old_number).fill_null(False) | (new_number.is_null() & old_number.is_null())
    same_status = (pl.col("status") == pl.col("old_status")) | (
        (pl.col("old_status") == REVISED) & (pl.col("status") != SUPPRESSED))
    joined = joined.with_columns(
        pl.when(~found).then(pl.lit("added"))
        .when(same_value & same_status).then(pl.lit("unchanged"))
        .otherwise(pl.lit("revised")).alias("_action"))
    added = joined.filter(pl.col("_action") == "added").drop("_pos", "old_value", "old_status", "old_source", "old_notes", "_action")
    revised = joined.filter(pl.col("_action") == "revised").with_columns(
        pl.when(pl.col("status") == SUPPRESSED).then(pl.lit(SUPPRESSED)).otherwise(pl.lit(REVISED)).alias("status"))
    unchanged = joined.height - added.height - revised.height

    merged = existing
    if revised.height:
        # a revised row takes the submitted cells in place (no re-sort of the dataset); a column the
        # submission leaves blank keeps the old text (area_name), except the value, its bounds, status and
        # notes, which belong to the new figure
        new_figure = {"value", "lower_ci", "upper_ci", "numerator", "denominator", "status", "notes"}
        index_type = old.schema["_pos"]
        replacement = revised.select(pl.col("_pos").cast(index_type), *[pl.col(c).alias(f"{c}__new") for c in header if c in revised.columns])
        joined_back = existing.with_row_index("_pos").join(replacement, on="_pos", how="left", maintain_order="left")
        hit = pl.col("_pos").is_in(replacement["_pos"].implode())
        columns = []
        for c in header:
            if f"{c}__new" not in joined_back.columns:
                columns.append(pl.col(c))
            elif c in new_figure:
                columns.append(pl.when(hit).then(pl.col(f"{c}__new")).otherwise(pl.col(c)).alias(c))
            else:
                columns.append(pl.coalesce(f"{c}__new", c).alias(c))
        merged = joined_back.select(columns)
    if added.height:
        merged = pl.concat([merged, added.select([pl.col(c) if c in added.columns else pl.lit(None, pl.String).alias(c) for c in header])],
                           how="vertical_relaxed")
    return Plan(dataset, header, merged, added, revised, unchanged, list(files))


def check_disclosure(plan: Plan, catalogue, shown: list[str]) -> None:
    """Run disclosure control on the dataset as it would be, for the disclosive indicators the submission
    touches: a revision that makes a suppressed figure disclosive (a small count, or a part its total and
    siblings now reveal) is refused, naming the submitted row."""
    import polars as pl

    from stoke_opendata.safety import disclosure

    touched = set(plan.added["indicator_id"].to_list()) | set(plan.revised["indicator_id"].to_list())
    disclosive = sorted(i for i in touched if i in catalogue.indicators and catalogue.indicators[i].disclosive)
    if not disclosive:
        return
    subset = plan.merged.filter(pl.col("indicator_id").is_in(disclosive))
    rows = subset.to_dicts()
    risks = disclosure.find_risks(rows, catalogue, threshold=disclosure.threshold_override())
    if not risks:
        return
    submitted = pl.concat([plan.added.select(*KEY, "_file", "_row"), plan.revised.select(*KEY, "_file", "_row")])
    where_of = {(r["indicator_id"], r["area_code"], r["period"]): (r["_file"], r["_row"]) for r in submitted.to_dicts()}
    risk = risks[0]
    place = where_of.get((risk.indicator_id, risk.area_code, risk.period))
    if place is None:  # the risk is in a dataset row that a submitted sibling or total now reveals
        place = next(iter(where_of[k] for k in where_of if k[0] == risk.indicator_id and k[2] == risk.period), None)
    where = f"{shown[place[0]]}: row {place[1]}: column {risk.field}" if place else plan.dataset
    raise InvalidDataError(
        f"{risk.message} ({risk.indicator_id}, {risk.area_code}, {risk.period}) once accepted; nothing was written. {risk.hint}",
        where=where,
    )
