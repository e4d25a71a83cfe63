"""The structure layer: the names other modules import, kept here while the rules live in stoke_opendata.validate.tableschema.

(stoke_opendata.validate.tableschema holds one module per concept: schema_errors, field_types, constraints,
keys, hints, check.)
"""

from __future__ import annotations

from stoke_opendata.validate.tableschema.check import Checked, References, check_structure  # noqa: F401
from stoke_opendata.validate.tableschema.hints import NUMERIC_TYPES, SUPPRESSION_MARKERS, enum_hint, label_hint, pattern_hint, type_hint  # noqa: F401
