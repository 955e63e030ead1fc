"""The school's behaviour settings (the behaviour leads: SENCO and DSL team):
behaviour types, the policy (rewards, notice), detention types and their
escalation rule, houses."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from behaviour import selectors, services
from behaviour.access import require_lead
from behaviour.forms import DetentionTypeForm, HouseForm, SettingsForm, TypeForm
from behaviour.models import BehaviourType, DetentionType
from pastoral.forms import apply_errors, render_invalid


def _settings_context(scope: Any, **overrides: Any) -> dict[str, Any]:
    current = services.settings_of(scope.school.pk)
    context = {
        "types": selectors.types_for(scope, active_only=False),
        "type_form": TypeForm(),
        "settings_form": SettingsForm.for_settings(current),
        "detention_types": selectors.detention_types_for(scope),
        "detention_form": DetentionTypeForm(school_id=scope.school.pk),
        "house_form": HouseForm(),
        "houses": selectors.house_totals(scope),
        "policy": current,
    }
    context.update(overrides)
    return context


@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest) -> HttpResponse:
    """Everything on one page; each form posts back here with its own `form` value."""
    scope = require_lead(request.scope)
    if request.method == "GET":
        return render(request, "behaviour/settings.html", _settings_context(scope))
    which = request.POST.get("form", "")
    form: Any
    if which == "type":
        form = TypeForm(request.POST)
        key, call = "type_form", lambda d: services.behaviour_type_create(scope=scope, **d)
        done = "Behaviour type added."
    elif which == "detention":
        form = DetentionTypeForm(request.POST, school_id=scope.school.pk)
        key, call = "detention_form", lambda d: services.detention_type_create(scope=scope, **d)
        done = "Detention type added."
    elif which == "house":
        form = HouseForm(request.POST)
        key, call = "house_form", lambda d: services.house_create(scope=scope, **d)
        done = "House added."
    else:
        form = SettingsForm(request.POST)
        key, call = "settings_form", lambda d: services.settings_update(scope=scope, **d)
        done = "Behaviour settings saved."
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("behaviour:settings")
    return render_invalid(
        request, "behaviour/settings.html", _settings_context(scope, **{key: form})
    )


def _edit(
    request: HttpRequest,
    obj: BehaviourType | DetentionType,
    form: Any,
    save: Any,
    template: str,
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"{obj}: saved.")
            return redirect("behaviour:settings")
    context = {"form": form, "obj": obj}
    if request.method == "POST":
        return render_invalid(request, template, context)
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
def type_edit(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require_lead(request.scope)
    kind = selectors.type_for(scope, pk)
    form = TypeForm(request.POST or None, instance=kind)
    return _edit(
        request,
        kind,
        form,
        lambda d: services.behaviour_type_update(scope=scope, behaviour_type=kind, **d),
        "behaviour/type_edit.html",
    )


@require_http_methods(["GET", "POST"])
def detention_type_edit(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require_lead(request.scope)
    kind = selectors.detention_type_for(scope, pk)
    form = DetentionTypeForm(request.POST or None, instance=kind, school_id=scope.school.pk)
    return _edit(
        request,
        kind,
        form,
        lambda d: services.detention_type_update(scope=scope, kind=kind, **d),
        "behaviour/type_edit.html",
    )
