"""Permission matrix cases for behaviour analysis (ACCESS.md, "Behaviour records").

The analysis page shows whole year groups' behaviour: heads of year (their
years), the SENCO and the DSL team (the whole school). Staff, support officers
and administrators: 404, the page and its export alike.
"""

from __future__ import annotations

from tests.matrix import Case, only

ANALYSTS = only(hoy=True, senco=True, dsl=True)

CASES: list = [
    Case("behaviour:analysis", "heads of year, SENCO, DSL", ANALYSTS),
    Case("behaviour:analysis", "filtered", ANALYSTS, query="kind=negative"),
    Case("behaviour:analysis", "export", ANALYSTS, query="export=csv"),
]
