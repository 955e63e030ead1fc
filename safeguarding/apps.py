from django.apps import AppConfig


class SafeguardingConfig(AppConfig):
    name = "safeguarding"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from pastoral import nav
        from pastoral.access import Cap
        from pastoral.models import School
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
