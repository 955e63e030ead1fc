from django.apps import AppConfig


class PastoralConfig(AppConfig):
    name = "pastoral"
    verbose_name = "Pastoral core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from pastoral import nav, standing
        from pastoral.access import Cap
        from pastoral.audit import tasks  # noqa: F401  (registers the audit beat jobs)
        from pastoral.models import Role
        from pastoral.school_settings import checklist  # noqa: F401  (the core's go-live checks)
        from pastoral.school_settings.registry import SettingsSection, register_section

        standing.connect()
        from pastoral.trust import standing as trust_standing

        trust_standing.connect()
        nav.register(nav.NavItem("Learners", "pastoral:learner-list", order=10))
        # The administrator's settings, and the DSL's categories (listed on the same hub).
        nav.register(
            nav.NavItem(
                "School settings",
                "school_settings:hub",
                order=85,
                roles=frozenset({Role.ADMIN, Role.DSL, Role.DEPUTY_DSL}),
            )
        )
        for order, (label, url_name, description) in enumerate(
            [
                (
                    "Go-live checklist",
                    "school_settings:checklist",
                    "What is still missing before the school can use the system.",
                ),
                (
                    "School details",
                    "school_settings:details",
                    "Name, LA code, phase, headteacher and contact details.",
                ),
                (
                    "Session times",
                    "school_settings:sessions",
                    "When the morning and afternoon sessions start and their registers close.",
                ),
                (
                    "Term dates and closures",
                    "school_settings:terms",
                    "Terms, INSET days and other closures; bank holidays; import the LA's dates.",
                ),
                (
                    "Reminders and thresholds",
                    "school_settings:reminders",
                    "When untriaged concerns escalate and what counts as a rising pattern.",
                ),
                (
                    "Retention of records",
                    "school_settings:retention",
                    "How long behaviour and general pastoral records are kept.",
                ),
            ]
        ):
            register_section(
                SettingsSection(label, url_name, description, cap=Cap.MANAGE_SETTINGS, order=order)
            )
        # Retention review (docs/retention.md): the DSL team and the administrator.
        nav.register(
            nav.NavItem(
                "Retention and disposal", "retention:home", order=86, cap=Cap.REVIEW_RETENTION
            )
        )
        register_section(
            SettingsSection(
                "Retention rules",
                "retention:rules",
                "How long each kind of record is kept before it is reviewed for disposal.",
                cap=Cap.REVIEW_RETENTION,
                order=7,
            )
        )
        nav.register(
            nav.NavItem(
                "Learner and staff import", "pastoral:import-start", order=79, cap=Cap.IMPORT_MIS
            )
        )
        from pastoral.models import Role

        nav.register(
            nav.NavItem(
                "Agencies",
                "people:agency-list",
                order=78,
                roles=frozenset(
                    {
                        Role.SUPPORT,
                        Role.HEAD_OF_YEAR,
                        Role.SENCO,
                        Role.DSL,
                        Role.DEPUTY_DSL,
                        Role.ADMIN,
                    }
                ),
            )
        )
        nav.register_learner_link(
            nav.LearnerLink(
                "Parents and carers", "people:learner-contacts", order=15, cap=Cap.RECORD_CONTACTS
            )
        )
