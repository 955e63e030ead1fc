from django.apps import AppConfig


class SafeguardingConfig(AppConfig):
    name = "safeguarding"
    default_auto_field = "django.db.models.BigAutoField"
