"""The contacts log: log a contact with its agreed actions, read one, tick an action done."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from caseload import forms, selectors, services
from caseload.views._common import render_form
from pastoral import audit
from pastoral.access import Cap, learner_or_404, require
from pastoral.accounts.selectors import staff_for
from pastoral.forms import apply_errors


@require_http_methods(["GET", "POST"])
def contact_create(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require(request.scope, Cap.RECORD_CONTACTS)
    learner = learner_or_404(scope, pk, Cap.RECORD_CONTACTS)
    staff = staff_for(scope)
    form = forms.ContactLogForm(
        request.POST or None,
        parents=selectors.parents_of(learner),
        agencies=selectors.agencies_for(scope),
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
            apply_errors(form, exc, {"actions": actions})
        else:
            messages.success(request, f"{entry.get_kind_display()} logged.")
            return redirect("caseload:profile", pk=learner.pk)
    return render_form(
        request,
        "caseload/contact_form.html",
        {"form": form, "actions": actions, "learner": learner},
    )


@require_GET
def contact_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require(request.scope, Cap.RECORD_CONTACTS)
    entry = selectors.contact_or_404(scope, pk)
    audit.viewed(scope, entry, action="caseload.contact.viewed", learners=[entry.learner])
    return render(
        request, "caseload/contact_detail.html", {"entry": entry, "learner": entry.learner}
    )


@require_POST
def action_done(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require(request.scope, Cap.RECORD_CONTACTS)
    action = selectors.action_or_404(scope, pk)
    services.action_complete(scope=scope, action=action)
    messages.success(request, "Action marked done.")
    if request.POST.get("next", "") == "profile":
        return redirect("caseload:profile", pk=action.contact.learner_id)
    return redirect("caseload:contact-detail", pk=action.contact_id)
