"""The school's concern categories (DSL)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from pastoral.access import Cap, require
from pastoral.forms import INVALID_STATUS
from safeguarding import forms, selectors, services


@require_http_methods(["GET", "POST"])
def categories(request: HttpRequest) -> HttpResponse:
    scope = require(request.scope, Cap.TRIAGE_CONCERNS)
    form = forms.CategoryForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.category_create(scope=scope, name=form.cleaned_data["name"])
            except ValidationError as exc:
                errors = getattr(exc, "error_dict", {})
                duplicate = "name" in errors or "__all__" in errors
                form.add_error(
                    "name", "That category already exists." if duplicate else exc.messages[0]
                )
            else:
                messages.success(request, "Category added.")
                return redirect("safeguarding:categories")
        status = INVALID_STATUS
    return render(
        request,
        "safeguarding/categories.html",
        {"form": form, "categories": selectors.categories_for(scope, active_only=False)},
        status=status,
    )


@require_POST
def category_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require(request.scope, Cap.TRIAGE_CONCERNS)
    services.category_toggle(scope=scope, category=selectors.category_for(scope, pk))
    return redirect("safeguarding:categories")
