"""Scoped reads for the caseload app, one module per area.

Every function takes the person's scope and only returns rows whose learner
is within it (pastoral.access.learner_filter); one object outside the scope
is a 404. Lists are annotated in the database (Subquery / conditional
aggregates) so their query count does not grow with the number of rows.
`from caseload import selectors; selectors.x(...)` keeps working through the
names re-exported here.
"""

from caseload.selectors.board import (
    BoardFilters,
    agencies_for,
    allocation_or_404,
    board_learners_for,
    board_workers_for,
    board_years_for,
    caseload_learner_ids_of,
    key_workers_for,
    my_caseload_for,
    need_or_404,
    needs_for,
    parents_of,
    plan_need_choices,
)
from caseload.selectors.casework import (
    CONTACT_AMBER_DAYS,
    CONTACT_RED_DAYS,
    OPEN,
    RAG_LABEL,
    RAG_OF_URGENCY,
    REVIEW_SOON_DAYS,
    caseload_learner_ids,
    decorate,
    key_workers_of,
    last_contact,
    next_step,
    rag,
    with_casework,
)
from caseload.selectors.contacts import action_or_404, contact_or_404, learner_contacts
from caseload.selectors.groups import (
    can_run,
    intervention_or_404,
    interventions_for,
    learner_sessions,
    roster_for,
    session_marks_for,
    session_or_404,
    sessions_of,
    with_attendance_rate,
)
from caseload.selectors.picker import PICKER_CAPS, picker_learners_for, picker_page
from caseload.selectors.plans import plan_or_404, plan_reviews, plan_version_or_404, plan_versions
from caseload.selectors.profile import (
    KEY_WORKERS,
    MAX_TIMELINE_PAGE,
    RECENT,
    TIMELINE,
    Profile,
    learner_profile_for,
    timeline_entries_for,
)

__all__ = [
    "CONTACT_AMBER_DAYS",
    "CONTACT_RED_DAYS",
    "KEY_WORKERS",
    "MAX_TIMELINE_PAGE",
    "OPEN",
    "RAG_LABEL",
    "RAG_OF_URGENCY",
    "RECENT",
    "REVIEW_SOON_DAYS",
    "TIMELINE",
    "BoardFilters",
    "Profile",
    "action_or_404",
    "agencies_for",
    "allocation_or_404",
    "board_learners_for",
    "board_workers_for",
    "board_years_for",
    "can_run",
    "caseload_learner_ids",
    "caseload_learner_ids_of",
    "contact_or_404",
    "decorate",
    "key_workers_of",
    "intervention_or_404",
    "interventions_for",
    "key_workers_for",
    "last_contact",
    "learner_contacts",
    "learner_profile_for",
    "learner_sessions",
    "my_caseload_for",
    "need_or_404",
    "needs_for",
    "next_step",
    "parents_of",
    "PICKER_CAPS",
    "picker_learners_for",
    "picker_page",
    "plan_need_choices",
    "plan_or_404",
    "plan_reviews",
    "plan_version_or_404",
    "plan_versions",
    "rag",
    "roster_for",
    "session_marks_for",
    "session_or_404",
    "sessions_of",
    "timeline_entries_for",
    "with_attendance_rate",
    "with_casework",
]
