from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "pastoral.notifications"
    label = "notifications"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Notifications and reminders"

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        # Every app's reminders.py registers its reminder kinds (see registry.py).
        autodiscover_modules("reminders")
