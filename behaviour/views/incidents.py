"""Logging behaviour for a class (phone first), the incidents a person may see,
one incident, and a learner's behaviour record."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from behaviour import selectors, services
from behaviour.access import require_log
from behaviour.charts import bar_chart
from behaviour.forms import LogForm
from behaviour.models import Kind
from behaviour.selectors import analysis as analysis_selectors
from behaviour.selectors import oncall as oncall_selectors
from behaviour.views.common import int_or_none, page_of
from pastoral import audit
from pastoral.forms import apply_errors, render_invalid


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Pick a class to log for (directory fields only: nothing to audit)."""
    scope = require_log(request.scope)
    return render(request, "behaviour/home.html", {"groups": selectors.groups_for(scope)})


@never_cache
@require_http_methods(["GET", "POST"])
def log(request: HttpRequest, pk: int) -> HttpResponse:
    """The class list: tick learners, tap a type, done."""
    scope = require_log(request.scope)
    group = selectors.group_for(scope, pk)
    learners = selectors.group_learners(scope, group)
    choices = [(lr.pk, lr.display_name) for lr in learners]
    if request.method == "POST":
        form = LogForm(request.POST, learner_choices=choices)
        if form.is_valid():
            data = form.cleaned_data
            kind = selectors.active_type_for(scope, data["kind"])
            chosen = [lr for lr in learners if lr.pk in set(data["learners"])]
            try:
                if kind is None:
                    raise ValidationError({"kind": "Choose a behaviour type from the list."})
                incidents = services.incidents_log(
                    scope=scope,
                    learners=chosen,
                    kind=kind,
                    points=data["points"],
                    note=data["note"],
                    period=data["period"],
                    room=data["room"],
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                names = ", ".join(lr.display_name for lr in chosen[:5])
                more = f" and {len(chosen) - 5} more" if len(chosen) > 5 else ""
                messages.success(
                    request, f"{kind.name} ({incidents[0].points:+d}) logged for {names}{more}."
                )
                if kind.kind == Kind.NEGATIVE and len(incidents) == 1:
                    return redirect("behaviour:incident-detail", pk=incidents[0].pk)
                url = reverse("behaviour:log", kwargs={"pk": group.pk})
                query = request.POST.copy()
                keep = {k: query.get(k, "") for k in ("period", "room") if query.get(k)}
                if keep:
                    url += "?" + urlencode(keep)
                return redirect(url)
    else:
        form = LogForm(
            learner_choices=choices,
            initial={
                "period": request.GET.get("period", "")[:30],
                "room": request.GET.get("room", "")[:30],
            },
        )
    types = selectors.types_for(scope)
    context = {
        "group": group,
        "learners": learners,
        "form": form,
        "ticked": {int_or_none(v) for v in request.POST.getlist("learners")},
        "positive": [t for t in types if t.kind == Kind.POSITIVE],
        "negative": [t for t in types if t.kind == Kind.NEGATIVE],
    }
    if request.method == "POST":
        return render_invalid(request, "behaviour/log.html", context)
    return render(request, "behaviour/log.html", context)


@never_cache
@require_GET
def incident_list(request: HttpRequest) -> HttpResponse:
    """What the person may see: their learners' incidents and what they logged."""
    scope = require_log(request.scope)
    batch = request.GET.get("batch", "")[:32]
    mine = request.GET.get("mine") == "1"
    page = page_of(request, selectors.incidents_for(scope, batch=batch, mine=mine))
    response = render(
        request,
        "behaviour/incident_list.html",
        {
            "page": page,
            "batch": batch,
            "mine": mine,
            "query": urlencode(
                {k: v for k, v in (("batch", batch), ("mine", "1" if mine else "")) if v}
            ),
        },
    )
    audit.viewed(
        scope, action="behaviour.incidents.listed", page=page.number, batch=batch, mine=mine
    )
    return response


@never_cache
@require_GET
def incident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require_log(request.scope)
    incident = selectors.incident_for(scope, pk)
    context = {
        "incident": incident,
        "concern_url": selectors.concern_prefill_url(incident)
        if incident.kind == Kind.NEGATIVE
        else "",
        "see_learner": selectors.may_see_learner(scope, incident.learner),
        "detentions": selectors.detentions_for_incident(scope, incident),
    }
    response = render(request, "behaviour/incident_detail.html", context)
    audit.viewed(scope, incident, learners=[incident.learner])
    return response


@never_cache
@require_GET
def learner(request: HttpRequest, pk: int) -> HttpResponse:
    """A learner's behaviour record: totals, milestones, detentions, incidents."""
    scope = require_log(request.scope)
    found = selectors.learner_in_reach(scope, pk)
    summary = selectors.learner_summary_for(scope, found)
    page = page_of(request, selectors.incidents_for(scope, learner=found), size=25)
    removals = oncall_selectors.learner_removals(scope, found)
    weeks = analysis_selectors.weekly_points_for(scope, found)
    chart = bar_chart([(f"{w.start:%-d %b}", w.net) for w in weeks])
    response = render(
        request,
        "behaviour/learner.html",
        {
            "learner": found,
            "s": summary,
            "page": page,
            "removals": removals,
            "weeks": weeks,
            "chart": chart,
        },
    )
    audit.viewed(scope, found, action="behaviour.learner.viewed", page=page.number)
    return response
