"""Caseload pages: thin views over caseload.selectors and caseload.services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from caseload import forms, selectors, services
from caseload.models import Allocation, Plan
from caseload.versions import diff_snapshots
from pastoral import audit
from pastoral.access import Cap, learner_or_404, learners_for, require
from pastoral.models import Agency, YearGroup

PAGE_SIZE = 25


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _page(request: HttpRequest, qs: Any, size: int = PAGE_SIZE) -> Any:
    return Paginator(qs, size).get_page(request.GET.get("page"))


# --- my caseload and the board ----------------------------------------------------


@require_GET
def my_caseload(request: HttpRequest) -> HttpResponse:
    scope = require(request.scope, Cap.VIEW_PROFILE)
    page = _page(request, selectors.my_caseload_for(scope))
    selectors.decorate(page.object_list)
    return render(request, "caseload/my_caseload.html", {"page": page})


def _board_filters(request: HttpRequest) -> selectors.BoardFilters:
    return selectors.BoardFilters(
        year=_int(request.GET.get("year")),
        need=_int(request.GET.get("need")),
        worker=_int(request.GET.get("worker")),
    )


@require_GET
def board(request: HttpRequest) -> HttpResponse:
    scope = require(request.scope, Cap.VIEW_CASELOAD_BOARD)
    filters = _board_filters(request)
    page = _page(request, selectors.board_learners_for(scope, filters))
    page.object_list = selectors.decorate(list(page.object_list))
    workers = list(selectors.key_workers_for(scope))
    query = request.GET.copy()
    query.pop("page", None)
    years = YearGroup.objects.filter(school=scope.school)
    if not scope.has("senco"):
        years = years.filter(pk__in=sorted(scope.year_group_ids))
    context = {
        "page": page,
        "summary": selectors.board_workers_for(scope, filters),
        "filters": filters,
        "years": list(years),
        "needs": list(selectors.needs_for(scope, active_only=False)),
        "workers": workers,
        "query": query.urlencode(),
        "soon_days": selectors.REVIEW_SOON_DAYS,
        "reallocate_form": forms.ReallocateForm(workers=selectors.key_workers_for(scope)),
    }
    return render(request, "caseload/board.html", context)


@require_POST
def reallocate(request: HttpRequest) -> HttpResponse:
    scope = require(request.scope, Cap.ALLOCATE_CASELOADS)
    form = forms.ReallocateForm(request.POST, workers=selectors.key_workers_for(scope))
    if form.is_valid():
        data = form.cleaned_data
        if data["all_of_worker"]:
            ids = list(
                Allocation.objects.current(data["start"])
                .filter(worker=data["from_worker"], school=scope.school)
                .filter(learner__in=learners_for(scope, Cap.ALLOCATE_CASELOADS))
                .values_list("learner_id", flat=True)
            )
        else:
            ids = form.learner_ids
        try:
            moved = services.allocations_reallocate(
                scope=scope,
                from_worker=data["from_worker"],
                to_worker=data["to_worker"],
                learner_ids=ids,
                start=data["start"],
                reason=data["reason"],
            )
        except ValidationError as exc:
            forms.apply_service_errors(exc, form)
        else:
            messages.success(
                request, f"Moved {len(moved)} learner(s) to {data['to_worker']}'s caseload."
            )
            return redirect("caseload:board")
    return render(request, "caseload/reallocate.html", {"form": form}, status=400)


@require_http_methods(["GET", "POST"])
def allocation_create(request: HttpRequest) -> HttpResponse:
    scope = require(request.scope, Cap.ALLOCATE_CASELOADS)
    learners = learners_for(scope, Cap.ALLOCATE_CASELOADS)
    form = forms.AllocationForm(
        request.POST or None,
        learners=learners,
        workers=selectors.key_workers_for(scope),
        initial={"learner": _int(request.GET.get("learner"))},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            allocation = services.allocation_create(scope=scope, **data)
        except ValidationError as exc:
            forms.apply_service_errors(exc, form)
        else:
            messages.success(request, f"{allocation.learner} allocated to {allocation.worker}.")
            return redirect("caseload:profile", pk=allocation.learner_id)
    return render(request, "caseload/allocation_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
def allocation_end(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require(request.scope, Cap.ALLOCATE_CASELOADS)
    allocation = selectors.allocation_or_404(scope, pk)
    form = forms.EndAllocationForm(request.POST or None, initial={"end": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.allocation_end(scope=scope, allocation=allocation, **form.cleaned_data)
        except ValidationError as exc:
            forms.apply_service_errors(exc, form)
        else:
            messages.success(request, "Allocation ended; it stays in the learner's history.")
            return redirect("caseload:profile", pk=allocation.learner_id)
    return render(request, "caseload/allocation_end.html", {"form": form, "allocation": allocation})


# --- the learner profile -----------------------------------------------------------


@require_GET
def profile(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require(request.scope, Cap.VIEW_PROFILE)
    data = selectors.learner_profile_for(
        scope, pk, timeline_page=_int(request.GET.get("timeline")) or 1
    )
    # audit.record is atomic on its own: the page is only shown once its view is recorded.
    audit.record(
        "caseload.learner.viewed",
        actor=scope.user,
        school=scope.school,
        obj=data.learner,
    )
    return render(
        request,
        "caseload/profile.html",
        {"p": data, "learner": data.learner, "can_allocate": data.can_allocate},
    )


def _audit_view(request: HttpRequest, action: str, learner: Any, changes: dict[str, Any]) -> None:
    with transaction.atomic():
        audit.record(
            action,
            actor=request.scope.user,
            school=request.scope.school,
            obj=learner,
            changes=changes,
        )


@require_GET
def learner_sessions(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require(request.scope, Cap.RECORD_CONTACTS)
    learner = learner_or_404(scope, pk, Cap.RECORD_CONTACTS)
    page = _page(request, selectors.learner_sessions(learner))
    _audit_view(request, "caseload.sessions.viewed", learner, {"page": page.number})
    return render(request, "caseload/learner_sessions.html", {"learner": learner, "page": page})


@require_GET
def learner_contacts(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require(request.scope, Cap.RECORD_CONTACTS)
    learner = learner_or_404(scope, pk, Cap.RECORD_CONTACTS)
    page = _page(request, selectors.learner_contacts(learner))
    _audit_view(request, "caseload.contacts.viewed", learner, {"page": page.number})
    return render(request, "caseload/learner_contacts.html", {"learner": learner, "page": page})


# --- plans ---------------------------------------------------------------------------


def _plan_forms(request: HttpRequest, scope: Any, plan: Plan | None) -> tuple[Any, Any]:
    needs = selectors.needs_for(scope)
    if plan is not None:
        needs = needs | selectors.needs_for(scope, active_only=False).filter(plans=plan)
    data = request.POST if request.method == "POST" else None
    if plan is None:
        form = forms.PlanForm(
            data,
            needs=needs.distinct(),
            initial={"start": timezone.localdate(), "type": Plan.Type.PSP},
        )
        targets = forms.TargetFormSet(data, prefix="targets", initial=[{}, {}])
    else:
        form = forms.PlanForm(
            data, needs=needs.distinct(), instance=plan, initial={"version": plan.version}
        )
        targets = forms.TargetFormSet(data, prefix="targets", initial=forms.target_initial(plan))
    return form, targets


def _carry_forward(form: Any, conflict: services.StaleVersion) -> None:
    """After a lost race the form keeps the person's text but now names the
    latest version, so submitting again applies their changes on top of it."""
    form.data = form.data.copy()
    form.data["version"] = str(conflict.plan.version)


def _plan_fields(form: Any) -> dict[str, Any]:
    return {k: v for k, v in form.cleaned_data.items() if k not in ("needs", "version")}


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
                need_ids=[n.pk for n in form.cleaned_data["needs"]],
                status=Plan.Status.ACTIVE if "activate" in request.POST else Plan.Status.DRAFT,
            )
        except ValidationError as exc:
            forms.apply_service_errors(exc, form, {"targets": targets})
        else:
            messages.success(request, "Plan saved as version 1.")
            return redirect("caseload:plan-detail", pk=plan.pk)
    return render(
        request,
        "caseload/plan_form.html",
        {"form": form, "targets": targets, "learner": learner, "plan": None},
    )


@require_GET
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require(request.scope, Cap.MANAGE_PLANS)
    with transaction.atomic():
        plan = selectors.plan_or_404(scope, pk)
        audit.record(
            "caseload.plan.viewed",
            actor=scope.user,
            school=scope.school,
            obj=plan,
            learner=plan.learner,
        )
    versions = selectors.plan_versions(plan)
    return render(
        request,
        "caseload/plan_detail.html",
        {
            "plan": plan,
            "learner": plan.learner,
            "reviews": selectors.plan_reviews(plan),
            "versions": versions,
            "status_choices": [c for c in Plan.Status.choices if c[0] != plan.status],
        },
    )


@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require(request.scope, Cap.MANAGE_PLANS)
    plan = selectors.plan_or_404(scope, pk)
    form, targets = _plan_forms(request, scope, plan)
    conflict = None
    if request.method == "POST" and form.is_valid() & targets.is_valid():
        try:
            services.plan_amend(
                scope=scope,
                plan=plan,
                expected_version=form.cleaned_data.get("version") or 0,
                fields=_plan_fields(form),
                targets=targets.targets(),
                need_ids=[n.pk for n in form.cleaned_data["needs"]],
            )
        except services.StaleVersion as exc:
            conflict = exc
            _carry_forward(form, exc)
        except ValidationError as exc:
            forms.apply_service_errors(exc, form, {"targets": targets})
        else:
            plan.refresh_from_db(fields=["version"])
            messages.success(request, f"Plan amended: now version {plan.version}.")
            return redirect("caseload:plan-detail", pk=plan.pk)
    return render(
        request,
        "caseload/plan_form.html",
        {
            "form": form,
            "targets": targets,
            "learner": plan.learner,
            "plan": plan,
            "conflict": conflict,
        },
        status=409 if conflict else 200,
    )


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
        tid = _int(str(pform["target"].value() or ""))
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
            forms.apply_service_errors(exc, form, {"targets": targets, "progress": progress})
        else:
            note = (
                f" The plan was amended: now version {review.version_created}."
                if review.version_created
                else ""
            )
            messages.success(request, f"Review recorded.{note}")
            return redirect("caseload:plan-detail", pk=plan.pk)
    return render(
        request,
        "caseload/plan_review.html",
        {
            "plan": plan,
            "learner": plan.learner,
            "form": form,
            "progress": progress,
            "targets": targets,
            "conflict": conflict,
        },
        status=409 if conflict else 200,
    )


@require_GET
def plan_version(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    scope = require(request.scope, Cap.MANAGE_PLANS)
    plan = selectors.plan_or_404(scope, pk)
    version = selectors.plan_version_or_404(plan, number)
    with transaction.atomic():
        audit.record(
            "caseload.plan.viewed",
            actor=scope.user,
            school=scope.school,
            obj=plan,
            learner=plan.learner,
            changes={"version": number},
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
    numbers = [v.number for v in versions]
    new = _int(request.GET.get("b")) or plan.version
    old = _int(request.GET.get("a")) or max(new - 1, 1)
    by_number = {v.number: v for v in versions}
    if old not in by_number or new not in by_number:
        old, new = max(plan.version - 1, 1), plan.version
    diff = diff_snapshots(by_number[old].snapshot, by_number[new].snapshot)
    return render(
        request,
        "caseload/plan_diff.html",
        {
            "plan": plan,
            "learner": plan.learner,
            "diff": diff,
            "old": by_number[old],
            "new": by_number[new],
            "numbers": numbers,
        },
    )


# --- sessions and interventions -------------------------------------------------------


@require_http_methods(["GET", "POST"])
def one_to_one_session(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require(request.scope, Cap.RECORD_CONTACTS)
    learner = learner_or_404(scope, pk, Cap.RECORD_CONTACTS)
    form = forms.OneToOneSessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.one_to_one_session_record(scope=scope, learner=learner, **form.cleaned_data)
        except ValidationError as exc:
            forms.apply_service_errors(exc, form)
        else:
            messages.success(request, "Session recorded.")
            return redirect("caseload:profile", pk=learner.pk)
    return render(request, "caseload/session_form.html", {"form": form, "learner": learner})


@require_GET
def intervention_list(request: HttpRequest) -> HttpResponse:
    scope = require(request.scope, Cap.RECORD_CONTACTS)
    qs = selectors.interventions_for(scope).order_by("one_to_one", "name", "id")
    return render(request, "caseload/intervention_list.html", {"page": _page(request, qs)})


@require_http_methods(["GET", "POST"])
def intervention_create(request: HttpRequest) -> HttpResponse:
    scope = require(request.scope, Cap.RECORD_CONTACTS)
    form = forms.InterventionForm(
        request.POST or None,
        leaders=selectors.key_workers_for(scope),
        initial={"leader": scope.user.pk},
    )
    if request.method == "POST" and form.is_valid():
        try:
            group = services.intervention_create(scope=scope, **form.cleaned_data)
        except ValidationError as exc:
            forms.apply_service_errors(exc, form)
        else:
            messages.success(request, "Group created: add learners to its roster.")
            return redirect("caseload:intervention-detail", pk=group.pk)
    return render(request, "caseload/intervention_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
def intervention_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require(request.scope, Cap.RECORD_CONTACTS)
    group = selectors.intervention_or_404(scope, pk)
    can_run = selectors.can_run(scope, group)
    reach = learners_for(scope, Cap.RECORD_CONTACTS)
    form = forms.RosterAddForm(request.POST or None, learners=reach)
    if request.method == "POST":
        if not can_run:
            raise Http404("Not found")
        if form.is_valid():
            try:
                services.roster_add(
                    scope=scope,
                    intervention=group,
                    learner=form.cleaned_data["learner"],
                )
            except ValidationError as exc:
                forms.apply_service_errors(exc, form)
            else:
                messages.success(request, f"{form.cleaned_data['learner']} added to the group.")
                return redirect("caseload:intervention-detail", pk=group.pk)
    return render(
        request,
        "caseload/intervention_detail.html",
        {
            "group": group,
            "roster": selectors.roster_for(scope, group),
            "sessions": _page(request, selectors.sessions_of(group), 20),
            "can_run": can_run,
            "form": form,
        },
    )


@require_http_methods(["GET", "POST"])
def session_create(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require(request.scope, Cap.RECORD_CONTACTS)
    group = selectors.intervention_or_404(scope, pk)
    if not selectors.can_run(scope, group):
        raise Http404("Not found")
    roster = [e for e in selectors.roster_for(scope, group) if e.left is None]
    form = forms.RegisterForm(
        request.POST or None,
        roster=roster,
        learners=learners_for(scope, Cap.RECORD_CONTACTS),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            session = services.session_record(
                scope=scope,
                intervention=group,
                date=data["date"],
                marks=form.marks(),
                notes=data["notes"],
                outcomes=data["outcomes"],
                duration_minutes=data["duration_minutes"],
            )
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
            if data.get("also_present") and "register" in errors:
                # The extra learner is the one not on the roster: say so beside that field.
                form.add_error("also_present", errors.pop("register"))
            if errors:
                forms.apply_service_errors(ValidationError(errors), form)
        else:
            messages.success(request, "Session and register recorded.")
            return redirect("caseload:session-detail", pk=session.pk)
    return render(request, "caseload/register_form.html", {"form": form, "group": group})


@require_GET
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require(request.scope, Cap.RECORD_CONTACTS)
    session = selectors.session_or_404(scope, pk)
    marks = selectors.session_marks_for(scope, session)
    with transaction.atomic():
        audit.record(
            "caseload.session.viewed",
            actor=scope.user,
            school=scope.school,
            obj=session,
            changes={"learners": [m.learner_id for m in marks]},
        )
    return render(
        request,
        "caseload/session_detail.html",
        {"session": session, "marks": marks},
    )


# --- contacts log ---------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def contact_create(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require(request.scope, Cap.RECORD_CONTACTS)
    learner = learner_or_404(scope, pk, Cap.RECORD_CONTACTS)
    staff = selectors.staff_for(scope)
    form = forms.ContactLogForm(
        request.POST or None,
        parents=learner.contacts.all(),
        agencies=Agency.objects.filter(school=scope.school),
        colleagues=staff,
    )
    actions = forms.ActionFormSet(
        request.POST or None, prefix="actions", form_kwargs={"owners": staff}
    )
    if request.method == "POST" and form.is_valid() & actions.is_valid():
        try:
            entry = services.contact_log_create(
                scope=scope,
                learner=learner,
                fields=form.cleaned_data,
                actions=actions.actions(),
            )
        except ValidationError as exc:
            forms.apply_service_errors(exc, form, {"actions": actions})
        else:
            messages.success(request, f"{entry.get_kind_display()} logged.")
            return redirect("caseload:profile", pk=learner.pk)
    return render(
        request,
        "caseload/contact_form.html",
        {"form": form, "actions": actions, "learner": learner},
    )


@require_GET
def contact_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require(request.scope, Cap.RECORD_CONTACTS)
    with transaction.atomic():
        entry = selectors.contact_or_404(scope, pk)
        audit.record(
            "caseload.contact.viewed",
            actor=scope.user,
            school=scope.school,
            obj=entry,
            learner=entry.learner,
        )
    return render(
        request, "caseload/contact_detail.html", {"entry": entry, "learner": entry.learner}
    )


@require_POST
def action_done(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require(request.scope, Cap.RECORD_CONTACTS)
    action = selectors.action_or_404(scope, pk)
    services.action_complete(scope=scope, action=action)
    messages.success(request, "Action marked done.")
    target = request.POST.get("next", "")
    if target == "profile":
        return redirect("caseload:profile", pk=action.contact.learner_id)
    return redirect(reverse("caseload:contact-detail", kwargs={"pk": action.contact_id}))


# --- the school's list of needs ------------------------------------------------------


@require_http_methods(["GET", "POST"])
def need_list(request: HttpRequest) -> HttpResponse:
    scope = require(request.scope, Cap.VIEW_CASELOAD_BOARD)
    if not scope.has("senco"):
        raise Http404("Not found")
    form = forms.NeedForm(request.POST or None)
    if request.method == "POST":
        toggle = _int(request.POST.get("toggle"))
        if toggle:
            need = selectors.needs_for(scope, active_only=False).filter(pk=toggle).first()
            if need is None:
                raise Http404("Not found")
            services.need_set_active(
                scope=scope, need=need, active=not need.active, request=request
            )
            return redirect("caseload:need-list")
        if form.is_valid():
            try:
                services.need_create(scope=scope, name=form.cleaned_data["name"])
            except ValidationError as exc:
                forms.apply_service_errors(exc, form)
            else:
                messages.success(request, "Added to the list.")
                return redirect("caseload:need-list")
    return render(
        request,
        "caseload/need_list.html",
        {"needs": list(selectors.needs_for(scope, active_only=False)), "form": form},
    )
