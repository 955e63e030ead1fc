"""Every read of the safeguarding log, already scoped to the person asking
(see concerns.py for who sees what). `from safeguarding import selectors;
selectors.x(...)` reaches them all."""

from safeguarding.selectors.chronology import (
    concerns_for_learner,
    cp_chronology_for,
    timeline_entries_for,
)
from safeguarding.selectors.concerns import (
    ConcernRecord,
    action_for,
    active_share_q,
    alert_group_members,
    attachment_for,
    colleagues_for,
    concern_by_reference,
    concern_for,
    concern_record_for,
    concerns_for,
    correctable_entry_for,
    draft_for,
    dsl_concern_for,
    learners_by_ids,
    my_concerns_for,
    share_for,
    shares_active_for,
)
from safeguarding.selectors.dsl import (
    AGE_BANDS,
    WeekBar,
    categories_for,
    category_for,
    dashboard_for,
    dsl_team_for,
    inbox_counts_for,
    inbox_for,
    search_concerns,
)
from safeguarding.selectors.investigations import (
    investigation_for,
    investigation_record_for,
    participant_for,
)

__all__ = [
    "AGE_BANDS",
    "ConcernRecord",
    "WeekBar",
    "action_for",
    "active_share_q",
    "alert_group_members",
    "attachment_for",
    "categories_for",
    "category_for",
    "colleagues_for",
    "concern_by_reference",
    "concern_for",
    "concern_record_for",
    "concerns_for",
    "concerns_for_learner",
    "correctable_entry_for",
    "cp_chronology_for",
    "dashboard_for",
    "draft_for",
    "dsl_concern_for",
    "dsl_team_for",
    "inbox_counts_for",
    "inbox_for",
    "investigation_for",
    "investigation_record_for",
    "learners_by_ids",
    "my_concerns_for",
    "participant_for",
    "search_concerns",
    "share_for",
    "shares_active_for",
    "timeline_entries_for",
]
