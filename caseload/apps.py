from django.apps import AppConfig


class CaseloadConfig(AppConfig):
    name = "caseload"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from caseload.selectors import caseload_learner_ids
        from pastoral import access

        # The core cannot import us: we tell it who is on a key worker's caseload.
        access.register_caseload_provider(caseload_learner_ids)
