"""Permission matrix for the report machinery, CP transfers, bundles and every report."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

import tests.reports.kinds  # noqa: F401  (the machinery's test-only report kind)
from pastoral.access import scope_for
from tests.matrix import ALL_OK, Case, every, only

HX = {"HTTP_HX_REQUEST": "true"}


def _hoy_export(world: Any) -> None:
    from pastoral.reports.services import report_request

    user = world.user("hoy")
    world.report_job = report_request(
        scope=scope_for(user, world.school), kind="test_echo", title="Echo"
    )


def _other_school_export(world: Any) -> None:
    from pastoral.reports.services import report_request

    world.report_job = report_request(
        scope=scope_for(world.outsider, world.other_school),
        kind="test_echo",
        title="Echo",
    )


def _transfer(world: Any) -> None:
    from pastoral.reports.models import CPFileTransfer

    world.transfer = CPFileTransfer.objects.create(
        school=world.school,
        learner=world.learner9,
        receiving_school="Riverside Academy",
        method=CPFileTransfer.Method.SECURE_EMAIL,
        sent_at=timezone.now() - dt.timedelta(days=2),
        sent_by=world.user("dsl"),
    )


def _other_school_transfer(world: Any) -> None:
    from pastoral.reports.models import CPFileTransfer

    world.transfer = CPFileTransfer.objects.create(
        school=world.other_school,
        learner=world.other_learner,
        receiving_school="Riverside Academy",
        method=CPFileTransfer.Method.SECURE_EMAIL,
        sent_at=timezone.now() - dt.timedelta(days=2),
        sent_by=world.outsider,
    )


def _imported_bundle(school: Any, learner: Any, by: Any) -> Any:
    from pastoral.reports.models import ImportedBundle

    return ImportedBundle.objects.create(
        school=school,
        learner=learner,
        origin_school="Riverside Academy",
        origin_exported_at=timezone.now(),
        schema_version="1.1",
        sha256="0" * 64,
        imported_by=by,
        receipt="PASTORAL-RECEIPT.e30.AAAA",
        receipt_reference="100001-T1",
    )


def _bundle_here(world: Any) -> None:
    world.imported = _imported_bundle(world.school, world.learner9, world.user("dsl"))


def _bundle_elsewhere(world: Any) -> None:
    world.imported = _imported_bundle(world.other_school, world.other_learner, world.outsider)


def _job(world: Any) -> dict[str, Any]:
    return {"pk": world.report_job.pk}


_REQUESTER_OR_DSL = only(hoy=True, dsl=True)

CASES = [
    Case("reports:job-list", "own exports", ALL_OK),
    Case("reports:job-detail", "hoy's export", _REQUESTER_OR_DSL, kwargs=_job, setup=_hoy_export),
    Case(
        "reports:job-detail",
        "other school's export",
        every(404),
        kwargs=_job,
        setup=_other_school_export,
    ),
    Case(
        "reports:job-status",
        "htmx poll",
        _REQUESTER_OR_DSL,
        kwargs=_job,
        setup=_hoy_export,
        headers=HX,
    ),
    Case(
        "reports:job-download",
        "hoy's export",
        _REQUESTER_OR_DSL,
        kwargs=_job,
        setup=_hoy_export,
    ),
    Case(
        "reports:job-download",
        "other school's export",
        every(404),
        kwargs=_job,
        setup=_other_school_export,
    ),
    Case(
        "reports:job-status",
        "other school's export",
        every(404),
        kwargs=_job,
        setup=_other_school_export,
        headers=HX,
    ),
    Case("reports:cp-transfer-list", "school", only(dsl=True)),
    Case(
        "reports:cp-transfer-receipt",
        "other school's transfer",
        every(404),
        kwargs=lambda w: {"pk": w.transfer.pk},
        setup=_other_school_transfer,
    ),
    Case(
        "reports:cp-transfer-receipt",
        "form",
        only(dsl=True),
        kwargs=lambda w: {"pk": w.transfer.pk},
        setup=_transfer,
    ),
    Case(
        "reports:cp-transfer-receipt",
        "confirm",
        only(ok=302, dsl=True),
        kwargs=lambda w: {"pk": w.transfer.pk},
        setup=_transfer,
        method="post",
        data=lambda w: {
            "confirmed_by": "Rita Receiver",
            "confirmed_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        },
    ),
    Case("reports:bundle-import", "form", only(dsl=True)),
    Case(
        "reports:bundle-receipt",
        "receipt of a bundle imported here",
        only(dsl=True),
        kwargs=lambda w: {"pk": w.imported.pk},
        setup=_bundle_here,
    ),
    Case(
        "reports:bundle-receipt",
        "other school's bundle",
        every(404),
        kwargs=lambda w: {"pk": w.imported.pk},
        setup=_bundle_elsewhere,
    ),
    Case(
        "reports:imported-records",
        "learner in year 9 and on caseload",
        only(support=True, hoy=True, senco=True, dsl=True),
        kwargs=lambda w: {"pk": w.learner9.pk},
    ),
    Case(
        "reports:imported-records",
        "learner outside years and caseload",
        only(senco=True, dsl=True),
        kwargs=lambda w: {"pk": w.learner10.pk},
    ),
    Case(
        "reports:imported-records",
        "other school",
        every(404),
        kwargs=lambda w: {"pk": w.other_learner.pk},
    ),
]


# --- the reports themselves ---------------------------------------------------------------

_L9 = lambda w: {"pk": w.learner9.pk}  # noqa: E731
_L10 = lambda w: {"pk": w.learner10.pk}  # noqa: E731
_OTHER = lambda w: {"pk": w.other_learner.pk}  # noqa: E731
_TRANSFER_ROLES = only(hoy=True, senco=True, dsl=True)


def _now() -> str:
    return timezone.localtime().strftime("%Y-%m-%dT%H:%M")


CASES += [
    Case("caseload_reports:transfer", "learner in hoy's year", _TRANSFER_ROLES, kwargs=_L9),
    Case(
        "caseload_reports:transfer",
        "learner outside hoy's year",
        only(senco=True, dsl=True),
        kwargs=_L10,
    ),
    Case("caseload_reports:transfer", "other school", every(404), kwargs=_OTHER),
    Case(
        "caseload_reports:transfer",
        "export",
        only(ok=302, hoy=True, senco=True, dsl=True),
        kwargs=_L9,
        method="post",
        data=lambda w: {"sections": ["profile", "concerns"], "destination": "Riverside"},
    ),
    Case("caseload_reports:case-conference", "form", _TRANSFER_ROLES, kwargs=_L9),
    Case("caseload_reports:case-conference", "other school", every(404), kwargs=_OTHER),
    Case(
        "caseload_reports:case-conference",
        "export",
        only(ok=302, hoy=True, senco=True, dsl=True),
        kwargs=_L9,
        method="post",
        data=lambda w: {
            "since": "2020-01-01",
            "meeting": "Core group",
            "sections": ["profile", "concerns"],
        },
    ),
    Case("caseload_reports:bundle", "form", only(dsl=True), kwargs=_L9),
    Case("caseload_reports:bundle", "export", only(ok=302, dsl=True), kwargs=_L9, method="post"),
    Case("caseload_reports:bundle", "other school", every(404), kwargs=_OTHER),
    # The leaver's CTF: MIS data, the administrator's (like the imports).
    Case("caseload_reports:leaver-ctf", "form", only(admin=True), kwargs=_L9),
    Case(
        "caseload_reports:leaver-ctf",
        "form, learner outside any case scope",
        only(admin=True),
        kwargs=lambda w: {"pk": w.learner10.pk},
    ),
    Case(
        "caseload_reports:leaver-ctf",
        "download",
        only(admin=True),
        kwargs=_L9,
        method="post",
        data=lambda w: {"source_estab": "4012", "dest_la": "MMM", "dest_estab": "MMMM"},
    ),
    Case("caseload_reports:leaver-ctf", "other school", every(404), kwargs=_OTHER),
    Case("caseload_reports:caseload-review", "form", only(hoy=True, senco=True)),
    Case(
        "caseload_reports:caseload-review",
        "export",
        only(ok=302, hoy=True, senco=True),
        method="post",
        data=lambda w: {"since": ""},
    ),
    Case("safeguarding_reports:cp-transfer", "form", only(dsl=True), kwargs=_L9),
    Case("safeguarding_reports:cp-transfer", "other school", every(404), kwargs=_OTHER),
    Case(
        "safeguarding_reports:cp-transfer",
        "send",
        only(ok=302, dsl=True),
        kwargs=_L9,
        method="post",
        data=lambda w: {
            "receiving_school": "Riverside Academy",
            "method": "email",
            "sent_at": _now(),
        },
    ),
    Case("safeguarding_reports:agency-report", "form", only(senco=True, dsl=True), kwargs=_L9),
    Case(
        "safeguarding_reports:agency-report",
        "export",
        only(ok=302, senco=True, dsl=True),
        kwargs=_L9,
        method="post",
        data=lambda w: {
            "agency_name": "CAMHS",
            "sections": ["profile", "concerns"],
            "summary": "Please assess.",
        },
    ),
    Case("safeguarding_reports:agency-report", "other school", every(404), kwargs=_OTHER),
]
