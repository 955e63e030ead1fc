"""The export variant (?export=csv|xlsx) of every list page: the page's own
roles, and nobody else (404); another school's group answers 404 for all."""

from __future__ import annotations

from tests.matrix import ALL_OK, Case, every, only
from tests.matrix.access import _viewed_events
from tests.matrix.attendance import CASE as ATTENDANCE
from tests.matrix.caseload import BOARD, CASE_ROLES, WHOLE, _setup
from tests.matrix.safeguarding import DSL_ONLY, _concern


def _group_of_other_school(world):  # type: ignore[no-untyped-def]
    from tests.caseload.factories import make_group
    from tests.factories import UserFactory

    world.other_group = make_group(UserFactory(), [world.other_learner])


def pk(attr: str):  # type: ignore[no-untyped-def]
    return lambda w: {"pk": getattr(w, attr).pk}


# Each list with export=csv; the same path writes XLSX, checked for the learner list,
# the board, the DSL search and the audit trail below.
fmt = "csv"
q = f"export={fmt}"
CASES = [
    Case("pastoral:learner-list", f"export {fmt}", ALL_OK, query=q),
    Case("pastoral:learner-list", f"export {fmt} case filter", ALL_OK, query=f"{q}&flag=pp"),
    Case("attendance:learner-list", f"export {fmt}", ATTENDANCE, query=q),
    Case("attendance:learner-list", f"export {fmt} falls", ATTENDANCE, query=f"{q}&flag=falls"),
    Case("attendance:dashboard", f"export {fmt}", ATTENDANCE, query=q),
    Case("caseload:mine", f"export {fmt}", only(**CASE_ROLES), query=q),
    Case("caseload:board", f"export {fmt}", only(**BOARD), setup=_setup, query=q),
    Case("caseload:intervention-list", f"export {fmt}", only(**CASE_ROLES), setup=_setup, query=q),
    Case(
        "caseload:intervention-detail",
        f"export {fmt} support's group",
        only(**CASE_ROLES),
        setup=_setup,
        kwargs=pk("group9"),
        query=q,
    ),
    Case(
        "caseload:intervention-detail",
        f"export {fmt} group of learner10",
        only(**WHOLE),
        setup=_setup,
        kwargs=pk("group10"),
        query=q,
    ),
    Case(
        "caseload:intervention-detail",
        f"export {fmt} other school's group",
        every(404),
        setup=_group_of_other_school,
        kwargs=pk("other_group"),
        query=q,
    ),
    Case(
        "safeguarding:concern-list",
        f"export {fmt}",
        DSL_ONLY,
        setup=_concern("pastoral9"),
        query=q,
    ),
    Case("pastoral:audit-list", f"export {fmt}", DSL_ONLY, setup=_viewed_events, query=q),
    Case("pastoral:audit-export", f"export {fmt}", DSL_ONLY, setup=_viewed_events, query=q),
]
CASES += [
    Case("pastoral:learner-list", "export xlsx", ALL_OK, query="export=xlsx"),
    Case("caseload:board", "export xlsx", only(**BOARD), setup=_setup, query="export=xlsx"),
    Case(
        "safeguarding:concern-list",
        "export xlsx",
        DSL_ONLY,
        setup=_concern("pastoral9"),
        query="export=xlsx",
    ),
    Case(
        "pastoral:audit-export", "export xlsx", DSL_ONLY, setup=_viewed_events, query="export=xlsx"
    ),
]
# A format nobody offers: refused with a message wherever the page itself is open.
CASES += [
    Case("pastoral:learner-list", "export pdf", every(400), query="export=pdf"),
    Case("caseload:board", "export pdf", only(400, **BOARD), query="export=pdf"),
]
