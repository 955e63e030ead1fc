"""Caseload data: allocations of learners to key workers, plans, sessions, contacts."""

from caseload.models.allocation import Allocation
from caseload.models.plans import (
    DEFAULT_NEEDS,
    Need,
    Plan,
    PlanVersion,
    Review,
    Target,
    TargetProgress,
)
from caseload.models.sar import SubjectAccessRedaction, SubjectAccessRequest, add_months
from caseload.models.work import (
    AgreedAction,
    ContactLog,
    Intervention,
    Mark,
    RosterEntry,
    Session,
)

__all__ = [
    "DEFAULT_NEEDS",
    "AgreedAction",
    "Allocation",
    "ContactLog",
    "Intervention",
    "Mark",
    "RosterEntry",
    "Need",
    "Plan",
    "PlanVersion",
    "Review",
    "Session",
    "SubjectAccessRedaction",
    "SubjectAccessRequest",
    "add_months",
    "Target",
    "TargetProgress",
]
from caseload.models.send import EhcpReview, ReviewStep, SendSettings, SenRecord  # noqa: E402

__all__ += ["EhcpReview", "ReviewStep", "SendSettings", "SenRecord"]
from caseload.models.plan_incidents import PlanIncident  # noqa: E402

__all__ += ["PlanIncident"]
