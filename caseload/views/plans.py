"""Action plans: create, read (with versions and diffs), amend, status, review."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from caseload import forms, selectors, services
from caseload.models import Plan
from caseload.versions import diff_snapshots
from caseload.views._common import int_param, render_form
from pastoral import audit
from pastoral.access import Cap, Scope, learner_or_404, require
from pastoral.forms import apply_errors

CONFLICT_STATUS = 409


def _plan_forms(request: HttpRequest, scope: Scope, plan: Plan | None) -> tuple[Any, Any]:
    needs = selectors.plan_need_choices(scope, plan)
    data = request.POST if request.method == "POST" else None
    if plan is None:
        form = forms.PlanForm(
            data, needs=needs, initial={"start": timezone.localdate(), "type": Plan.Type.PSP}
        )
        targets = forms.TargetFormSet(data, prefix="targets", initial=[{}, {}])
    else:
        form = forms.PlanForm(data, needs=needs, instance=plan, initial={"version": plan.version})
        targets = forms.TargetFormSet(data, prefix="targets", initial=forms.target_initial(plan))
    return form, targets


def _carry_forward(form: Any, conflict: services.StaleVersion) -> None:
    """After a lost race the form keeps the person's text but now names the
    latest version, so submitting again applies their changes on top of it."""
    form.data = form.data.copy()
    form.data["version"] = str(conflict.plan.version)


def _plan_fields(form: Any) -> dict[str, Any]:
    return {k: v for k, v in form.cleaned_data.items() if k not in ("needs", "version")}


def _form_page(
    request: HttpRequest, template: str, context: dict[str, Any], conflict: Any
) -> HttpResponse:
    """A plan form: 409 after a lost race (the person's text kept), else as any form page."""
    if conflict is not None:
        return render(request, template, context, status=CONFLICT_STATUS)
    return render_form(request, template, context)


@require_http_methods(["GET", "POST"])
def plan_create(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require(request.scope, Cap.MANAGE_PLANS)
    learner = learner_or_404(scope, pk, Cap.MANAGE_PLANS)
    form, targets = _plan_forms(request, scope, None)
    if request.method == "POST" and form.is_valid() & targets.is_valid():
        try:
            plan = services.plan_create(
                scope=scope,
                learner=learner,
                fields=_plan_fields(form),
                targets=targets.targets(),
                needs=form.cleaned_data["needs"],
                status=Plan.Status.ACTIVE if "activate" in request.POST else Plan.Status.DRAFT,
            )
        except ValidationError as exc:
            apply_errors(form, exc, {"targets": targets})
        else:
            messages.success(request, "Plan saved as version 1.")
            return redirect("caseload:plan-detail", pk=plan.pk)
    return render_form(
        request,
        "caseload/plan_form.html",
        {"form": form, "targets": targets, "learner": learner, "plan": None},
    )


@require_GET
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require(request.scope, Cap.MANAGE_PLANS)
    plan = selectors.plan_or_404(scope, pk)
    versions = selectors.plan_versions(plan)
    context = {
        "plan": plan,
        "learner": plan.learner,
        "reviews": selectors.plan_reviews(plan, versions),
        "versions": versions,
        "status_choices": [c for c in Plan.Status.choices if c[0] != plan.status],
    }
    audit.viewed(scope, plan, action="caseload.plan.viewed", learners=[plan.learner])
    return render(request, "caseload/plan_detail.html", context)


@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require(request.scope, Cap.MANAGE_PLANS)
    plan = selectors.plan_or_404(scope, pk)
    form, targets = _plan_forms(request, scope, plan)
    conflict = None
    if request.method == "POST" and form.is_valid() & targets.is_valid():
        try:
            amended = services.plan_amend(
                scope=scope,
                plan=plan,
                expected_version=form.cleaned_data.get("version") or 0,
                fields=_plan_fields(form),
                targets=targets.targets(),
                needs=form.cleaned_data["needs"],
            )
        except services.StaleVersion as exc:
            conflict = exc
            _carry_forward(form, exc)
        except ValidationError as exc:
            apply_errors(form, exc, {"targets": targets})
        else:
            messages.success(request, f"Plan amended: now version {amended.version}.")
            return redirect("caseload:plan-detail", pk=plan.pk)
    context = {
        "form": form,
        "targets": targets,
        "learner": plan.learner,
        "plan": plan,
        "conflict": conflict,
    }
    return _form_page(request, "caseload/plan_form.html", context, conflict)


@require_POST
def plan_status(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require(request.scope, Cap.MANAGE_PLANS)
    plan = selectors.plan_or_404(scope, pk)
    form = forms.StatusForm(request.POST)
    if form.is_valid():
        try:
            services.plan_set_status(
                scope=scope,
                plan=plan,
                status=form.cleaned_data["status"],
                expected_version=form.cleaned_data["version"],
            )
        except services.StaleVersion as exc:
            messages.error(request, str(exc))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request, f"Plan is now {Plan.Status(form.cleaned_data['status']).label.lower()}."
            )
    else:
        messages.error(request, "Choose a status.")
    return redirect("caseload:plan-detail", pk=plan.pk)


@require_http_methods(["GET", "POST"])
def plan_review(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require(request.scope, Cap.MANAGE_PLANS)
    plan = selectors.plan_or_404(scope, pk)
    current_targets = list(plan.targets.all())
    data = request.POST if request.method == "POST" else None
    form = forms.ReviewForm(
        data,
        initial={"date": timezone.localdate(), "version": plan.version, "outcome": "continue"},
    )
    progress = forms.ProgressFormSet(
        data, prefix="progress", initial=[{"target": t.pk} for t in current_targets]
    )
    targets = forms.TargetFormSet(data, prefix="targets", initial=forms.target_initial(plan))
    by_id = {t.pk: t for t in current_targets}
    for pform in progress.forms:
        tid = int_param(str(pform["target"].value() or ""))
        pform.target_obj = by_id.get(tid or 0)
    conflict = None
    if plan.status != Plan.Status.ACTIVE:
        form.add_error(None, "Only an active plan can be reviewed: activate it first.")
    elif request.method == "POST" and (form.is_valid() & progress.is_valid() & targets.is_valid()):
        try:
            review = services.plan_review(
                scope=scope,
                plan=plan,
                expected_version=form.cleaned_data["version"],
                date=form.cleaned_data["date"],
                outcome=form.cleaned_data["outcome"],
                summary=form.cleaned_data["summary"],
                next_review=form.cleaned_data["next_review"],
                progress=[f.cleaned_data for f in progress.forms],
                amended_targets=targets.targets(),
            )
        except services.StaleVersion as exc:
            conflict = exc
            _carry_forward(form, exc)
        except ValidationError as exc:
            apply_errors(form, exc, {"targets": targets, "progress": progress})
        else:
            note = (
                f" The plan was amended: now version {review.version_created}."
                if review.version_created
                else ""
            )
            messages.success(request, f"Review recorded.{note}")
            return redirect("caseload:plan-detail", pk=plan.pk)
    context = {
        "plan": plan,
        "learner": plan.learner,
        "form": form,
        "progress": progress,
        "targets": targets,
        "conflict": conflict,
    }
    return _form_page(request, "caseload/plan_review.html", context, conflict)


@require_GET
def plan_version(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    scope = require(request.scope, Cap.MANAGE_PLANS)
    plan = selectors.plan_or_404(scope, pk)
    version = selectors.plan_version_or_404(plan, number)
    audit.viewed(
        scope, plan, action="caseload.plan.viewed", learners=[plan.learner], version=number
    )
    return render(
        request,
        "caseload/plan_version.html",
        {"plan": plan, "learner": plan.learner, "version": version, "s": version.snapshot},
    )


@require_GET
def plan_diff(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require(request.scope, Cap.MANAGE_PLANS)
    plan = selectors.plan_or_404(scope, pk)
    versions = selectors.plan_versions(plan)
    new = int_param(request.GET.get("b")) or plan.version
    old = int_param(request.GET.get("a")) or max(new - 1, 1)
    by_number = {v.number: v for v in versions}
    if old not in by_number or new not in by_number:
        old, new = max(plan.version - 1, 1), plan.version
    diff = diff_snapshots(by_number[old].snapshot, by_number[new].snapshot)
    audit.viewed(
        scope, plan, action="caseload.plan.viewed", learners=[plan.learner], versions=[old, new]
    )
    return render(
        request,
        "caseload/plan_diff.html",
        {
            "plan": plan,
            "learner": plan.learner,
            "diff": diff,
            "old": by_number[old],
            "new": by_number[new],
            "numbers": [v.number for v in versions],
        },
    )
