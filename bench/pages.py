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

    def large_school(self) -> Any:
        """The trust's largest school with the most key workers (the issue's
        1,500 learners and 40 workers: a trust secondary has 1,800 and 40)."""
        from pastoral.models import School

        return School.objects.get(
            pk=self.value(
                "SELECT s.id FROM pastoral_school s ORDER BY "
                "(SELECT count(*) FROM pastoral_learner l WHERE l.school_id = s.id) DESC, "
                "(SELECT count(*) FROM pastoral_membership m "
                " WHERE m.school_id = s.id AND m.role = 'support') DESC, s.id LIMIT 1"
            )
        )

    def large_senco(self) -> Any:
        """The SENCO of large_school()."""
        from pastoral.models import User

        return User.objects.get(
            pk=self.value(
                "SELECT m.user_id FROM pastoral_membership m "
                "WHERE m.school_id = %(s)s AND m.role = 'senco' ORDER BY m.user_id LIMIT 1",
                {"s": self.large_school().pk},
            )
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
    # A list of hand-written statements sharing `params`, or a function
    # returning a list of (sql, params), are timed together, one after another
    # (a page made of several sections).
    sql: str | list[str] | Callable[[Ctx], tuple[str, Any] | list[tuple[str, Any]]]
    kwargs: Callable[[Ctx], dict[str, Any]] = lambda ctx: {}
    query: Callable[[Ctx], str] = lambda ctx: ""
    params: Callable[[Ctx], dict[str, Any]] = lambda ctx: {}
    htmx: bool = False
    admin: AdminRef | None = None
    # The target for server time / raw SQL time.
    target_ratio: float = 10.0
    notes: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    # Sign in as someone else than the demo school's `role`: (ctx) -> (user, school).
    signed_in_as: Callable[[Ctx], tuple[Any, Any]] | None = None


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


def captured(fn: Callable[[], Any]) -> list[tuple[str, Any]]:
    """The SQL a selector that returns a list runs, to run raw (no params left)."""
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        fn()
    return [(q["sql"], None) for q in queries.captured_queries]


def _board_rows_sql(scope: Any) -> list[tuple[str, Any]]:
    """What the board shows: the first page of 25 learners with every casework
    annotation, and the per-key-worker summary, both compiled by the ORM."""
    from caseload.selectors import BoardFilters, board_learners_for, board_workers_for

    return [
        compiled(board_learners_for(scope, BoardFilters())[:25]),
        *captured(lambda: board_workers_for(scope, BoardFilters())),
    ]


def _board_sql(ctx: Ctx) -> list[tuple[str, Any]]:
    return _board_rows_sql(ctx.scope("senco"))


def _large_board_sql(ctx: Ctx) -> list[tuple[str, Any]]:
    from pastoral.access import scope_for

    school = ctx.large_school()
    return _board_rows_sql(scope_for(ctx.large_senco(), school))


def _my_caseload_sql(ctx: Ctx) -> tuple[str, Any]:
    from caseload.selectors import my_caseload_for

    return compiled(my_caseload_for(ctx.scope("support"))[:50])


# The learner profile's rows, hand-written: the learner with the casework
# figures behind the RAG and "next" line (within the key worker's caseload),
# key workers, open plans with target counts, recent sessions and contacts,
# open agreed actions, parents, the year-to-date attendance figures, the newest
# concerns the worker may see, the first timeline page merged from every
# stream, and the days attendance crossed into persistent absence. Timed
# together, one statement after another.
_PROFILE_LEARNER_SQL = """
SELECT l.*, y.name, r.name, s.name,
  (SELECT min(p.next_review) FROM caseload_plan p
    WHERE p.learner_id = l.id AND p.status = 'active') AS next_review,
  (SELECT count(*) FROM caseload_plan p
    WHERE p.learner_id = l.id AND p.status IN ('draft', 'active')) AS open_plans,
  (SELECT count(*) FROM caseload_plan p WHERE p.learner_id = l.id AND p.status = 'active'
    AND p.next_review < %(today)s) AS reviews_overdue,
  (SELECT count(*) FROM caseload_plan p WHERE p.learner_id = l.id AND p.status = 'active'
    AND p.next_review BETWEEN %(today)s AND %(soon)s) AS reviews_soon,
  (SELECT count(*) FROM caseload_agreedaction a JOIN caseload_contactlog c ON c.id = a.contact_id
    WHERE c.learner_id = l.id AND a.done_on IS NULL AND a.due < %(today)s) AS actions_overdue,
  (SELECT max(c."when") FROM caseload_contactlog c WHERE c.learner_id = l.id) AS last_contact,
  (SELECT max(se.date) FROM caseload_mark m JOIN caseload_session se ON se.id = m.session_id
    WHERE m.learner_id = l.id AND m.status = 'present') AS last_session,
  (SELECT u.full_name FROM caseload_allocation a JOIN pastoral_user u ON u.id = a.worker_id
    WHERE a.learner_id = l.id AND a.kind = 'lead' AND a.start <= %(today)s
      AND (a."end" IS NULL OR a."end" >= %(today)s)
    ORDER BY a.start DESC LIMIT 1) AS lead_worker
FROM pastoral_learner l
JOIN pastoral_yeargroup y ON y.id = l.year_group_id
LEFT JOIN pastoral_reggroup r ON r.id = l.reg_group_id
JOIN pastoral_school s ON s.id = l.school_id
WHERE l.id = %(learner)s AND l.school_id = %(school)s
  AND EXISTS (SELECT 1 FROM caseload_allocation a
    WHERE a.learner_id = l.id AND a.worker_id = %(user)s AND a.school_id = %(school)s
      AND a.start <= %(today)s AND (a."end" IS NULL OR a."end" >= %(today)s))
"""

_PROFILE_SECTIONS_SQL = [
    """
SELECT a.id, a.kind, a.reason, a.start, a."end", u.full_name
FROM caseload_allocation a JOIN pastoral_user u ON u.id = a.worker_id
WHERE a.learner_id = %(learner)s ORDER BY a.start DESC, a.id DESC LIMIT 20
""",
    """
SELECT p.id, p.type, p.status, p.version, p.next_review,
       count(t.id) FILTER (WHERE NOT t.removed)
FROM caseload_plan p LEFT JOIN caseload_target t ON t.plan_id = p.id
WHERE p.learner_id = %(learner)s AND p.status IN ('draft', 'active')
GROUP BY p.id ORDER BY p.next_review, p.id
""",
    """
SELECT m.session_id, m.status, se.date, i.name
FROM caseload_mark m
JOIN caseload_session se ON se.id = m.session_id
JOIN caseload_intervention i ON i.id = se.intervention_id
WHERE m.learner_id = %(learner)s ORDER BY se.date DESC, m.session_id DESC LIMIT 5
""",
    """
SELECT c.id, c."when", c.kind, c.with_whom, c.others, pc.name, pc.relationship, ag.name,
       cu.full_name
FROM caseload_contactlog c
LEFT JOIN pastoral_contact pc ON pc.id = c.parent_id
LEFT JOIN pastoral_agency ag ON ag.id = c.agency_id
LEFT JOIN pastoral_user cu ON cu.id = c.colleague_id
WHERE c.learner_id = %(learner)s ORDER BY c."when" DESC, c.id DESC LIMIT 5
""",
    """
SELECT a.id, a.action, a.due, u.full_name
FROM caseload_agreedaction a
JOIN caseload_contactlog c ON c.id = a.contact_id
JOIN pastoral_user u ON u.id = a.owner_id
WHERE c.learner_id = %(learner)s AND a.done_on IS NULL ORDER BY a.due, a.id LIMIT 10
""",
    """
SELECT id, name, relationship, parental_responsibility, phone, notes
FROM pastoral_contact WHERE learner_id = %(learner)s ORDER BY priority, id
""",
    """
SELECT count(*) FILTER (WHERE m.code = ANY(%(possible)s)),
       count(*) FILTER (WHERE m.code = ANY(%(attending)s)),
       count(*) FILTER (WHERE m.code = ANY(%(authorised)s)),
       count(*) FILTER (WHERE m.code = ANY(%(unauthorised)s)),
       count(*) FILTER (WHERE m.code = ANY(%(late)s))
FROM attendance_mark m
WHERE m.learner_id = %(learner)s AND m.date <= %(today)s
  AND m.date >= (SELECT coalesce(max(ay.start), %(sept1)s) FROM pastoral_academicyear ay
                 WHERE ay.school_id = %(school)s AND ay.start <= %(today)s
                   AND ay."end" >= %(today)s)
""",
    """
SELECT c.id, c.occurred_at, c.level, string_agg(cat.name, ', ')
FROM safeguarding_concern c
JOIN safeguarding_concernlearner cl ON cl.concern_id = c.id AND cl.learner_id = %(learner)s
LEFT JOIN safeguarding_concern_categories cc ON cc.concern_id = c.id
LEFT JOIN safeguarding_category cat ON cat.id = cc.category_id
WHERE c.school_id = %(school)s
  AND (c.level = 'pastoral' OR c.author_id = %(user)s OR EXISTS (
    SELECT 1 FROM safeguarding_concernshare sh WHERE sh.concern_id = c.id
      AND sh.user_id = %(user)s AND sh.withdrawn_at IS NULL
      AND (sh.expires_at IS NULL OR sh.expires_at > now())))
GROUP BY c.id ORDER BY c.occurred_at DESC, c.id DESC LIMIT 5
""",
    """
WITH visible AS (
  SELECT c.id, c.occurred_at, c.description,
         c.level = 'pastoral' OR EXISTS (
           SELECT 1 FROM safeguarding_concernshare sh WHERE sh.concern_id = c.id
             AND sh.user_id = %(user)s AND sh.withdrawn_at IS NULL
             AND (sh.expires_at IS NULL OR sh.expires_at > now())) AS full_access
  FROM safeguarding_concern c
  JOIN safeguarding_concernlearner cl ON cl.concern_id = c.id AND cl.learner_id = %(learner)s
  WHERE c.school_id = %(school)s
)
SELECT * FROM (
  SELECT c."when" AS at, 'contact' AS kind, c.kind AS title, c.id AS ref,
         left(c.summary, 200) AS detail
  FROM caseload_contactlog c WHERE c.learner_id = %(learner)s
  UNION ALL
  SELECT se.date + time '09:00', 'session', i.name || ': ' || m.status, se.id, ''
  FROM caseload_mark m JOIN caseload_session se ON se.id = m.session_id
  JOIN caseload_intervention i ON i.id = se.intervention_id
  WHERE m.learner_id = %(learner)s
  UNION ALL
  SELECT v.created_at, 'plan', p.type || ': ' || v.reason, v.number, ''
  FROM caseload_planversion v JOIN caseload_plan p ON p.id = v.plan_id
  WHERE p.learner_id = %(learner)s
  UNION ALL
  SELECT a.start + time '09:00', 'allocation', a.kind || ': ' || u.full_name, a.id, a.reason
  FROM caseload_allocation a JOIN pastoral_user u ON u.id = a.worker_id
  WHERE a.learner_id = %(learner)s
  UNION ALL
  SELECT v.occurred_at, 'concern',
         (SELECT string_agg(cat.name, ', ') FROM safeguarding_concern_categories cc
          JOIN safeguarding_category cat ON cat.id = cc.category_id WHERE cc.concern_id = v.id),
         v.id, left(v.description, 300)
  FROM visible v
  UNION ALL
  SELECT e.created_at, 'concern-entry', e.kind, e.concern_id,
         left(coalesce(nullif(e.text, ''), e.reason), 300)
  FROM safeguarding_concernentry e JOIN visible v ON v.id = e.concern_id
  WHERE v.full_access OR e.author_id = %(user)s
  UNION ALL
  SELECT a.created_at, 'concern-action', a.kind, a.concern_id,
         left(coalesce(nullif(a.outcome, ''), a.details), 300)
  FROM safeguarding_concernaction a JOIN visible v ON v.id = a.concern_id
  WHERE v.full_access
  UNION ALL
  SELECT st.taken_at, 'investigation-statement', pa.part, pa.investigation_id, left(st.text, 300)
  FROM safeguarding_statement st
  JOIN safeguarding_participant pa ON pa.id = st.participant_id
  JOIN safeguarding_investigation inv ON inv.id = pa.investigation_id
  JOIN visible v ON v.id = inv.concern_id AND v.full_access
  WHERE pa.learner_id = %(learner)s
  UNION ALL
  SELECT ai.date + time '12:00', 'attendance', ai.kind, ai.id, ai.outcome
  FROM attendance_intervention ai WHERE ai.learner_id = %(learner)s
  UNION ALL
  SELECT t.start + time '12:00', 'attendance', t.target_percent::text, t.id, ''
  FROM attendance_target t WHERE t.learner_id = %(learner)s
  UNION ALL
  SELECT tr.reviewed_on + time '12:00', 'attendance', tr.outcome, tr.id, tr.notes
  FROM attendance_targetreview tr JOIN attendance_target t ON t.id = tr.target_id
  WHERE t.learner_id = %(learner)s
  UNION ALL
  SELECT ie.occurred_at, 'imported-' || ie.kind, ie.title || ' (' || b.origin_school || ')',
         ie.id, ie.body
  FROM reports_importedentry ie JOIN reports_importedbundle b ON b.id = ie.bundle_id
  WHERE ie.learner_id = %(learner)s AND ie.level = 'pastoral'
) timeline ORDER BY at DESC LIMIT 26
""",
    """
WITH daily AS (
  SELECT date, count(*) FILTER (WHERE code = ANY(%(possible)s)) AS possible,
         count(*) FILTER (WHERE code = ANY(%(absent)s)) AS absent
  FROM attendance_mark WHERE learner_id = %(learner)s AND date BETWEEN %(start)s AND %(today)s
  GROUP BY date
), flagged AS (
  SELECT date, sum(possible) OVER w >= %(pa_min)s
           AND sum(absent) OVER w * 100 >= %(pa_pct)s * sum(possible) OVER w AS pa
  FROM daily WINDOW w AS (ORDER BY date)
)
SELECT date FROM (SELECT date, pa, lag(pa, 1, false) OVER (ORDER BY date) AS was FROM flagged) x
WHERE pa AND NOT was ORDER BY date
""",
]


def _profile_params(ctx: Ctx) -> dict[str, Any]:
    import datetime as dt

    from django.utils import timezone

    from attendance import codes, selectors

    today = timezone.localdate()
    start, _ = selectors.default_range(ctx.school, None, None)
    params = {
        "learner": ctx.caseload_learner(),
        "school": ctx.school.pk,
        "user": ctx.users["support"].pk,
        "today": today,
        "soon": today + dt.timedelta(days=14),
        "sept1": dt.date(today.year if today.month >= 9 else today.year - 1, 9, 1),
        "start": start,
        "possible": list(codes.POSSIBLE_CODES),
        "attending": list(codes.ATTENDING_CODES),
        "authorised": list(codes.AUTHORISED_CODES),
        "unauthorised": list(codes.UNAUTHORISED_CODES),
        "absent": list(codes.ABSENT_CODES),
        "late": list(codes.LATE_CODES),
        "pa_min": selectors.PA_CROSSING_MIN_SESSIONS,
        "pa_pct": codes.PERSISTENT_ABSENCE_PERCENT,
    }
    return params


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
        notes="raw = the board's first page of learners and its key-worker summary, "
        "compiled by the ORM",
    ),
    Page(
        "Caseload board, first page, 1,800 learners / 40 key workers (SENCO)",
        "caseload:board",
        "senco",
        _large_board_sql,
        signed_in_as=lambda ctx: (ctx.large_senco(), ctx.large_school()),
        notes="at the trust's largest secondary; raw = the board's first page of learners "
        "and its key-worker summary, compiled by the ORM",
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
        [_PROFILE_LEARNER_SQL, *_PROFILE_SECTIONS_SQL],
        kwargs=lambda ctx: {"pk": ctx.caseload_learner()},
        params=_profile_params,
    ),
]


# The rows a DSL's concern list shows, hand-written: one page (25, as the page)
# of concerns with author and owner names, each row's learners with their year
# and its categories, and the counts above the list. `{where}` narrows it.
_CONCERN_PAGE_SQL = """
WITH page AS (
    SELECT c.id, c.submitted_at, c.level, c.status, c.due_date,
           a.full_name AS author, o.full_name AS owner, {order_key} AS order_key
    FROM safeguarding_concern c
    JOIN pastoral_user a ON a.id = c.author_id
    LEFT JOIN pastoral_user o ON o.id = c.owner_id
    WHERE c.school_id = %(school)s AND {where}
    ORDER BY {order}
    LIMIT 25
)
SELECT p.*,
       (SELECT string_agg(l.legal_first_name || ' ' || l.legal_last_name || ' (' || y.name || ')',
                          ', ' ORDER BY l.legal_last_name, l.legal_first_name)
        FROM safeguarding_concernlearner cl
        JOIN pastoral_learner l ON l.id = cl.learner_id
        JOIN pastoral_yeargroup y ON y.id = l.year_group_id
        WHERE cl.concern_id = p.id) AS learners,
       (SELECT string_agg(k.name, ', ' ORDER BY k."order", k.name)
        FROM safeguarding_concern_categories cc
        JOIN safeguarding_category k ON k.id = cc.category_id
        WHERE cc.concern_id = p.id) AS categories,
       counts.*
FROM page p,
     (SELECT {counts} FROM safeguarding_concern c
      WHERE c.school_id = %(school)s AND {count_where}) AS counts
ORDER BY {order}
"""

_INBOX_SQL = _CONCERN_PAGE_SQL.format(
    where="c.status <> 'closed'",
    order_key="CASE WHEN c.status = 'new' THEN 0 ELSE 1 END",
    order="order_key, submitted_at, id",
    count_where="true",
    counts=(
        "count(*) FILTER (WHERE c.status = 'new') AS untriaged, "
        "count(*) FILTER (WHERE c.status = 'open') AS open, "
        "count(*) FILTER (WHERE c.status <> 'closed' AND c.due_date < current_date) AS overdue, "
        "count(*) FILTER (WHERE c.status <> 'closed') AS total"
    ),
)

# The same expression as the search (and its GIN index on PostgreSQL).
_CONCERN_TEXT = (
    "to_tsvector('english'::regconfig, COALESCE(c.description, '') || ' ' || "
    "COALESCE(c.action_taken, '') || ' ' || COALESCE(c.location, '') || ' ' || "
    "COALESCE(c.next_action, ''))"
)
_MATCH = f"{_CONCERN_TEXT} @@ websearch_to_tsquery('english'::regconfig, %(q)s)"
_SEARCH_CONCERNS_SQL = _CONCERN_PAGE_SQL.format(
    where=_MATCH,
    order_key="0",
    order="submitted_at DESC, id DESC",
    count_where=_MATCH,
    counts="count(*) AS total",
)


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
        _INBOX_SQL,
        params=lambda ctx: {"school": ctx.school.pk},
        notes="raw = one page of concerns with their learners, categories and the counts",
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
        _SEARCH_CONCERNS_SQL,
        params=lambda ctx: {"school": ctx.school.pk, "q": "home"},
        query=lambda ctx: "q=home",
        notes="raw = one page of matches with their learners, categories and the total",
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
