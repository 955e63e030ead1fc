from django.apps import AppConfig


class AttendanceConfig(AppConfig):
    name = "attendance"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from pastoral import nav
        from pastoral.access import Cap

        nav.register(
            nav.NavItem("Attendance", "attendance:dashboard", order=30, cap=Cap.VIEW_PROFILE)
        )
        # "Absences today" is linked from the attendance dashboard: the menu is full.
        nav.register(
            nav.NavItem("Attendance import", "attendance:import", order=80, cap=Cap.IMPORT_MIS)
        )
        nav.register_learner_link(
            nav.LearnerLink("Attendance", "attendance:learner", order=30, cap=Cap.VIEW_PROFILE)
        )
