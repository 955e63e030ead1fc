from django.apps import AppConfig


class PastoralConfig(AppConfig):
    name = "pastoral"
    verbose_name = "Pastoral core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from pastoral import nav
        from pastoral.access import Cap

        nav.register(nav.NavItem("Learners", "pastoral:learner-list", order=10))
        nav.register(nav.NavItem("Imports", "pastoral:import-start", order=90, cap=Cap.IMPORT_MIS))
