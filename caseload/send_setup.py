"""The SEND pages' places in the core: the SENCO's navigation entry, the button
on the learner's card, the settings section and the reminder kinds."""

from __future__ import annotations


def register() -> None:
    from caseload import send_reminders  # noqa: F401  (registers the reminder kinds)
    from pastoral import nav
    from pastoral.access import Cap
    from pastoral.models import Role
    from pastoral.school_settings.registry import SettingsSection, register_section

    nav.register(
        nav.NavItem(
            "SEND reviews",
            "caseload:send-queue",
            order=23,
            cap=Cap.MANAGE_PLANS,
            roles=frozenset({Role.SENCO}),
        )
    )
    nav.register_learner_link(
        nav.LearnerLink("SEN record", "caseload:sen-record", order=15, cap=Cap.VIEW_PROFILE)
    )
    register_section(
        SettingsSection(
            "SEND settings",
            "caseload:send-settings",
            "England (SEN, EHC plans) or Wales (ALN, IDPs): the words the SEND pages use.",
            cap=Cap.MANAGE_SETTINGS,
            order=40,
        )
    )
