"""The go-live checklist: what a school still needs before staff can use the system.

`golive_checklist_for(scope)` is the selector (administrator only); the core's
checks are registered here, and an app adds its own with
`registry.register_check(name, fn)`. Each check is one query.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from pastoral.access import Cap, Scope, require
from pastoral.accounts.otp import REQUIRED_ROLES
from pastoral.models import Contact, Learner, Membership, Role, Term, User
from pastoral.school_settings.registry import ChecklistItem, checks, register_check


def golive_checklist_for(scope: Scope | None) -> list[ChecklistItem]:
    """Every go-live item for the school, in order (404 unless the person keeps settings)."""
    scope = require(scope, Cap.MANAGE_SETTINGS)
    items = [item for check in checks() for item in check(scope)]
    return sorted(items, key=lambda item: (item.order, item.label))


def _dsl(scope: Scope) -> Iterator[ChecklistItem]:
    n = Membership.objects.filter(school=scope.school, role=Role.DSL, user__is_active=True).count()
    yield ChecklistItem(
        key="dsl",
        label="A designated safeguarding lead (DSL) is assigned",
        done=n > 0,
        detail=f"{n} DSL{'s' if n != 1 else ''} assigned" if n else "No DSL yet",
        url_name="accounts:user-list",
        link_text="Staff and roles",
        order=10,
    )


def _term_dates(scope: Scope) -> Iterator[ChecklistItem]:
    today = timezone.localdate()
    n = Term.objects.filter(
        academic_year__school=scope.school,
        academic_year__start__lte=today,
        academic_year__end__gte=today,
    ).count()
    yield ChecklistItem(
        key="term_dates",
        label="Term dates for this academic year",
        done=n > 0,
        detail=f"{n} term{'s' if n != 1 else ''} recorded" if n else "No terms recorded",
        url_name="school_settings:terms",
        link_text="Term dates and closures",
        order=20,
    )


def _learners_and_parents(scope: Scope) -> Iterator[ChecklistItem]:
    counts = Learner.objects.filter(school=scope.school).aggregate(
        total=Count("pk"),
        without=Count("pk", filter=~Q(Exists(Contact.objects.filter(learner_id=OuterRef("pk"))))),
    )
    total, without = counts["total"], counts["without"]
    yield ChecklistItem(
        key="learners",
        label="Learners imported from the MIS",
        done=total > 0,
        detail=f"{total} learner{'s' if total != 1 else ''}" if total else "No learners yet",
        url_name="pastoral:import-start",
        link_text="Import learners",
        order=30,
    )
    yield ChecklistItem(
        key="parents",
        label="Parents and carers imported",
        done=total > 0 and without == 0,
        detail=(
            "No learners yet"
            if not total
            else f"{without} of {total} learners have no parent or carer recorded"
            if without
            else "Every learner has a parent or carer recorded"
        ),
        url_name="pastoral:import-start",
        link_text="Import parents and carers",
        order=50,
    )


def _staff(scope: Scope) -> Iterator[ChecklistItem]:
    """Staff invited (someone besides administrators) and enrolled (everyone who
    must use two-factor has a confirmed authenticator)."""
    people = Membership.objects.filter(school=scope.school, user__is_active=True).values("user_id")
    flags = list(
        User.objects.filter(pk__in=people)
        .annotate(
            enrolled=Exists(TOTPDevice.objects.filter(user_id=OuterRef("pk"), confirmed=True)),
            must=Exists(
                Membership.objects.filter(
                    user_id=OuterRef("pk"), school=scope.school, role__in=REQUIRED_ROLES
                )
            ),
            # Administrators hold the staff role too: "invited" means someone
            # who is not an administrator.
            other_role=~Exists(
                Membership.objects.filter(
                    user_id=OuterRef("pk"), school=scope.school, role=Role.ADMIN
                )
            ),
        )
        .values_list("enrolled", "must", "other_role")
    )
    total = len(flags)
    enrolled = sum(1 for e, _, _ in flags if e)
    missing = sum(1 for e, must, _ in flags if must and not e)
    invited = any(other for _, _, other in flags)
    yield ChecklistItem(
        key="staff",
        label="Staff invited and enrolled in two-factor sign-in",
        done=invited and missing == 0,
        detail=(
            f"{total} member{'s' if total != 1 else ''} of staff: {enrolled} with an "
            f"authenticator, {total - enrolled} without"
            + (f" ({missing} of whom must set one up)" if missing else "")
        ),
        url_name="accounts:user-list",
        link_text="Staff and roles",
        order=40,
    )


register_check("pastoral.dsl", _dsl)
register_check("pastoral.term_dates", _term_dates)
register_check("pastoral.learners", _learners_and_parents)
register_check("pastoral.staff", _staff)
