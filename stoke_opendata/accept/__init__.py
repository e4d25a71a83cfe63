"""Accept a steward's validated figures into a bundled dataset: plan, then apply atomically, keeping history.

The update loop the strategy promises ("first by setting a baseline and then by updating regularly"):
- plan.py      reads the dataset and the submissions, and sorts each submitted row into added / revised /
               unchanged by its key (indicator_id, area_code, period);
- revisions.py the revisions table: every superseded value with who, when, why and the submission's sha256;
- lock.py      one accept at a time per dataset (an exclusive lock on the dataset folder);
- apply.py     writes the new tables beside the old ones, fsyncs, and swaps them in with os.replace;
- run.py       the whole accept, in that order (validate first).

May import: `validate`, `safety`, `catalogue`, `errors`, `settings` (package and portal come after it).
"""
