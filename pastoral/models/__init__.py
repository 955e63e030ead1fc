from pastoral.models.audit import AuditChainHead, AuditEvent
from pastoral.models.imports import ImportBatch
from pastoral.models.learners import Contact, Learner
from pastoral.models.people import Membership, Role, RoleRequest, User
from pastoral.models.school import (
    AcademicYear,
    Agency,
    Closure,
    RegGroup,
    School,
    Term,
    Trust,
    YearGroup,
)

__all__ = [
    "AcademicYear",
    "Agency",
    "AuditChainHead",
    "AuditEvent",
    "Closure",
    "ImportBatch",
    "Contact",
    "Learner",
    "Membership",
    "RegGroup",
    "Role",
    "RoleRequest",
    "School",
    "Term",
    "Trust",
    "User",
    "YearGroup",
]
