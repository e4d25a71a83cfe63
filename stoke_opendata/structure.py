"""The structure layer: the names other modules import, kept here while the rules live in stoke_opendata.tableschema.

(stoke_opendata.tableschema holds one module per concept: schema_errors, field_types, header, constraints,
keys, hints, check.)
"""

from __future__ import annotations

from stoke_opendata.tableschema.check import Checked, References, check_structure  # noqa: F401
from stoke_opendata.tableschema.hints import NUMERIC_TYPES, SUPPRESSION_MARKERS, enum_hint, label_hint, pattern_hint, type_hint  # noqa: F401
