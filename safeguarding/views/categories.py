"""The school's concern categories (DSL): the list, each one's default level
and alert groups."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from pastoral.access import Cap, Scope, require
from pastoral.forms import INVALID_STATUS, apply_errors
from safeguarding import forms, selectors, services
from safeguarding.models import Category


def _page(
    request: HttpRequest,
    scope: Scope,
    *,
    form: forms.CategoryForm | None = None,
    bound: forms.CategorySettingsForm | None = None,
    status: int = 200,
) -> HttpResponse:
    rows: list[tuple[Category, Any]] = []
    for category in selectors.categories_for(scope, active_only=False):
        if bound is not None and bound.category.pk == category.pk:
            rows.append((category, bound))
        else:
            rows.append((category, forms.CategorySettingsForm(category=category)))
    return render(
        request,
        "safeguarding/categories.html",
        {"form": form or forms.CategoryForm(), "rows": rows},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def categories(request: HttpRequest) -> HttpResponse:
    scope = require(request.scope, Cap.TRIAGE_CONCERNS)
    form = forms.CategoryForm(request.POST or None)
    if request.method == "GET":
        return _page(request, scope, form=form)
    if form.is_valid():
        try:
            services.category_create(scope=scope, **form.cleaned_data)
        except ValidationError as exc:
            errors = getattr(exc, "error_dict", {})
            if "name" in errors or "__all__" in errors:
                form.add_error("name", "That category already exists.")
            else:
                apply_errors(form, exc)
        else:
            messages.success(request, "Category added.")
            return redirect("safeguarding:categories")
    return _page(request, scope, form=form, status=INVALID_STATUS)


@require_POST
def category_update(request: HttpRequest, pk: int) -> HttpResponse:
    """Save one category's default level and alert groups."""
    scope = require(request.scope, Cap.TRIAGE_CONCERNS)
    category = selectors.category_for(scope, pk)
    form = forms.CategorySettingsForm(request.POST, category=category)
    if form.is_valid():
        try:
            services.category_update(scope=scope, category=category, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"{category.name}: saved.")
            return redirect("safeguarding:categories")
    return _page(request, scope, bound=form, status=INVALID_STATUS)


@require_POST
def category_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require(request.scope, Cap.TRIAGE_CONCERNS)
    services.category_toggle(scope=scope, category=selectors.category_for(scope, pk))
    return redirect("safeguarding:categories")
