"""Every write of the caseload app, one module per entity.

Each service is `entity_action(*, scope, ...)`: the acting person is
`scope.user`; it receives the objects a selector already fetched, checks the
capability and that the learner is within reach (Http404 if not, so existence
never leaks), validates with full_clean(), saves and writes its audit event
inside one transaction. `from caseload import services; services.x(...)`
keeps working through the names re-exported here.
"""

from caseload.services._common import KEY_WORKER_ROLES
from caseload.services.allocations import allocation_create, allocation_end, allocations_reallocate
from caseload.services.contacts import action_complete, contact_log_create
from caseload.services.interventions import (
    intervention_create,
    one_to_one_session_record,
    roster_add,
    session_record,
)
from caseload.services.needs import need_create, need_set_active
from caseload.services.plans import (
    PLAN_FIELDS,
    TARGET_FIELDS,
    StaleVersion,
    plan_amend,
    plan_create,
    plan_review,
    plan_set_status,
)

__all__ = [
    "KEY_WORKER_ROLES",
    "PLAN_FIELDS",
    "TARGET_FIELDS",
    "StaleVersion",
    "action_complete",
    "allocation_create",
    "allocation_end",
    "allocations_reallocate",
    "contact_log_create",
    "intervention_create",
    "need_create",
    "need_set_active",
    "one_to_one_session_record",
    "plan_amend",
    "plan_create",
    "plan_review",
    "plan_set_status",
    "roster_add",
    "session_record",
]
