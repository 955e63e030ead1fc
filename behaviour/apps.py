from django.apps import AppConfig


class BehaviourConfig(AppConfig):
    name = "behaviour"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from behaviour import retention

        retention.register()  # its record types for retention review (pastoral/retention)
        from behaviour import notices_oncall

        notices_oncall.register()  # removal alerts in the notification centre
        from behaviour import dashboard

        dashboard.register()  # the head of year's behaviour panel on the home page
        from django.db.models.signals import post_save

        from behaviour import exclusion_reminders  # noqa: F401  (registers its reminder kinds)
        from behaviour.access import can_log
        from behaviour.services.defaults import school_created
        from pastoral import nav
        from pastoral.models import School

        # A new school gets the default types (pages never write on GET).
        post_save.connect(school_created, sender=School, dispatch_uid="behaviour.school_created")
        nav.register(nav.NavItem("Behaviour", "behaviour:home", order=25, visible=can_log))
