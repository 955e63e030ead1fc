"""The pages and jobs `make bench` measures, by URL name.

Add a page when it lands: one `Page(...)` with the URL name, the role that
uses it, how to find its URL arguments in the trust-scale demo data, and the
raw SQL that fetches the same rows the page shows (the floor the page is
compared with). A page whose URL name is not defined yet is reported as
"not landed" rather than failing the run, so this list may run ahead of the
code. Jobs (imports, PDFs, reminders) are in bench/jobs.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection


class Ctx:
    """The demo school at trust scale, its demo sign-ins, and helpers to pick
    representative rows. Built once per run, after django.setup()."""

    def __init__(self) -> None:
        from bench.common import ROLE_EMAILS
        from pastoral.models import School, User, YearGroup

        self.school = School.objects.get(urn="136001")
        self.users = {
            role: User.objects.get(email=email)
            for role, email in ROLE_EMAILS.items()
            if User.objects.filter(email=email).exists()
        }
        self.year9 = YearGroup.objects.get(school=self.school, number=9)
        self._cache: dict[str, Any] = {}

    def value(self, sql: str, params: dict[str, Any] | None = None) -> Any:
        """The first column of the first row of a raw query (cached per run)."""
        key = f"{sql}|{sorted((params or {}).items())}"
        if key not in self._cache:
            with connection.cursor() as cursor:
                cursor.execute(sql, params or {})
                row = cursor.fetchone()
            if row is None:
                raise LookupError(f"no row for {sql!r} with {params!r}")
            self._cache[key] = row[0]
        return self._cache[key]

    def scope(self, role: str) -> Any:
        from pastoral.access import scope_for

        return scope_for(self.users[role], self.school)

    def caseload_learner(self) -> int:
        """The demo key worker's caseload learner with the most casework."""
        return self.value(
            "SELECT a.learner_id FROM caseload_allocation a "
            "WHERE a.worker_id = %(w)s AND a.school_id = %(s)s "
            "ORDER BY (SELECT count(*) FROM caseload_contactlog c WHERE c.learner_id = a.learner_id) "
            "+ (SELECT count(*) FROM caseload_plan p WHERE p.learner_id = a.learner_id) DESC, "
            "a.learner_id LIMIT 1",
            {"w": self.users["support"].pk, "s": self.school.pk},
        )

    def learner_in_year9(self) -> int:
        return self.value(
            "SELECT id FROM pastoral_learner WHERE school_id = %(s)s AND year_group_id = %(y)s "
            "ORDER BY legal_last_name, id LIMIT 1",
            {"s": self.school.pk, "y": self.year9.pk},
        )


@dataclass(frozen=True)
class AdminRef:
    """Django admin's change list for the same model: a second reference."""

    url_name: str
    query: Callable[[Ctx], str] = lambda ctx: ""


@dataclass(frozen=True)
class Page:
    label: str
    url_name: str
    role: str
    # Hand-written SQL (with %(name)s params from `params`), or a function
    # (ctx) -> (sql, params): the page's main selector query compiled by the
    # ORM and run raw, for pages whose rows come from a complex selector.
    sql: str | Callable[[Ctx], tuple[str, Any]]
    kwargs: Callable[[Ctx], dict[str, Any]] = lambda ctx: {}
    query: Callable[[Ctx], str] = lambda ctx: ""
    params: Callable[[Ctx], dict[str, Any]] = lambda ctx: {}
    htmx: bool = False
    admin: AdminRef | None = None
    # The target for server time / raw SQL time.
    target_ratio: float = 10.0
    notes: str = ""
    headers: dict[str, str] = field(default_factory=dict)


# The rows behind the directory: one page of 50 learners with year and reg
# group, plus the total for the paginator.
_DIRECTORY_SQL = """
SELECT l.id, l.upn, l.legal_first_name, l.legal_last_name, l.preferred_first_name,
       y.name, r.name, (SELECT count(*) FROM pastoral_learner c WHERE c.school_id = %(school)s)
FROM pastoral_learner l
JOIN pastoral_yeargroup y ON y.id = l.year_group_id
LEFT JOIN pastoral_reggroup r ON r.id = l.reg_group_id
WHERE l.school_id = %(school)s
ORDER BY l.legal_last_name, l.legal_first_name, l.id
LIMIT 50
"""

_FILTERED_SQL = """
SELECT l.id, l.upn, l.legal_first_name, l.legal_last_name, l.preferred_first_name,
       l.sen_status, l.pupil_premium, y.name, r.name,
       (SELECT count(*) FROM pastoral_learner c
        WHERE c.school_id = %(school)s AND c.year_group_id = %(year)s AND c.pupil_premium)
FROM pastoral_learner l
JOIN pastoral_yeargroup y ON y.id = l.year_group_id
LEFT JOIN pastoral_reggroup r ON r.id = l.reg_group_id
WHERE l.school_id = %(school)s AND l.year_group_id = %(year)s AND l.pupil_premium
ORDER BY l.legal_last_name, l.legal_first_name, l.id
LIMIT 50
"""

_SEARCH_SQL = """
SELECT l.id, l.upn, l.legal_first_name, l.legal_last_name, l.preferred_first_name,
       y.name, r.name
FROM pastoral_learner l
JOIN pastoral_yeargroup y ON y.id = l.year_group_id
LEFT JOIN pastoral_reggroup r ON r.id = l.reg_group_id
WHERE l.school_id = %(school)s AND l.search_text LIKE %(term)s
ORDER BY l.legal_last_name, l.legal_first_name, l.id
LIMIT 10
"""

_DETAIL_SQL = """
SELECT l.*, y.name, r.name, s.name
FROM pastoral_learner l
JOIN pastoral_yeargroup y ON y.id = l.year_group_id
LEFT JOIN pastoral_reggroup r ON r.id = l.reg_group_id
JOIN pastoral_school s ON s.id = l.school_id
WHERE l.id = %(learner)s AND l.school_id = %(school)s
"""

_HOME_SQL = """
SELECT s.id, s.name FROM pastoral_school s
JOIN pastoral_membership m ON m.school_id = s.id
WHERE m.user_id = %(user)s GROUP BY s.id, s.name ORDER BY s.name
"""


def _school(ctx: Ctx) -> dict[str, Any]:
    return {"school": ctx.school.pk}


def compiled(queryset: Any) -> tuple[str, Any]:
    """The SQL Django would run for a queryset, to run raw on the same cursor."""
    return queryset.query.sql_with_params()


def _board_sql(ctx: Ctx) -> tuple[str, Any]:
    from caseload.selectors import BoardFilters, board_learners_for

    return compiled(board_learners_for(ctx.scope("senco"), BoardFilters())[:50])


def _my_caseload_sql(ctx: Ctx) -> tuple[str, Any]:
    from caseload.selectors import my_caseload_for

    return compiled(my_caseload_for(ctx.scope("support"))[:50])


def _profile_sql(ctx: Ctx) -> tuple[str, Any]:
    from caseload.selectors import with_casework
    from pastoral.models import Learner

    return compiled(with_casework(Learner.objects.filter(pk=ctx.caseload_learner())))


PAGES: list[Page] = [
    Page(
        "Home (DSL)",
        "home",
        "dsl",
        _HOME_SQL,
        params=lambda ctx: {"user": ctx.users["dsl"].pk},
    ),
    Page(
        "Learner list, page 1 (staff)",
        "pastoral:learner-list",
        "staff",
        _DIRECTORY_SQL,
        params=_school,
        admin=AdminRef(
            "admin:pastoral_learner_changelist", lambda ctx: f"school__id__exact={ctx.school.pk}"
        ),
    ),
    Page(
        "Learner list, Year 9 + pupil premium (SENCO)",
        "pastoral:learner-list",
        "senco",
        _FILTERED_SQL,
        query=lambda ctx: f"year_group={ctx.year9.pk}&flag=pp",
        params=lambda ctx: {"school": ctx.school.pk, "year": ctx.year9.pk},
    ),
    Page(
        "Learner search 'smi' (htmx, staff)",
        "pastoral:learner-search",
        "staff",
        _SEARCH_SQL,
        query=lambda ctx: "q=smi",
        params=lambda ctx: {"school": ctx.school.pk, "term": "%smi%"},
        htmx=True,
        admin=AdminRef(
            "admin:pastoral_learner_changelist",
            lambda ctx: f"school__id__exact={ctx.school.pk}&q=smi",
        ),
    ),
    Page(
        "Learner directory card (staff)",
        "pastoral:learner-detail",
        "staff",
        _DETAIL_SQL,
        kwargs=lambda ctx: {"pk": ctx.learner_in_year9()},
        params=lambda ctx: {"school": ctx.school.pk, "learner": ctx.learner_in_year9()},
    ),
]

PAGES += [
    Page(
        "Caseload board, first page (SENCO)",
        "caseload:board",
        "senco",
        _board_sql,
        notes="raw = the board's learner query compiled by the ORM",
    ),
    Page(
        "My caseload (key worker)",
        "caseload:mine",
        "support",
        _my_caseload_sql,
        notes="raw = the my-caseload query compiled by the ORM",
    ),
    Page(
        "Learner profile, busiest caseload learner (key worker)",
        "caseload:profile",
        "support",
        _profile_sql,
        kwargs=lambda ctx: {"pk": ctx.caseload_learner()},
        notes="raw = the learner row with its casework counts, compiled by the ORM",
    ),
]


def _inbox_sql(ctx: Ctx) -> tuple[str, Any]:
    from safeguarding.selectors import inbox_for

    return compiled(inbox_for(ctx.scope("dsl"))[:50])


def _search_sql(ctx: Ctx) -> tuple[str, Any]:
    from safeguarding.selectors import search_concerns

    return compiled(search_concerns(ctx.scope("dsl"), {"q": "home"})[:50])


_CHRONOLOGY_SQL = """
SELECT c.id, c.occurred_at, c.submitted_at, c.level, c.status, c.description, c.location,
       u.full_name
FROM safeguarding_concern c
JOIN safeguarding_concernlearner cl ON cl.concern_id = c.id
JOIN pastoral_user u ON u.id = c.author_id
WHERE cl.learner_id = %(learner)s AND c.school_id = %(school)s
ORDER BY c.occurred_at DESC, c.id DESC
"""

PAGES += [
    Page(
        "DSL inbox, first page (DSL)",
        "safeguarding:inbox",
        "dsl",
        _inbox_sql,
        notes="raw = the inbox query compiled by the ORM",
    ),
    Page(
        "Chronology of a learner with 200 concerns (DSL)",
        "safeguarding:learner-chronology",
        "dsl",
        _CHRONOLOGY_SQL,
        kwargs=lambda ctx: {"pk": ctx.learner_in_year9()},
        params=lambda ctx: {"school": ctx.school.pk, "learner": ctx.learner_in_year9()},
    ),
    Page(
        "Concern search 'home' (DSL)",
        "safeguarding:concern-list",
        "dsl",
        _search_sql,
        query=lambda ctx: "q=home",
        notes="raw = the search query compiled by the ORM",
    ),
]

_ATTENDANCE_SQL = """
SELECT l.id, l.year_group_id,
       count(*) FILTER (WHERE m.code = ANY(%(possible)s)) AS possible,
       count(*) FILTER (WHERE m.code = ANY(%(attending)s)) AS attended
FROM attendance_mark m
JOIN pastoral_learner l ON l.id = m.learner_id
WHERE m.school_id = %(school)s AND m.date BETWEEN %(start)s AND %(end)s
  AND l.year_group_id = %(year)s
GROUP BY l.id, l.year_group_id
"""


def _attendance_params(ctx: Ctx) -> dict[str, Any]:
    from attendance import codes, selectors

    start, end = selectors.default_range(ctx.school, None, None)
    return {
        "possible": list(codes.POSSIBLE_CODES),
        "attending": list(codes.ATTENDING_CODES),
        "school": ctx.school.pk,
        "start": start,
        "end": end,
        "year": ctx.year9.pk,
    }


PAGES += [
    Page(
        "Attendance dashboard, Year 9 (head of year)",
        "attendance:dashboard",
        "hoy",
        _ATTENDANCE_SQL,
        params=_attendance_params,
        notes="",
    ),
]

# Pages the other issues name, measured as soon as their URL names exist
# (and their Page entries are added above). Listed so the report says what
# is still missing instead of silently leaving it out.
EXPECTED: list[tuple[str, str]] = []
