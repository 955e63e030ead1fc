from django.apps import AppConfig


class CaseloadConfig(AppConfig):
    name = "caseload"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from caseload import retention

        retention.register()  # its record types for retention review (pastoral/retention)
        from caseload import send_setup

        send_setup.register()  # SEND: navigation, learner link, settings, reminders
        from caseload.trust_counts import caseload_counts
        from pastoral.trust import registry as trust_registry

        # The trust dashboard's figures of this app (pastoral/trust/registry.py).
        trust_registry.register_counts("caseload", caseload_counts)
        from caseload.selectors import caseload_learner_ids, key_workers_of
        from pastoral import access, nav, providers

        # The core cannot import us: we tell it who is on a key worker's caseload.
        access.register_caseload_provider(caseload_learner_ids)
        providers.register_key_worker_provider(key_workers_of)
        # Nor can safeguarding: we tell its triage page about key workers and plans.
        from caseload.safeguarding_history import casework_facts
        from safeguarding.selectors import register_history_provider

        register_history_provider(casework_facts)
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
