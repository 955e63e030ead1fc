"""The incidents behind a behaviour plan or PSP: see and choose them."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from caseload import selectors
from caseload.selectors.plan_incidents import LINKABLE, plan_incident_choices, plan_incidents
from caseload.services.plan_incidents import plan_incidents_set
from caseload.views._common import render_form
from pastoral import audit
from pastoral.access import Cap, require
from pastoral.forms import apply_errors


class IncidentsForm(forms.Form):
    incidents = forms.ModelMultipleChoiceField(
        label="Incidents that prompted this plan",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, choices, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        field = self.fields["incidents"]
        field.queryset = choices
        field.label_from_instance = lambda i: (
            f"{i.reference} {i.occurred_at:%-d %b %Y}: {i.type.name} ({i.points:+d})"
        )


@require_http_methods(["GET", "POST"])
def plan_incidents_page(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require(request.scope, Cap.MANAGE_PLANS)
    plan = selectors.plan_or_404(scope, pk)
    linked = plan_incidents(scope, plan)
    choices = plan_incident_choices(scope, plan)
    form = IncidentsForm(
        request.POST or None, choices=choices, initial={"incidents": [i.pk for i in linked]}
    )
    if request.method == "POST" and form.is_valid():
        try:
            plan_incidents_set(scope=scope, plan=plan, incidents=form.cleaned_data["incidents"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "The incidents behind this plan are saved.")
            return redirect("caseload:plan-incidents", pk=plan.pk)
    response = render_form(
        request,
        "caseload/plan_incidents.html",
        {
            "plan": plan,
            "learner": plan.learner,
            "linked": linked,
            "form": form,
            "linkable": plan.type in LINKABLE,
        },
    )
    if request.method == "GET":
        audit.viewed(scope, plan, action="caseload.plan_incidents.viewed", learners=[plan.learner])
    return response
