"""Behaviour pages, one module per part."""

from behaviour.views.detentions import (
    detention_detail,
    detention_letter,
    issue_for_incident,
    issue_for_learner,
    session_detail,
    sessions,
)
from behaviour.views.exclusions import (
    exclusion_create,
    exclusion_detail,
    exclusion_letter,
    exclusion_list,
    mismatches,
    notices,
)
from behaviour.views.incidents import home, incident_detail, incident_list, learner, log
from behaviour.views.rewards import certificate, leaderboard
from behaviour.views.settings import detention_type_edit, settings_page, type_edit

__all__ = [
    "certificate",
    "detention_detail",
    "detention_letter",
    "detention_type_edit",
    "exclusion_create",
    "exclusion_detail",
    "exclusion_letter",
    "exclusion_list",
    "mismatches",
    "notices",
    "home",
    "incident_detail",
    "incident_list",
    "issue_for_incident",
    "issue_for_learner",
    "leaderboard",
    "learner",
    "log",
    "session_detail",
    "sessions",
    "settings_page",
    "type_edit",
]
