from django.apps import AppConfig


class SafeguardingConfig(AppConfig):
    name = "safeguarding"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from safeguarding import retention

        retention.register()  # its record types for retention review (pastoral/retention)
        from pastoral.trust import registry as trust_registry
        from safeguarding.trust_counts import safeguarding_counts

        # The trust dashboard's figures of this app (pastoral/trust/registry.py).
        trust_registry.register_counts("safeguarding", safeguarding_counts)
        from django.db.models.signals import post_save

        from pastoral import nav
        from pastoral.access import Cap
        from pastoral.models import Role, School
        from safeguarding.services import school_created

        post_save.connect(school_created, sender=School, dispatch_uid="safeguarding.school_created")

        nav.register(
            nav.NavItem("Log a concern", "safeguarding:concern-new", order=20, cap=Cap.LOG_CONCERN)
        )
        nav.register(
            nav.NavItem("My concerns", "safeguarding:my-concerns", order=21, cap=Cap.LOG_CONCERN)
        )
        nav.register(
            nav.NavItem("DSL inbox", "safeguarding:inbox", order=22, cap=Cap.TRIAGE_CONCERNS)
        )
        nav.register(
            nav.NavItem(
                "Safeguarding search",
                "safeguarding:concern-list",
                order=23,
                cap=Cap.TRIAGE_CONCERNS,
            )
        )
        nav.register(
            nav.NavItem(
                "DSL dashboard", "safeguarding:dashboard", order=24, cap=Cap.TRIAGE_CONCERNS
            )
        )
        from pastoral.school_settings.registry import SettingsSection, register_section

        register_section(
            SettingsSection(
                "Concern categories and alert groups",
                "safeguarding:categories",
                "The categories staff choose from, their default level and who is alerted.",
                cap=Cap.TRIAGE_CONCERNS,
                order=40,
            )
        )
        # Heads of year, the SENCO and key workers: pastoral concerns about their
        # learners (the DSL team has the inbox, which holds them all).
        nav.register(
            nav.NavItem(
                "Pastoral concerns",
                "safeguarding:pastoral-list",
                order=25,
                cap=Cap.VIEW_PASTORAL_CONCERNS,
                roles=frozenset({Role.HEAD_OF_YEAR, Role.SENCO, Role.SUPPORT}),
            )
        )
        nav.register_learner_link(
            nav.LearnerLink(
                "Safeguarding chronology",
                "safeguarding:learner-chronology",
                order=30,
                cap=Cap.VIEW_PASTORAL_CONCERNS,
            )
        )
        nav.register_learner_link(
            nav.LearnerLink(
                "Child-protection file",
                "safeguarding:cp-file",
                order=31,
                cap=Cap.VIEW_ALL_RESTRICTED,
            )
        )
