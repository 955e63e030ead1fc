"""Pages of the safeguarding log. Thin: parse, call a selector or service, render.
`safeguarding.urls` names them through this package."""

from safeguarding.views.categories import categories, category_toggle, category_update
from safeguarding.views.chronology import chronology, cp_file
from safeguarding.views.concerns import (
    attachment_download,
    concern_detail,
    concern_new,
    correction,
    draft_discard,
    draft_save,
    follow_up,
    learner_picker,
    my_concerns,
)
from safeguarding.views.dsl import (
    action_new,
    action_outcome,
    close,
    decision,
    link,
    link_role,
    reopen,
    share,
    share_withdraw,
    triage,
)
from safeguarding.views.inbox import concern_list, dashboard, inbox, pastoral_list
from safeguarding.views.investigations import (
    investigation_conclude,
    investigation_detail,
    investigation_evidence,
    investigation_new,
    investigation_outcome,
    investigation_participant,
    investigation_statement,
)

__all__ = [
    "action_new",
    "action_outcome",
    "attachment_download",
    "categories",
    "category_toggle",
    "category_update",
    "chronology",
    "close",
    "concern_detail",
    "concern_list",
    "concern_new",
    "correction",
    "cp_file",
    "dashboard",
    "decision",
    "draft_discard",
    "draft_save",
    "follow_up",
    "inbox",
    "investigation_conclude",
    "investigation_detail",
    "investigation_evidence",
    "investigation_new",
    "investigation_outcome",
    "investigation_participant",
    "investigation_statement",
    "learner_picker",
    "link",
    "link_role",
    "my_concerns",
    "pastoral_list",
    "reopen",
    "share",
    "share_withdraw",
    "triage",
]
