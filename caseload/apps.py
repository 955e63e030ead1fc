from django.apps import AppConfig


class CaseloadConfig(AppConfig):
    name = "caseload"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from caseload.selectors import caseload_learner_ids
        from pastoral import access, nav

        # The core cannot import us: we tell it who is on a key worker's caseload.
        access.register_caseload_provider(caseload_learner_ids)
        nav.register(
            nav.NavItem("My caseload", "caseload:mine", order=20, cap=access.Cap.VIEW_PROFILE)
        )
        nav.register(
            nav.NavItem(
                "Caseload board", "caseload:board", order=21, cap=access.Cap.VIEW_CASELOAD_BOARD
            )
        )
        nav.register(
            nav.NavItem(
                "Interventions",
                "caseload:intervention-list",
                order=22,
                cap=access.Cap.RECORD_CONTACTS,
            )
        )
        nav.register_learner_link(
            nav.LearnerLink(
                "Learner profile", "caseload:profile", order=10, cap=access.Cap.VIEW_PROFILE
            )
        )
