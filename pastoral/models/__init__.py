from pastoral.models.audit import AuditChainHead, AuditEvent
from pastoral.models.contacts import AgencyContact, ContactRestriction
from pastoral.models.files import StoredFile
from pastoral.models.imports import ImportBatch
from pastoral.models.learners import Contact, Learner
from pastoral.models.people import Membership, Role, RoleRequest, User
from pastoral.models.retention import DisposalTombstone, LegalHold, RetentionRule
from pastoral.models.school import (
    AcademicYear,
    Agency,
    BankHolidayOpening,
    Closure,
    RegGroup,
    School,
    Term,
    Trust,
    YearGroup,
)
from pastoral.trust.models import TrustMembership, TrustRole  # noqa: E402  (app label "pastoral")

__all__ = [
    "AcademicYear",
    "Agency",
    "BankHolidayOpening",
    "AgencyContact",
    "AuditChainHead",
    "AuditEvent",
    "Closure",
    "ImportBatch",
    "StoredFile",
    "Contact",
    "DisposalTombstone",
    "LegalHold",
    "RetentionRule",
    "ContactRestriction",
    "Learner",
    "Membership",
    "RegGroup",
    "Role",
    "RoleRequest",
    "School",
    "Term",
    "Trust",
    "TrustMembership",
    "TrustRole",
    "User",
    "YearGroup",
]
