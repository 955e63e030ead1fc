from django.apps import AppConfig


class ProvisionConfig(AppConfig):
    name = "provision"
    verbose_name = "Alternative provision"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from pastoral import nav
        from pastoral.access import Cap
        from provision.access import may_read_providers

        nav.register(
            nav.NavItem(
                "Alternative provision", "provision:placement-list", order=32, cap=Cap.VIEW_PROFILE
            )
        )
        # The administrator keeps the directory but sees no placement: the menu
        # offers them the directory only (the case roles reach it from the list).
        nav.register(
            nav.NavItem(
                "AP providers",
                "provision:provider-list",
                order=82,
                cap=Cap.IMPORT_MIS,
                visible=may_read_providers,
            )
        )
        nav.register_learner_link(
            nav.LearnerLink(
                "Alternative provision / where now",
                "provision:learner",
                order=35,
                cap=Cap.VIEW_PROFILE,
            )
        )
