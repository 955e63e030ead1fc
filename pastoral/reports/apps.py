from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "pastoral.reports"
    label = "reports"
    verbose_name = "Reports and transfers"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        from pastoral import nav
        from pastoral.access import Cap
        from pastoral.models import Role

        exporters = frozenset(
            {Role.HEAD_OF_YEAR, Role.SENCO, Role.DSL, Role.DEPUTY_DSL, Role.ADMIN}
        )
        nav.register(nav.NavItem("Exports", "reports:job-list", order=80, roles=exporters))
        nav.register(
            nav.NavItem(
                "CP transfers", "reports:cp-transfer-list", order=81, cap=Cap.EXPORT_CP_FILE
            )
        )
        nav.register_learner_link(
            nav.LearnerLink(
                "Records from previous schools",
                "reports:imported-records",
                order=93,
                cap=Cap.VIEW_PASTORAL_CONCERNS,
            )
        )
        # Each app's report builders register themselves when imported (see registry).
        autodiscover_modules("reports", "transfers", "agency")
