"""Caseload pages: thin views over caseload.selectors and caseload.services,
one module per area; caseload/urls.py names them through this package."""

from caseload.views.board import (
    allocation_create,
    allocation_end,
    board,
    learner_picker,
    my_caseload,
    need_list,
    reallocate,
)
from caseload.views.contacts import action_done, contact_create, contact_detail
from caseload.views.groups import (
    intervention_create,
    intervention_detail,
    intervention_list,
    one_to_one_session,
    session_create,
    session_detail,
)
from caseload.views.plans import (
    plan_create,
    plan_detail,
    plan_diff,
    plan_edit,
    plan_review,
    plan_status,
    plan_version,
)
from caseload.views.profile import learner_contacts, learner_sessions, profile

__all__ = [
    "action_done",
    "allocation_create",
    "learner_picker",
    "allocation_end",
    "board",
    "contact_create",
    "contact_detail",
    "intervention_create",
    "intervention_detail",
    "intervention_list",
    "my_caseload",
    "need_list",
    "one_to_one_session",
    "plan_create",
    "plan_detail",
    "plan_diff",
    "plan_edit",
    "plan_review",
    "plan_status",
    "plan_version",
    "profile",
    "reallocate",
    "learner_contacts",
    "learner_sessions",
    "session_create",
    "session_detail",
]
