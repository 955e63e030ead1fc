"""World hooks from the apps (see tests/conftest.py WORLD_HOOKS)."""


# --- caseload: learner9 is on the support officer's caseload (lead key worker) ---
def _caseload_world(world):  # type: ignore[no-untyped-def]
    import datetime as dt

    from django.utils import timezone

    from caseload.models import Allocation

    Allocation.objects.create(
        school=world.school,
        learner=world.learner9,
        worker=world.user("support"),
        kind=Allocation.Kind.LEAD,
        reason="Test world: key worker for learner9",
        start=timezone.localdate() - dt.timedelta(days=30),
    )


def _register_caseload_hook() -> None:
    from tests.conftest import WORLD_HOOKS

    if _caseload_world not in WORLD_HOOKS:
        WORLD_HOOKS.append(_caseload_world)


_register_caseload_hook()
# --- end caseload ---
