from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "pastoral.accounts"
    label = "accounts"
    verbose_name = "Accounts and sign-in"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from pastoral import nav
        from pastoral.access import DSL_ROLES, Cap
        from pastoral.accounts import signals  # noqa: F401  (session bookkeeping)

        nav.register(
            nav.NavItem("Staff and roles", "accounts:user-list", order=90, cap=Cap.MANAGE_USERS)
        )
        nav.register(
            nav.NavItem("Role requests", "accounts:role-requests", order=92, roles=DSL_ROLES)
        )
        nav.register(
            nav.NavItem("Audit trail", "pastoral:audit-list", order=95, cap=Cap.READ_AUDIT)
        )
