from safeguarding.models.concerns import (
    DEFAULT_CATEGORIES,
    Attachment,
    Category,
    Concern,
    ConcernAction,
    ConcernDecision,
    ConcernDraft,
    ConcernEntry,
    ConcernLearner,
    ConcernLink,
    ConcernShare,
)
from safeguarding.models.investigations import (
    EvidenceNote,
    Investigation,
    Participant,
    Statement,
)

__all__ = [
    "DEFAULT_CATEGORIES",
    "Attachment",
    "Category",
    "Concern",
    "ConcernAction",
    "ConcernDecision",
    "ConcernDraft",
    "ConcernEntry",
    "ConcernLearner",
    "ConcernLink",
    "ConcernShare",
    "EvidenceNote",
    "Investigation",
    "Participant",
    "Statement",
]
