"""Sign-in, two-factor, users and roles, and the audit screens."""

from typing import Any

from pastoral import audit
from tests.matrix import ALL_OK, Case, every, only

DSL_ONLY = only(dsl=True)


def _viewed_events(world: Any) -> None:
    """Someone looked at a learner in each school."""
    audit.record(
        "pastoral.learner.viewed",
        actor=world.user("senco"),
        school=world.school,
        obj=world.learner9,
    )
    audit.record(
        "pastoral.learner.viewed",
        actor=world.outsider,
        school=world.other_school,
        obj=world.other_learner,
    )


def _record(learner_attr: str) -> Any:
    def kwargs(world: Any) -> dict[str, Any]:
        return {"object_type": "pastoral.learner", "object_id": getattr(world, learner_attr).pk}

    return kwargs


CASES = [
    # A signed-in, verified person is sent on from the second-factor pages.
    Case("accounts:otp-verify", "already verified", every(302)),
    Case("accounts:otp-setup", "already enrolled", every(302)),
    Case("accounts:recovery-codes", "nothing new to show", every(302)),
    Case("accounts:step-up", "confirm your code", ALL_OK),
    # The audit trail: DSLs only, and only their own school's events.
    Case("pastoral:audit-list", "search", DSL_ONLY, setup=_viewed_events),
    Case(
        "pastoral:audit-list",
        "filtered",
        DSL_ONLY,
        setup=_viewed_events,
        query="action=pastoral.&date_from=2020-01-01",
    ),
    Case("pastoral:audit-export", "csv", DSL_ONLY, setup=_viewed_events),
    Case(
        "pastoral:audit-object",
        "own school's record",
        DSL_ONLY,
        setup=_viewed_events,
        kwargs=_record("learner9"),
    ),
    Case(
        "pastoral:audit-object",
        "other school's record",
        every(404),
        setup=_viewed_events,
        kwargs=_record("other_learner"),
    ),
]
