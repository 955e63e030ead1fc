"""Alternative provision URLs × the six roles.

Providers directory: read by the case roles and the administrator, kept by the
administrator and the DSLs (no learner data). Placements: the case roles for
the learners in their case scope (learner9: support's caseload and HoY's year;
learner10: SENCO and DSL only); never the administrator or staff. Another
school's provider or placement: 404 for everyone.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from tests.matrix import Case, every, only

READERS = only(support=True, hoy=True, senco=True, dsl=True, admin=True)
EDITORS = only(dsl=True, admin=True)
EDITORS_POST = only(302, dsl=True, admin=True)
CASE = only(support=True, hoy=True, senco=True, dsl=True)
CASE_POST = only(302, support=True, hoy=True, senco=True, dsl=True)
WHOLE = only(senco=True, dsl=True)
WHOLE_POST = only(302, senco=True, dsl=True)
NOBODY = every(404)


def _setup(w: Any) -> None:
    from provision.models import Placement
    from tests.provision.factories import make_placement, make_provider

    senco = w.user("senco")
    w.provider = make_provider(w.school, recorded_by=senco, letter=True)
    w.confirmation = w.provider.confirmations.get()
    w.other_provider = make_provider(
        w.other_school, "Their Centre", recorded_by=w.outsider, letter=True
    )
    w.other_confirmation = w.other_provider.confirmations.get()
    w.placement9 = make_placement(w.learner9, w.provider, senco)
    w.placement10 = make_placement(w.learner10, w.provider, senco)
    w.draft9 = make_placement(w.learner9, w.provider, senco, status=Placement.Status.DRAFT)
    w.other_placement = make_placement(w.other_learner, w.other_provider, w.outsider)
    w.other_draft = make_placement(
        w.other_learner, w.other_provider, w.outsider, status=Placement.Status.DRAFT
    )


def pk(attr: str) -> Any:
    return lambda w: {"pk": getattr(w, attr).pk}


def _provider_data(w: Any) -> dict[str, str]:
    return {
        "name": "Hillside Farm School",
        "registration": "unregistered",
        "urn": "",
        "ukprn": "10012345",
        "address": "",
        "contact_name": "",
        "phone": "01632 960999",
        "email": "",
    }


def _confirmation_data(w: Any) -> dict[str, str]:
    today = timezone.localdate()
    return {
        "confirmed_by": "Jo Rivers",
        "confirmed_on": today.isoformat(),
        "expires_on": today.replace(year=today.year + 1).isoformat(),
    }


def _placement_data(w: Any) -> dict[str, Any]:
    from tests.provision.factories import placement_form

    return placement_form(w.provider)


def _end_data(w: Any) -> dict[str, str]:
    return {"on": timezone.localdate().isoformat(), "reason": "Returned to school full time."}


def _review_data(w: Any) -> dict[str, str]:
    return {
        "date": timezone.localdate().isoformat(),
        "notes": "Going well.",
        "continue_placement": "on",
    }


def _report_data(w: Any) -> dict[str, str]:
    return {"date": timezone.localdate().isoformat(), "session": "AM", "outcome": "attended"}


def _cases() -> list[Case]:
    cases = [
        Case("provision:placement-list", "list", CASE, setup=_setup),
        Case("provision:placement-list", "export", CASE, setup=_setup, query="export=csv"),
        Case("provision:reconciliation", "list", CASE, setup=_setup),
        Case("provision:reconciliation", "export", CASE, setup=_setup, query="export=xlsx"),
        Case("provision:provider-list", "list", READERS, setup=_setup),
        Case("provision:provider-create", "form", EDITORS),
        Case("provision:provider-create", "post", EDITORS_POST, method="post", data=_provider_data),
        Case("provision:provider-detail", "ours", READERS, pk("provider"), setup=_setup),
        Case(
            "provision:provider-detail", "other school", NOBODY, pk("other_provider"), setup=_setup
        ),
        Case("provision:provider-edit", "ours", EDITORS, pk("provider"), setup=_setup),
        Case(
            "provision:provider-edit",
            "post",
            EDITORS_POST,
            pk("provider"),
            setup=_setup,
            method="post",
            data=_provider_data,
        ),
        Case("provision:provider-edit", "other school", NOBODY, pk("other_provider"), setup=_setup),
        Case("provision:confirmation-create", "ours", EDITORS, pk("provider"), setup=_setup),
        Case(
            "provision:confirmation-create",
            "post",
            EDITORS_POST,
            pk("provider"),
            setup=_setup,
            method="post",
            data=_confirmation_data,
        ),
        Case(
            "provision:confirmation-create",
            "other school",
            NOBODY,
            pk("other_provider"),
            setup=_setup,
            method="post",
            data=_confirmation_data,
        ),
        Case("provision:confirmation-letter", "ours", READERS, pk("confirmation"), setup=_setup),
        Case(
            "provision:confirmation-letter",
            "other school",
            NOBODY,
            pk("other_confirmation"),
            setup=_setup,
        ),
    ]
    for name in ("provision:learner", "provision:where", "provision:placement-create"):
        cases += [
            Case(name, "learner9", CASE, pk("learner9"), setup=_setup),
            Case(name, "learner10", WHOLE, pk("learner10"), setup=_setup),
            Case(name, "other school", NOBODY, pk("other_learner"), setup=_setup),
        ]
    cases += [
        Case(
            "provision:where",
            "a chosen session",
            CASE,
            pk("learner9"),
            setup=_setup,
            query=f"date={timezone.localdate().isoformat()}&session=PM",
        ),
        Case(
            "provision:placement-create",
            "post learner9",
            CASE_POST,
            pk("learner9"),
            setup=_setup,
            method="post",
            data=_placement_data,
        ),
        Case(
            "provision:placement-create",
            "post learner10",
            WHOLE_POST,
            pk("learner10"),
            setup=_setup,
            method="post",
            data=_placement_data,
        ),
    ]
    for name in ("provision:placement-detail", "provision:placement-edit"):
        cases += [
            Case(name, "learner9", CASE, pk("placement9"), setup=_setup),
            Case(name, "learner10", WHOLE, pk("placement10"), setup=_setup),
            Case(name, "other school", NOBODY, pk("other_placement"), setup=_setup),
        ]
    cases.append(
        Case(
            "provision:placement-edit",
            "post",
            CASE_POST,
            pk("placement9"),
            setup=_setup,
            method="post",
            data=_placement_data,
        )
    )
    posts = [
        ("provision:placement-start", "draft9", "other_draft", lambda w: {}),
        ("provision:placement-end", "placement9", "other_placement", _end_data),
        ("provision:review-create", "placement9", "other_placement", _review_data),
        ("provision:report-create", "placement9", "other_placement", _report_data),
    ]
    for name, ours, theirs, data in posts:
        cases += [
            Case(name, "post", CASE_POST, pk(ours), setup=_setup, method="post", data=data),
            Case(name, "other school", NOBODY, pk(theirs), setup=_setup, method="post", data=data),
        ]
    for name in ("provision:review-create", "provision:report-create"):
        cases += [
            Case(name, "form learner9", CASE, pk("placement9"), setup=_setup),
            Case(name, "form learner10", WHOLE, pk("placement10"), setup=_setup),
        ]
    return cases


CASES = _cases()
