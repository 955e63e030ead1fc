from django.apps import AppConfig


class AttendanceConfig(AppConfig):
    name = "attendance"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from attendance import retention

        retention.register()  # its record types for retention review (pastoral/retention)
        from attendance.trust_counts import attendance_counts
        from pastoral.trust import registry as trust_registry

        # The trust dashboard's figures of this app (pastoral/trust/registry.py).
        trust_registry.register_counts("attendance", attendance_counts)
        from attendance.selectors import absent_learner_ids
        from pastoral import nav, providers
        from pastoral.access import Cap

        # Behaviour excuses a missed detention when the learner was off school that day.
        providers.register_absence_provider(absent_learner_ids)
        from attendance.marks_provider import marks_between

        # Behaviour reconciles code E with its suspensions.
        providers.register_marks_provider(marks_between)

        nav.register(
            nav.NavItem("Attendance", "attendance:dashboard", order=30, cap=Cap.VIEW_PROFILE)
        )
        # "Absences today" is linked from the attendance dashboard: the menu is full.
        nav.register(
            nav.NavItem("Attendance import", "attendance:import", order=80, cap=Cap.IMPORT_MIS)
        )
        from pastoral.school_settings.registry import SettingsSection, register_section

        register_section(
            SettingsSection(
                "Attendance letter templates",
                "attendance:letter-list",
                "The school's standard attendance letters, edited here with a preview.",
                cap=Cap.MANAGE_SETTINGS,
                order=35,
            )
        )
        register_section(
            SettingsSection(
                "Attendance settings",
                "attendance:settings",
                "The longest part-time timetable allowed without a recorded exception.",
                cap=Cap.MANAGE_SETTINGS,
                order=36,
            )
        )
        register_section(
            SettingsSection(
                "Local-authority return thresholds",
                "attendance:la-settings",
                "Days of unauthorised absence before the LA is told; the penalty-notice threshold.",
                cap=Cap.MANAGE_SETTINGS,
                order=37,
            )
        )
        nav.register_learner_link(
            nav.LearnerLink("Attendance", "attendance:learner", order=30, cap=Cap.VIEW_PROFILE)
        )
