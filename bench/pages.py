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

    @classmethod
    def of(cls, school: Any, users: dict[str, Any], year9: Any) -> Ctx:
        """A context over any school (the floors' test builds a small one)."""
        ctx = cls.__new__(cls)
        ctx.school, ctx.users, ctx.year9, ctx._cache = school, users, year9, {}
        return ctx

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
    # Hand-written PostgreSQL (with %(name)s params from `params`): the rows and
    # columns the page renders. A list of statements sharing `params` is timed
    # together, one after another (a page made of several sections). A function
    # (ctx) -> (sql, params) or a list of them is still accepted (bench/run.py
    # marks it †, "compiled by the ORM"), but every page here is hand-written:
    # tests/bench/test_floors.py checks each floor against its page.
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


# Every floor below is hand-written PostgreSQL SQL (never the ORM's own
# compiled query): the rows and columns the page renders, the same page size,
# order and visibility rules for the page's role. tests/bench/test_floors.py
# compares each floor's rows with what the page shows.

# How a learner's name is shown (Learner.first_name / last_name: the preferred
# name where one is set, else the legal one).
_FIRST = "coalesce(nullif(l.preferred_first_name, ''), l.legal_first_name)"
_LAST = "coalesce(nullif(l.preferred_last_name, ''), l.legal_last_name)"

# The header every signed-in page draws: the person's name, their schools for
# the switcher (by name) and their roles in each (the current school's label).
_HOME_SQL = """
SELECT s.id, s.name, u.full_name, string_agg(m.role, ',' ORDER BY m.role) AS roles
FROM pastoral_membership m
JOIN pastoral_school s ON s.id = m.school_id
JOIN pastoral_user u ON u.id = m.user_id
WHERE m.user_id = %(user)s
GROUP BY s.id, s.name, u.full_name
ORDER BY s.name, s.id
"""

# The directory (staff): one page of 50 learners, name as shown, UPN, year and
# reg group, plus the total for the paginator. Staff see no flags.
_DIRECTORY_SQL = f"""
SELECT l.id, {_LAST} AS last_name, {_FIRST} AS first_name, l.upn, y.name AS year, r.name AS reg,
       (SELECT count(*) FROM pastoral_learner c WHERE c.school_id = %(school)s) AS total
FROM pastoral_learner l
JOIN pastoral_yeargroup y ON y.id = l.year_group_id
LEFT JOIN pastoral_reggroup r ON r.id = l.reg_group_id
WHERE l.school_id = %(school)s
ORDER BY l.legal_last_name, l.legal_first_name, l.id
LIMIT 50
"""  # noqa: S608 (our own constants)

# The SENCO's filtered directory: the same columns plus the flags the SENCO
# sees (every learner of the school is in a SENCO's case scope).
_FILTERED_SQL = f"""
SELECT l.id, {_LAST} AS last_name, {_FIRST} AS first_name, l.upn, y.name AS year, r.name AS reg,
       l.sen_status, l.pupil_premium, l.eal, l.looked_after, l.cp_status,
       (SELECT count(*) FROM pastoral_learner c
        WHERE c.school_id = %(school)s AND c.year_group_id = %(year)s AND c.pupil_premium) AS total
FROM pastoral_learner l
JOIN pastoral_yeargroup y ON y.id = l.year_group_id
LEFT JOIN pastoral_reggroup r ON r.id = l.reg_group_id
WHERE l.school_id = %(school)s AND l.year_group_id = %(year)s AND l.pupil_premium
ORDER BY l.legal_last_name, l.legal_first_name, l.id
LIMIT 50
"""  # noqa: S608

# The quick search: the first 10 matches, name as shown, year, reg group, UPN.
_SEARCH_SQL = f"""
SELECT l.id, {_FIRST} || ' ' || {_LAST} AS display_name, y.name AS year, r.name AS reg, l.upn
FROM pastoral_learner l
JOIN pastoral_yeargroup y ON y.id = l.year_group_id
LEFT JOIN pastoral_reggroup r ON r.id = l.reg_group_id
WHERE l.school_id = %(school)s AND l.search_text LIKE %(term)s
ORDER BY l.legal_last_name, l.legal_first_name, l.id
LIMIT 10
"""  # noqa: S608

# The directory card (staff): the learner's names, year, reg group and UPN.
# A member of staff has no case scope, so no case links and no parents.
_DETAIL_SQL = f"""
SELECT l.id, {_FIRST} || ' ' || {_LAST} AS display_name, l.legal_first_name,
       l.legal_last_name, y.name AS year, r.name AS reg, l.upn
FROM pastoral_learner l
JOIN pastoral_yeargroup y ON y.id = l.year_group_id
LEFT JOIN pastoral_reggroup r ON r.id = l.reg_group_id
WHERE l.id = %(learner)s AND l.school_id = %(school)s
"""  # noqa: S608


def _school(ctx: Ctx) -> dict[str, Any]:
    return {"school": ctx.school.pk}


# The casework behind the caseload board and "my caseload" (the figures of
# caseload.selectors.casework, written out): per learner the earliest active
# review, open plans, reviews overdue and due soon, agreed actions overdue, the
# last contact and attended session, the lead key worker and the first day on a
# caseload, then the urgency (0 most urgent) that orders the list and gives the
# RAG rating. `{learners}` is a statement of learner ids; `{extra}` more columns.
_CASEWORK_SQL = """
WITH cur AS (
  SELECT a.learner_id, a.worker_id, a.kind, a.start FROM caseload_allocation a
  WHERE a.start <= %(today)s AND (a."end" IS NULL OR a."end" >= %(today)s)
), base AS (
  SELECT l.id, {last} AS last_name, {first} AS first_name, l.legal_last_name,
         l.sen_status, l.pupil_premium, l.eal, l.looked_after, l.cp_status, y.name AS year,
         (SELECT min(p.next_review) FROM caseload_plan p
           WHERE p.learner_id = l.id AND p.status = 'active') AS next_review,
         (SELECT count(*) FROM caseload_plan p
           WHERE p.learner_id = l.id AND p.status IN ('draft', 'active')) AS open_plans,
         (SELECT count(*) FROM caseload_plan p WHERE p.learner_id = l.id
           AND p.status = 'active' AND p.next_review < %(today)s) AS reviews_overdue,
         (SELECT count(*) FROM caseload_plan p WHERE p.learner_id = l.id
           AND p.status = 'active' AND p.next_review BETWEEN %(today)s AND %(soon)s) AS reviews_soon,
         (SELECT count(*) FROM caseload_agreedaction aa
           JOIN caseload_contactlog c ON c.id = aa.contact_id
           WHERE c.learner_id = l.id AND aa.done_on IS NULL AND aa.due < %(today)s) AS actions_overdue,
         (SELECT max(c."when") FROM caseload_contactlog c WHERE c.learner_id = l.id) AS last_contact_at,
         (SELECT max(se.date) FROM caseload_mark m JOIN caseload_session se ON se.id = m.session_id
           WHERE m.learner_id = l.id AND m.status = 'present') AS last_session_on,
         (SELECT u.full_name FROM cur JOIN pastoral_user u ON u.id = cur.worker_id
           WHERE cur.learner_id = l.id AND cur.kind = 'lead'
           ORDER BY cur.start DESC LIMIT 1) AS lead_worker,
         (SELECT min(cur.start) FROM cur WHERE cur.learner_id = l.id) AS allocated_since
         {extra}
  FROM pastoral_learner l
  JOIN pastoral_yeargroup y ON y.id = l.year_group_id
  WHERE l.school_id = %(school)s AND l.id IN ({learners})
), rated AS (
  SELECT base.*,
    CASE
      WHEN reviews_overdue > 0 OR actions_overdue > 0 THEN 0
      WHEN (last_contact_at IS NULL OR last_contact_at < %(red_since)s)
       AND (last_session_on IS NULL OR last_session_on < %(red_day)s)
       AND (allocated_since IS NULL OR allocated_since <= %(red_settled)s) THEN 1
      WHEN reviews_soon > 0 THEN 2
      WHEN (last_contact_at IS NULL OR last_contact_at < %(amber_since)s)
       AND (last_session_on IS NULL OR last_session_on < %(amber_day)s)
       AND (allocated_since IS NULL OR allocated_since <= %(amber_settled)s) THEN 3
      WHEN (last_contact_at IS NULL OR last_contact_at < %(amber_since)s)
       AND (last_session_on IS NULL OR last_session_on < %(amber_day)s) THEN 4
      WHEN open_plans = 0 THEN 5
      ELSE 6
    END AS urgency
  FROM base
)
SELECT rated.*, (SELECT count(*) FROM rated) AS total FROM rated
ORDER BY urgency, next_review NULLS LAST, legal_last_name, id
LIMIT 25
"""


def _casework_sql(learners: str, extra: str = "") -> str:
    return _CASEWORK_SQL.format(last=_LAST, first=_FIRST, learners=learners, extra=extra)


def _casework_params(school_id: int, **extra: Any) -> dict[str, Any]:
    import datetime as dt

    from django.utils import timezone

    from caseload.selectors.casework import (
        CONTACT_AMBER_DAYS,
        CONTACT_RED_DAYS,
        REVIEW_SOON_DAYS,
    )

    today = timezone.localdate()
    now = timezone.now()
    red_since = now - dt.timedelta(days=CONTACT_RED_DAYS)
    amber_since = now - dt.timedelta(days=CONTACT_AMBER_DAYS)
    return {
        "school": school_id,
        "today": today,
        "soon": today + dt.timedelta(days=REVIEW_SOON_DAYS),
        "red_since": red_since,
        "red_day": red_since.date(),
        "red_settled": today - dt.timedelta(days=CONTACT_RED_DAYS),
        "amber_since": amber_since,
        "amber_day": amber_since.date(),
        "amber_settled": today - dt.timedelta(days=CONTACT_AMBER_DAYS),
        **extra,
    }


# The board (SENCO: every allocated learner of the school): the first page of
# 25 learners with their casework, and the key-worker summary over the same
# learners: learners, as lead, open plans, reviews due soon and overdue, last contact.
_BOARD_LEARNERS_SQL = _casework_sql("SELECT learner_id FROM cur")
_BOARD_WORKERS_SQL = """
WITH cur AS (
  SELECT a.learner_id, a.worker_id, a.kind FROM caseload_allocation a
  JOIN pastoral_learner l ON l.id = a.learner_id AND l.school_id = %(school)s
  WHERE a.start <= %(today)s AND (a."end" IS NULL OR a."end" >= %(today)s)
), mine AS (
  SELECT worker_id, learner_id, bool_or(kind = 'lead') AS lead FROM cur
  GROUP BY worker_id, learner_id
), plans AS (
  SELECT p.learner_id,
         count(*) FILTER (WHERE p.status IN ('draft', 'active')) AS open_plans,
         count(*) FILTER (WHERE p.status = 'active'
                          AND p.next_review BETWEEN %(today)s AND %(soon)s) AS soon,
         count(*) FILTER (WHERE p.status = 'active' AND p.next_review < %(today)s) AS overdue
  FROM caseload_plan p WHERE p.learner_id IN (SELECT learner_id FROM cur)
  GROUP BY p.learner_id
), contacts AS (
  SELECT c.learner_id, max(c."when") AS last_contact FROM caseload_contactlog c
  WHERE c.learner_id IN (SELECT learner_id FROM cur) GROUP BY c.learner_id
)
SELECT mine.worker_id, u.full_name, count(*) AS learners, count(*) FILTER (WHERE mine.lead) AS leads,
       coalesce(sum(plans.open_plans), 0) AS open_plans, coalesce(sum(plans.soon), 0) AS reviews_soon,
       coalesce(sum(plans.overdue), 0) AS reviews_overdue, max(contacts.last_contact) AS last_contact
FROM mine
JOIN pastoral_user u ON u.id = mine.worker_id
LEFT JOIN plans ON plans.learner_id = mine.learner_id
LEFT JOIN contacts ON contacts.learner_id = mine.learner_id
GROUP BY mine.worker_id, u.full_name
ORDER BY u.full_name, mine.worker_id
"""


def _board_params(ctx: Ctx) -> dict[str, Any]:
    return _casework_params(ctx.school.pk)


def _large_board_params(ctx: Ctx) -> dict[str, Any]:
    return _casework_params(ctx.large_school().pk)


# My caseload (key worker): the worker's own learners today, 25 a page, with
# the same casework, their flags and the worker's part (lead before supporting).
_MY_CASELOAD_SQL = _casework_sql(
    "SELECT learner_id FROM cur WHERE worker_id = %(user)s",
    extra=", (SELECT min(cur.kind) FROM cur WHERE cur.learner_id = l.id "
    "AND cur.worker_id = %(user)s) AS my_kind",
)
_MY_CASELOAD_SQL = _MY_CASELOAD_SQL.replace(
    "  WHERE a.start <= %(today)s", "  WHERE a.school_id = %(school)s AND a.start <= %(today)s", 1
)


def _my_caseload_params(ctx: Ctx) -> dict[str, Any]:
    return _casework_params(ctx.school.pk, user=ctx.users["support"].pk)


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
  SELECT * FROM (
    SELECT c.id, c.occurred_at, c.description, c.author_id,
           c.level = 'pastoral' OR EXISTS (
             SELECT 1 FROM safeguarding_concernshare sh WHERE sh.concern_id = c.id
               AND sh.user_id = %(user)s AND sh.withdrawn_at IS NULL
               AND (sh.expires_at IS NULL OR sh.expires_at > now())) AS full_access
    FROM safeguarding_concern c
    JOIN safeguarding_concernlearner cl ON cl.concern_id = c.id AND cl.learner_id = %(learner)s
    WHERE c.school_id = %(school)s
  ) x WHERE full_access OR author_id = %(user)s
)
SELECT * FROM (
  SELECT c."when" AS at, 'contact' AS kind, c.kind AS title, c.id AS ref,
         left(c.summary, 200) AS detail
  FROM caseload_contactlog c WHERE c.learner_id = %(learner)s
  UNION ALL
  SELECT (se.date + time '09:00') AT TIME ZONE %(tz)s, 'session', i.name || ': ' || m.status, se.id, ''
  FROM caseload_mark m JOIN caseload_session se ON se.id = m.session_id
  JOIN caseload_intervention i ON i.id = se.intervention_id
  WHERE m.learner_id = %(learner)s
  UNION ALL
  SELECT v.created_at, 'plan', p.type || ': ' || v.reason, v.number, ''
  FROM caseload_planversion v JOIN caseload_plan p ON p.id = v.plan_id
  WHERE p.learner_id = %(learner)s
  UNION ALL
  SELECT (a.start + time '09:00') AT TIME ZONE %(tz)s, 'allocation', a.kind || ': ' || u.full_name, a.id, a.reason
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
  WHERE v.full_access OR (e.author_id = %(user)s AND e.kind IN ('follow_up', 'correction'))
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
  SELECT coalesce(pa.outcome_at, inv.opened_at), 'investigation-outcome', pa.part,
         pa.investigation_id, left(pa.outcome, 300)
  FROM safeguarding_participant pa
  JOIN safeguarding_investigation inv ON inv.id = pa.investigation_id
  JOIN visible v ON v.id = inv.concern_id AND v.full_access
  WHERE pa.learner_id = %(learner)s AND pa.outcome <> ''
  UNION ALL
  SELECT d.made_at, 'concern-decision', d.kind, d.concern_id,
         left(d.decision || ' ' || d.rationale, 300)
  FROM safeguarding_concerndecision d JOIN visible v ON v.id = d.concern_id
  WHERE v.full_access
  UNION ALL
  SELECT b.occurred_at, 'behaviour', bt.name || ' ' || b.points, b.id, left(b.note, 200)
  FROM behaviour_incident b JOIN behaviour_behaviourtype bt ON bt.id = b.type_id
  WHERE b.learner_id = %(learner)s AND EXISTS (
    SELECT 1 FROM pastoral_learner bl JOIN pastoral_reggroup br ON br.id = bl.reg_group_id
    WHERE bl.id = %(learner)s AND br.tutor_id = %(user)s)
  UNION ALL
  SELECT (ai.date + time '12:00') AT TIME ZONE %(tz)s, 'attendance', ai.kind, ai.id, ai.outcome
  FROM attendance_intervention ai WHERE ai.learner_id = %(learner)s
  UNION ALL
  SELECT (t.start + time '12:00') AT TIME ZONE %(tz)s, 'attendance', t.target_percent::text, t.id, ''
  FROM attendance_target t WHERE t.learner_id = %(learner)s
  UNION ALL
  SELECT (tr.reviewed_on + time '12:00') AT TIME ZONE %(tz)s, 'attendance', tr.outcome, tr.id, tr.notes
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

    from django.conf import settings
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
        "tz": settings.TIME_ZONE,
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
        [_BOARD_LEARNERS_SQL, _BOARD_WORKERS_SQL],
        params=_board_params,
        notes="raw = the board's first page of learners with their casework and the "
        "key-worker summary",
    ),
    Page(
        "Caseload board, first page, 1,800 learners / 40 key workers (SENCO)",
        "caseload:board",
        "senco",
        [_BOARD_LEARNERS_SQL, _BOARD_WORKERS_SQL],
        params=_large_board_params,
        signed_in_as=lambda ctx: (ctx.large_senco(), ctx.large_school()),
        notes="at the trust's largest secondary; raw = the board's first page of learners "
        "with their casework and the key-worker summary",
    ),
    Page(
        "My caseload (key worker)",
        "caseload:mine",
        "support",
        _MY_CASELOAD_SQL,
        params=_my_caseload_params,
        notes="raw = the key worker's first page of learners with their casework",
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
# of concerns with level, status, owner, due date, when logged and by whom, each
# row's learners (name as shown, with their year, by legal surname) and its
# categories (in the school's order), plus the total for the paginator and the
# counts above the list. `{where}` narrows it, `{order}` orders it.
_CONCERN_PAGE_SQL = """
WITH matching AS (
    SELECT c.id, c.submitted_at, c.level, c.status, c.due_date, c.author_id, c.owner_id,
           {order_key} AS order_key
    FROM safeguarding_concern c
    WHERE c.school_id = %(school)s AND {where}
), page AS (
    SELECT * FROM matching ORDER BY {order} LIMIT 25
)
SELECT p.id, p.submitted_at, p.level, p.status, p.due_date, p.order_key,
       a.full_name AS author, o.full_name AS owner,
       (SELECT string_agg({first} || ' ' || {last} || ' (' || y.name || ')', ', '
                          ORDER BY l.legal_last_name, l.legal_first_name)
        FROM safeguarding_concernlearner cl
        JOIN pastoral_learner l ON l.id = cl.learner_id
        JOIN pastoral_yeargroup y ON y.id = l.year_group_id
        WHERE cl.concern_id = p.id) AS learners,
       (SELECT string_agg(k.name, ', ' ORDER BY k."order", k.name)
        FROM safeguarding_concern_categories cc
        JOIN safeguarding_category k ON k.id = cc.category_id
        WHERE cc.concern_id = p.id) AS categories,
       (SELECT count(*) FROM matching) AS total,
       counts.*
FROM page p
JOIN pastoral_user a ON a.id = p.author_id
LEFT JOIN pastoral_user o ON o.id = p.owner_id,
     (SELECT {counts} FROM safeguarding_concern c WHERE c.school_id = %(school)s) AS counts
ORDER BY {order}
"""

# The inbox: every concern not closed, most urgent first (untriaged restricted,
# untriaged, past due, with a due date, the rest; then by due date, oldest first).
_INBOX_SQL = _CONCERN_PAGE_SQL.format(
    where="c.status <> 'closed'",
    order_key=(
        "CASE WHEN c.status = 'new' AND c.level = 'restricted' THEN 0 "
        "WHEN c.status = 'new' THEN 1 WHEN c.due_date < %(today)s THEN 2 "
        "WHEN c.due_date IS NOT NULL THEN 3 ELSE 4 END"
    ),
    order="order_key, due_date NULLS LAST, submitted_at, id",
    first=_FIRST,
    last=_LAST,
    counts=(
        "count(*) FILTER (WHERE c.status = 'new') AS untriaged, "
        "count(*) FILTER (WHERE c.status = 'open') AS open, "
        "count(*) FILTER (WHERE c.status <> 'closed' AND c.due_date < %(today)s) AS overdue, "
        "count(*) FILTER (WHERE c.status <> 'closed' AND c.owner_id = %(user)s) AS mine"
    ),
)

# The same expression as the search (and its GIN index on PostgreSQL).
_CONCERN_TEXT = (
    "to_tsvector('english'::regconfig, COALESCE(c.description, '') || ' ' || "
    "COALESCE(c.action_taken, '') || ' ' || COALESCE(c.location, '') || ' ' || "
    "COALESCE(c.next_action, ''))"
)
_MATCH = f"{_CONCERN_TEXT} @@ websearch_to_tsquery('english'::regconfig, %(q)s)"
# The search: matches newest first, with the same columns (no counts above it).
_SEARCH_CONCERNS_SQL = _CONCERN_PAGE_SQL.format(
    where=_MATCH,
    order_key="0",
    order="submitted_at DESC, id DESC",
    first=_FIRST,
    last=_LAST,
    counts="0 AS none",
).replace(
    "(SELECT 0 AS none FROM safeguarding_concern c WHERE c.school_id = %(school)s)",
    "(SELECT 0 AS none)",
)


def _concern_params(ctx: Ctx, **extra: Any) -> dict[str, Any]:
    from django.utils import timezone

    return {
        "school": ctx.school.pk,
        "user": ctx.users["dsl"].pk,
        "today": timezone.localdate(),
        **extra,
    }


# The chronology as a DSL sees it (every concern about the learner, in full):
# one page (25) of the merged timeline, newest first: each concern (with this
# learner's role and categories: their own where a DSL set them, else the
# concern's; its correction notes), every entry of those concerns (its number in
# the concern's record, kind, author, text or reason, correction notes), every
# action and decision, and this learner's investigation statements and outcome;
# plus the total for the paginator.
_CHRONOLOGY_SQL = """
WITH about AS (
  SELECT cl.id AS link_id, cl.concern_id, cl.role, c.occurred_at, c.level, c.description
  FROM safeguarding_concernlearner cl
  JOIN safeguarding_concern c ON c.id = cl.concern_id
  WHERE cl.learner_id = %(learner)s AND c.school_id = %(school)s
), entries AS (
  SELECT e.id, e.concern_id, e.created_at, e.kind, e.text, e.reason, e.author_id,
         e.corrects_id, e.corrects_original, e.body_map,
         row_number() OVER (PARTITION BY e.concern_id ORDER BY e.id) AS number
  FROM safeguarding_concernentry e WHERE e.concern_id IN (SELECT concern_id FROM about)
), corrections AS (
  SELECT e.concern_id, e.corrects_id, e.corrects_original,
         string_agg(e.number || ' ' || e.created_at || ' ' || e.body_map::text, '; '
                    ORDER BY e.id) AS notes
  FROM entries e WHERE e.kind = 'correction'
  GROUP BY e.concern_id, e.corrects_id, e.corrects_original
), timeline AS (
  SELECT a.occurred_at AS at, 'concern' AS kind, a.concern_id, a.level, a.role AS title,
         coalesce(
           (SELECT string_agg(k.name, ', ' ORDER BY k."order", k.name)
            FROM safeguarding_concernlearner_categories lc
            JOIN safeguarding_category k ON k.id = lc.category_id
            WHERE lc.concernlearner_id = a.link_id),
           (SELECT string_agg(k.name, ', ' ORDER BY k."order", k.name)
            FROM safeguarding_concern_categories cc
            JOIN safeguarding_category k ON k.id = cc.category_id
            WHERE cc.concern_id = a.concern_id)) AS extra,
         left(a.description, 300) AS detail,
         (SELECT n.notes FROM corrections n
          WHERE n.concern_id = a.concern_id AND n.corrects_original) AS notes
  FROM about a
  UNION ALL
  SELECT e.created_at, 'concern-entry', e.concern_id, a.level, e.number || ' ' || e.kind,
         coalesce(nullif(u.full_name, ''), u.email),
         left(coalesce(nullif(e.text, ''), e.reason), 300),
         (SELECT n.notes FROM corrections n WHERE n.corrects_id = e.id AND NOT n.corrects_original)
  FROM entries e JOIN about a ON a.concern_id = e.concern_id
  JOIN pastoral_user u ON u.id = e.author_id
  UNION ALL
  SELECT x.created_at, 'concern-action', x.concern_id, a.level, x.kind, '',
         left(coalesce(nullif(x.outcome, ''), x.details), 300), NULL
  FROM safeguarding_concernaction x JOIN about a ON a.concern_id = x.concern_id
  UNION ALL
  SELECT d.made_at, 'concern-decision', d.concern_id, a.level, d.kind, d.rationale,
         left(d.decision, 300), NULL
  FROM safeguarding_concerndecision d JOIN about a ON a.concern_id = d.concern_id
  UNION ALL
  SELECT st.taken_at, 'investigation-statement', c.id, c.level, pa.part, pa.investigation_id::text,
         left(st.text, 300), NULL
  FROM safeguarding_participant pa
  JOIN safeguarding_investigation inv ON inv.id = pa.investigation_id
  JOIN safeguarding_concern c ON c.id = inv.concern_id AND c.school_id = %(school)s
  JOIN safeguarding_statement st ON st.participant_id = pa.id
  WHERE pa.learner_id = %(learner)s
  UNION ALL
  SELECT coalesce(pa.outcome_at, inv.opened_at), 'investigation-outcome', c.id, c.level, pa.part,
         pa.investigation_id::text, left(pa.outcome, 300), NULL
  FROM safeguarding_participant pa
  JOIN safeguarding_investigation inv ON inv.id = pa.investigation_id
  JOIN safeguarding_concern c ON c.id = inv.concern_id AND c.school_id = %(school)s
  WHERE pa.learner_id = %(learner)s AND pa.outcome <> ''
)
SELECT t.*, count(*) OVER () AS total FROM timeline t ORDER BY t.at DESC LIMIT 25
"""

PAGES += [
    Page(
        "DSL inbox, first page (DSL)",
        "safeguarding:inbox",
        "dsl",
        _INBOX_SQL,
        params=lambda ctx: _concern_params(ctx),
        notes="raw = one page of concerns in the inbox's order with their learners, "
        "categories, owner and author, the total and the four counts",
    ),
    Page(
        "Chronology of a learner with 200 concerns (DSL)",
        "safeguarding:learner-chronology",
        "dsl",
        _CHRONOLOGY_SQL,
        kwargs=lambda ctx: {"pk": ctx.learner_in_year9()},
        params=lambda ctx: {"school": ctx.school.pk, "learner": ctx.learner_in_year9()},
        notes="raw = the first page of the merged timeline: concerns with this learner's "
        "role and categories, entries with their numbers, authors and corrections, actions, "
        "decisions and investigation parts, and the total",
    ),
    Page(
        "Concern search 'home' (DSL)",
        "safeguarding:concern-list",
        "dsl",
        _SEARCH_CONCERNS_SQL,
        params=lambda ctx: _concern_params(ctx, q="home"),
        query=lambda ctx: "q=home",
        notes="raw = one page of matches with their learners, categories, owner, author "
        "and the total",
    ),
]

# The attendance dashboard as a head of year sees it (their years' learners):
# per learner the range's figures (one pass over the marks, each figure a count
# of the codes in its set) and the last 4 weeks against the weeks before; then
# every table and list of the page, as one statement of tagged rows: the year
# groups (learners, percentages, lates, PA and SA counts), the registration
# groups (learners with marks), the cohorts (all, SEN, EHCP, PP, EAL, CLA,
# CP/CIN), the first 10 learners in severe and in persistent absence (lowest
# attendance first) and with the biggest falls, each with name, year and reg
# group, the first 10 below their attendance target, and the part-time counts.
_ATTENDANCE_SQL = f"""
WITH l AS (
  SELECT l.id, {_FIRST} || ' ' || {_LAST} AS display_name, l.year_group_id, l.reg_group_id,
         y.name AS year_name, y.number AS year_number, r.name AS reg_name,
         l.sen_status IN ('K', 'E') AS c_sen, l.sen_status = 'E' AS c_ehcp,
         l.pupil_premium AS c_pp, l.eal AS c_eal, l.looked_after AS c_cla,
         l.cp_status IN ('CP', 'CIN') AS c_cp_cin
  FROM pastoral_learner l
  JOIN pastoral_yeargroup y ON y.id = l.year_group_id
  LEFT JOIN pastoral_reggroup r ON r.id = l.reg_group_id
  WHERE l.school_id = %(school)s AND l.year_group_id IN (
    SELECT my.yeargroup_id FROM pastoral_membership_year_groups my
    JOIN pastoral_membership m ON m.id = my.membership_id
    WHERE m.user_id = %(user)s AND m.school_id = %(school)s AND m.role = 'hoy')
), m AS (
  SELECT mk.learner_id,
         count(*) FILTER (WHERE mk.code = ANY(%(possible)s)) AS possible,
         count(*) FILTER (WHERE mk.code = ANY(%(attending)s)) AS attending,
         count(*) FILTER (WHERE mk.code = ANY(%(authorised)s)) AS authorised,
         count(*) FILTER (WHERE mk.code = ANY(%(unauthorised)s)) AS unauthorised,
         count(*) FILTER (WHERE mk.code = ANY(%(late)s)) AS lates,
         count(*) FILTER (WHERE mk.date >= %(window)s AND mk.code = ANY(%(possible)s)) AS rp,
         count(*) FILTER (WHERE mk.date >= %(window)s AND mk.code = ANY(%(attending)s)) AS ra,
         count(*) FILTER (WHERE mk.date < %(window)s AND mk.code = ANY(%(possible)s)) AS bp,
         count(*) FILTER (WHERE mk.date < %(window)s AND mk.code = ANY(%(attending)s)) AS ba
  FROM attendance_mark mk
  WHERE mk.school_id = %(school)s AND mk.date BETWEEN %(start)s AND %(end)s
    AND mk.learner_id IN (SELECT id FROM l)
  GROUP BY mk.learner_id
), s AS (
  SELECT l.*, m.learner_id IS NOT NULL AS has_marks,
         coalesce(m.possible, 0) AS possible, coalesce(m.attending, 0) AS attending,
         coalesce(m.authorised, 0) AS authorised, coalesce(m.unauthorised, 0) AS unauthorised,
         coalesce(m.lates, 0) AS lates,
         coalesce(m.possible, 0) > 0 AND (m.authorised + m.unauthorised) * 100
           >= m.possible * %(pa_pct)s AS pa,
         coalesce(m.possible, 0) > 0 AND (m.authorised + m.unauthorised) * 100
           >= m.possible * %(sa_pct)s AS sa,
         m.attending * 100.0 / nullif(m.possible, 0) AS attendance_pct,
         m.unauthorised * 100.0 / nullif(m.possible, 0) AS unauthorised_pct,
         m.ba * 100.0 / nullif(m.bp, 0) - m.ra * 100.0 / nullif(m.rp, 0) AS fall
  FROM l LEFT JOIN m ON m.learner_id = l.id
)
SELECT 'year' AS kind, year_number AS sort, year_name AS label, count(*) AS learners,
       sum(possible) AS possible, sum(attending) AS attending, sum(authorised) AS authorised,
       sum(unauthorised) AS unauthorised, sum(lates) AS lates,
       count(*) FILTER (WHERE pa) AS pa, count(*) FILTER (WHERE sa) AS sa, NULL::float AS pct
FROM s GROUP BY year_number, year_name
UNION ALL
SELECT 'reg', year_number, reg_name, count(*), sum(possible), sum(attending), sum(authorised),
       sum(unauthorised), sum(lates), count(*) FILTER (WHERE pa), count(*) FILTER (WHERE sa), NULL
FROM s WHERE has_marks AND reg_group_id IS NOT NULL GROUP BY year_number, reg_group_id, reg_name
UNION ALL
SELECT 'cohort', c.n, c.label, count(s.id), sum(possible), sum(attending), sum(authorised),
       sum(unauthorised), sum(lates), count(*) FILTER (WHERE pa), count(*) FILTER (WHERE sa), NULL
FROM (VALUES (0, 'all'), (1, 'sen'), (2, 'ehcp'), (3, 'pp'), (4, 'eal'), (5, 'cla'),
             (6, 'cp_cin')) AS c (n, label)
LEFT JOIN s ON c.label = 'all' OR (c.label = 'sen' AND s.c_sen) OR (c.label = 'ehcp' AND s.c_ehcp)
  OR (c.label = 'pp' AND s.c_pp) OR (c.label = 'eal' AND s.c_eal)
  OR (c.label = 'cla' AND s.c_cla) OR (c.label = 'cp_cin' AND s.c_cp_cin)
GROUP BY c.n, c.label
UNION ALL
(SELECT 'sa', id, display_name || ' · ' || coalesce(reg_name, ''), 1, possible, attending,
        authorised, unauthorised, lates, 1, 1, attendance_pct
 FROM s WHERE sa ORDER BY attendance_pct, id LIMIT %(limit)s)
UNION ALL
(SELECT 'pa', id, display_name || ' · ' || coalesce(reg_name, ''), 1, possible, attending,
        authorised, unauthorised, lates, 1, sa::int, attendance_pct
 FROM s WHERE pa ORDER BY attendance_pct, id LIMIT %(limit)s)
UNION ALL
(SELECT 'falls', id, display_name || ' · ' || year_name || ' · ' || coalesce(reg_name, ''), 1,
        possible, attending, authorised, unauthorised, lates, pa::int, sa::int, fall
 FROM s WHERE fall > 0 ORDER BY fall DESC, id LIMIT %(limit)s)
UNION ALL
(SELECT 'below_target', l.id, l.display_name || ' · ' || l.year_name || ' · '
        || coalesce(l.reg_name, '') || ' · ' || t.target_percent, 1,
        count(*) FILTER (WHERE tm.code = ANY(%(possible)s)),
        count(*) FILTER (WHERE tm.code = ANY(%(attending)s)), 0, 0, 0, 0, 0,
        count(*) FILTER (WHERE tm.code = ANY(%(attending)s)) * 100.0
          / nullif(count(*) FILTER (WHERE tm.code = ANY(%(possible)s)), 0)
 FROM attendance_target t
 JOIN l ON l.id = t.learner_id
 JOIN attendance_mark tm ON tm.learner_id = t.learner_id AND tm.date >= t.start
   AND tm.date <= %(end)s
 WHERE t.school_id = %(school)s AND t.status = 'active'
 GROUP BY t.id, l.id, l.display_name, l.year_name, l.reg_name, t.target_percent
 HAVING count(*) FILTER (WHERE tm.code = ANY(%(possible)s)) > 0
   AND count(*) FILTER (WHERE tm.code = ANY(%(attending)s)) * 100.0
     / count(*) FILTER (WHERE tm.code = ANY(%(possible)s)) < t.target_percent
 ORDER BY 12, l.id LIMIT %(limit)s)
UNION ALL
SELECT 'part_time', 0, '', 0,
       count(*) FILTER (WHERE p.start <= %(today)s AND p."end" >= %(today)s),
       count(*) FILTER (WHERE p."end" >= %(today)s AND p.la_notified_on IS NULL),
       count(*) FILTER (WHERE p."end" >= %(today)s AND p.review_date <= %(today)s),
       0, 0, 0, 0, NULL
FROM attendance_parttimetimetable p
WHERE p.school_id = %(school)s AND p.learner_id IN (SELECT id FROM l)
"""  # noqa: S608 (our own constants; values are parameters)


def _attendance_params(ctx: Ctx) -> dict[str, Any]:
    from django.utils import timezone

    from attendance import codes, selectors
    from attendance.selectors.lists import falls_window
    from attendance.views import DASHBOARD_LIST

    start, end = selectors.default_range(ctx.school, None, None)
    return {
        "possible": list(codes.POSSIBLE_CODES),
        "attending": list(codes.ATTENDING_CODES),
        "authorised": list(codes.AUTHORISED_CODES),
        "unauthorised": list(codes.UNAUTHORISED_CODES),
        "late": list(codes.LATE_CODES),
        "pa_pct": codes.PERSISTENT_ABSENCE_PERCENT,
        "sa_pct": codes.SEVERE_ABSENCE_PERCENT,
        "school": ctx.school.pk,
        "user": ctx.users["hoy"].pk,
        "start": start,
        "end": end,
        "window": falls_window(end, 4),
        "limit": DASHBOARD_LIST,
        "today": timezone.localdate(),
    }


PAGES += [
    Page(
        "Attendance dashboard, Year 9 (head of year)",
        "attendance:dashboard",
        "hoy",
        _ATTENDANCE_SQL,
        params=_attendance_params,
        notes="raw = one pass over the head of year's marks: year, reg-group and cohort "
        "tables, the severe, persistent, falls and below-target lists with names, and "
        "the part-time counts",
    ),
]

# Pages the other issues name, measured as soon as their URL names exist
# (and their Page entries are added above). Listed so the report says what
# is still missing instead of silently leaving it out.
EXPECTED: list[tuple[str, str]] = []
