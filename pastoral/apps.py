from django.apps import AppConfig


class PastoralConfig(AppConfig):
    name = "pastoral"
    verbose_name = "Pastoral core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from pastoral import nav
        from pastoral.access import Cap
        from pastoral.audit import tasks  # noqa: F401  (registers the audit beat jobs)

        nav.register(nav.NavItem("Learners", "pastoral:learner-list", order=10))
        nav.register(
            nav.NavItem(
                "Learner and staff import", "pastoral:import-start", order=79, cap=Cap.IMPORT_MIS
            )
        )
