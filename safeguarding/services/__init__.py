"""Every write to the safeguarding log: `entity_action(*, scope, ...)`, atomic,
permission-checked, audited (actor = scope.user). A service takes the object a
selector fetched (and 404'd when out of scope) and checks the scope again.

`from safeguarding import services; services.x(...)` reaches them all.
"""

from safeguarding.services.actions import action_complete, action_record
from safeguarding.services.body_map import BODY_VIEWS, clean_body_map
from safeguarding.services.categories import (
    categories_ensure,
    category_create,
    category_toggle,
    category_update,
    school_created,
)
from safeguarding.services.common import StaleConcern
from safeguarding.services.concerns import (
    DRAFT_FIELDS,
    attachment_download,
    concern_create,
    draft_discard,
    draft_save,
)
from safeguarding.services.decisions import REFERRAL_KINDS, decision_record, link_update
from safeguarding.services.entries import entry_add_correction, entry_add_follow_up
from safeguarding.services.investigations import (
    evidence_add,
    investigation_conclude,
    investigation_open,
    participant_add,
    participant_outcome,
    statement_add,
)
from safeguarding.services.sharing import share_create, share_withdraw
from safeguarding.services.triage import (
    concern_close,
    concern_link,
    concern_reopen,
    concern_triage,
)

__all__ = [
    "BODY_VIEWS",
    "DRAFT_FIELDS",
    "REFERRAL_KINDS",
    "StaleConcern",
    "action_complete",
    "action_record",
    "attachment_download",
    "categories_ensure",
    "category_create",
    "category_toggle",
    "category_update",
    "clean_body_map",
    "concern_close",
    "concern_create",
    "concern_link",
    "concern_reopen",
    "concern_triage",
    "decision_record",
    "draft_discard",
    "draft_save",
    "entry_add_correction",
    "entry_add_follow_up",
    "evidence_add",
    "investigation_conclude",
    "investigation_open",
    "link_update",
    "participant_add",
    "participant_outcome",
    "school_created",
    "share_create",
    "share_withdraw",
    "statement_add",
]
