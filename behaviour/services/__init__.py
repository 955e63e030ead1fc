"""Every write of the behaviour app (incidents, rewards, detentions), re-exported."""

from behaviour.services.defaults import behaviour_defaults_ensure, school_created
from behaviour.services.detentions import (
    detention_issue,
    detention_mark,
    detention_type_create,
    detention_type_update,
    may_take_register,
    session_create,
)
from behaviour.services.exclusions import (
    exclusion_record,
    notice_mark_sent,
    reintegration_schedule,
)
from behaviour.services.incidents import (
    behaviour_type_create,
    behaviour_type_update,
    incidents_log,
)
from behaviour.services.policy import settings_of, settings_update
from behaviour.services.rewards import house_create, houses_assign

__all__ = [
    "exclusion_record",
    "notice_mark_sent",
    "reintegration_schedule",
    "detention_issue",
    "detention_mark",
    "detention_type_create",
    "detention_type_update",
    "house_create",
    "houses_assign",
    "may_take_register",
    "session_create",
    "behaviour_defaults_ensure",
    "behaviour_type_create",
    "behaviour_type_update",
    "incidents_log",
    "school_created",
    "settings_of",
    "settings_update",
]
