"""Suspensions and permanent exclusions: the list, recording one, one record
(with its reintegration meeting), the parents' letter, the notices due and the
register's code E reconciled with the suspension days."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from behaviour import exclusion_columns as columns
from behaviour import exclusion_rules as rules
from behaviour.exclusion_forms import ExclusionForm, NoticeSentForm, ReintegrationForm
from behaviour.selectors import exclusions as selectors
from behaviour.services import exclusions as services
from behaviour.views.common import page_of
from pastoral import audit
from pastoral.exports import export_format, export_response
from pastoral.forms import apply_errors, render_invalid
from pastoral.people.rules import active_restrictions
from pastoral.reports.pdf import render_pdf


def _flag(rows: list[Any], scope: Any) -> list[Any]:
    """Each exclusion's learner's governors' flag (three queries for the lot)."""
    ids = sorted({e.learner_id for e in rows})
    standings = selectors.standings_of(scope.school.pk, ids, timezone.localdate()) if ids else {}
    for e in rows:
        standing = standings.get(e.learner_id)
        e.standing = standing
        e.flag_text = standing.flag_text if standing else ""
    return rows


@never_cache
@require_GET
def exclusion_list(request: HttpRequest) -> HttpResponseBase:
    scope = selectors.require_exclusions(request.scope)
    kind = request.GET.get("kind", "")
    kind = kind if kind in ("suspension", "permanent") else ""
    rows = selectors.exclusions_for(scope, kind=kind)
    if (fmt := export_format(request)) is not None:
        return export_response(
            request,
            scope,
            rows=rows,
            prepare=lambda chunk: _flag(chunk, scope),
            columns=columns.EXCLUSIONS,
            filename="suspensions",
            fmt=fmt,
            audit_action="behaviour.exclusions.exported",
            filters={"kind": kind},
        )
    page = page_of(request, rows)
    _flag(list(page.object_list), scope)
    response = render(request, "behaviour/exclusion_list.html", {"page": page, "kind": kind})
    audit.viewed(scope, action="behaviour.exclusions.listed", page=page.number)
    return response


def _create_form(request: HttpRequest, scope: Any, learner: Any) -> tuple[ExclusionForm, dict]:
    incidents = selectors.learner_incidents(scope, learner)
    parents = selectors.parents_for_letter(learner)
    form = ExclusionForm(
        request.POST or None,
        incident_choices=[
            (i.pk, f"{i.reference} {timezone.localtime(i.occurred_at):%d/%m/%Y}: {i.type.name}")
            for i in incidents
        ],
        parent_choices=[(p.pk, str(p)) for p in parents],
        initial={"decided_by": scope.school.headteacher, "start_date": timezone.localdate()},
    )
    warnings = [(p, rs) for p in parents if (rs := active_restrictions(p))]
    return form, {
        "incidents": {i.pk: i for i in incidents},
        "parents": {p.pk: p for p in parents},
        "warnings": warnings,
    }


@never_cache
@require_http_methods(["GET", "POST"])
def exclusion_create(request: HttpRequest, pk: int) -> HttpResponse:
    scope = selectors.require_exclusions(request.scope)
    learner = selectors.learner_for_exclusion(scope, pk)
    form, known = _create_form(request, scope, learner)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            letter_to = None
            if data["letter_to"] is not None:
                letter_to = known["parents"].get(data["letter_to"])
                if letter_to is None:
                    raise ValidationError({"letter_to": "Choose one of the learner's parents."})
            exclusion = services.exclusion_record(
                scope=scope,
                learner=learner,
                kind=data["kind"],
                reason=data["reason"],
                start_date=data["start_date"],
                start_session=data["start_session"],
                sessions=data["sessions"],
                decided_by=data["decided_by"],
                day_six_provision=data["day_six_provision"],
                notes=data["notes"],
                incidents=[known["incidents"][i] for i in data["incidents"]],
                letter_to=letter_to,
                acknowledge_restriction=data["acknowledge_restriction"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                f"{exclusion.get_kind_display()} {exclusion.reference} recorded; "
                f"{exclusion.notices.count()} notices due.",
            )
            return redirect("behaviour:exclusion-detail", pk=exclusion.pk)
    context = {
        "form": form,
        "learner": learner,
        "warnings": known["warnings"],
        "standing": selectors.standing_of(scope, learner),
    }
    if request.method == "POST":
        return render_invalid(request, "behaviour/exclusion_form.html", context)
    response = render(request, "behaviour/exclusion_form.html", context)
    audit.viewed(scope, learner, action="behaviour.exclusion_form.viewed", learners=[learner])
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def exclusion_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scope = selectors.require_exclusions(request.scope)
    exclusion = selectors.exclusion_for(scope, pk)
    staff = [(u.pk, u.full_name or u.email) for u in selectors.staff_for(scope)]
    form = ReintegrationForm(
        request.POST or None,
        staff=staff,
        initial={
            "on": exclusion.reintegration_on,
            "with_user": exclusion.reintegration_with_id or scope.user.pk,
        },
    )
    if request.method == "POST" and form.is_valid():
        users = {u.pk: u for u in selectors.staff_for(scope)}
        try:
            services.reintegration_schedule(
                scope=scope,
                exclusion=exclusion,
                on=form.cleaned_data["on"],
                with_user=users[form.cleaned_data["with_user"]],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Reintegration meeting scheduled.")
            return redirect("behaviour:exclusion-detail", pk=exclusion.pk)
    reconciliation = selectors.reconciliation_for(scope, learner=exclusion.learner)
    context = {
        "e": exclusion,
        "form": form,
        "notices": selectors.notices_of(exclusion),
        "incidents": selectors.incidents_of(exclusion),
        "standing": selectors.standing_of(scope, exclusion.learner),
        "mismatches": [m for m in reconciliation.rows if m.exclusion == exclusion],
    }
    if request.method == "POST":
        return render_invalid(request, "behaviour/exclusion_detail.html", context)
    response = render(request, "behaviour/exclusion_detail.html", context)
    audit.viewed(scope, exclusion, learners=[exclusion.learner])
    return response


@never_cache
@require_GET
def exclusion_letter(request: HttpRequest, pk: int) -> HttpResponse:
    """The letter to parents (WeasyPrint), from templates/pdf/behaviour_exclusion_letter.html;
    any contact restriction on the parents is printed where the sender cannot miss it."""
    scope = selectors.require_exclusions(request.scope)
    exclusion = selectors.exclusion_for(scope, pk)
    learner = exclusion.learner
    parents = selectors.parents_for_letter(learner)
    recipient = next((p for p in parents if p.pk == exclusion.letter_to_id), None)
    warnings = [(p, rs) for p in parents if (rs := active_restrictions(p))]
    warnings.sort(key=lambda pair: pair[0] != recipient)
    _html, pdf = render_pdf(
        "pdf/behaviour_exclusion_letter.html",
        {
            "e": exclusion,
            "school": scope.school,
            "learner": learner,
            "recipient": recipient,
            "warnings": warnings,
            "day_six": rules.DAY_SIX_AFTER_DAYS,
            "dates": selectors.letter_dates(exclusion),
            "today": timezone.localdate(),
            "printed_by": scope.user,
        },
    )
    response = HttpResponse(pdf.content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="exclusion-{exclusion.reference}.pdf"'
    audit.viewed(scope, exclusion, action="behaviour.exclusion_letter.viewed", learners=[learner])
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def notices(request: HttpRequest) -> HttpResponseBase:
    """The notices due: the local authority, social workers, virtual school heads
    and the governors, each a dated task marked sent (when, by whom, how)."""
    scope = selectors.require_exclusions(request.scope)
    show = request.GET.get("show", "due")
    show = show if show in ("due", "sent", "all") else "due"
    rows = selectors.notices_for(scope, show=show)
    if (fmt := export_format(request)) is not None:
        return export_response(
            request,
            scope,
            rows=rows,
            columns=columns.NOTICES,
            filename="exclusion-notices",
            fmt=fmt,
            audit_action="behaviour.exclusion_notices.exported",
            filters={"show": show},
        )
    form = NoticeSentForm(request.POST or None, initial={"sent_on": timezone.localdate()})
    failed: int | None = None
    if request.method == "POST":
        if form.is_valid():
            notice = selectors.notice_for(scope, form.cleaned_data["notice"])
            try:
                services.notice_mark_sent(
                    scope=scope,
                    notice=notice,
                    sent_on=form.cleaned_data["sent_on"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as exc:
                apply_errors(form, exc)
                failed = notice.pk
            else:
                messages.success(
                    request,
                    f"{notice.get_to_display()} told about {notice.exclusion.reference}.",
                )
                return redirect("behaviour:exclusion-notices")
        else:
            failed = form.cleaned_data.get("notice") if hasattr(form, "cleaned_data") else None
    page = page_of(request, rows)
    flagged = _flag([n.exclusion for n in page.object_list], scope)
    context = {
        "page": page,
        "show": show,
        "form": form,
        "failed": failed,
        "flagged": [e for e in flagged if e.flag_text],
        "today": timezone.localdate(),
    }
    if request.method == "POST":
        return render_invalid(request, "behaviour/exclusion_notices.html", context)
    response = render(request, "behaviour/exclusion_notices.html", context)
    audit.viewed(scope, action="behaviour.exclusion_notices.listed", page=page.number)
    return response


@never_cache
@require_GET
def mismatches(request: HttpRequest) -> HttpResponseBase:
    """Code E against the suspension days, this school year."""
    scope = selectors.require_exclusions(request.scope)
    result = selectors.reconciliation_for(scope)
    if (fmt := export_format(request)) is not None:
        return export_response(
            request,
            scope,
            rows=result.rows,
            columns=columns.MISMATCHES,
            filename="code-e-mismatches",
            fmt=fmt,
            audit_action="behaviour.exclusion_mismatches.exported",
        )
    page = page_of(request, result.rows)
    response = render(
        request, "behaviour/exclusion_mismatches.html", {"page": page, "result": result}
    )
    audit.viewed(scope, action="behaviour.exclusion_mismatches.listed", page=page.number)
    return response
