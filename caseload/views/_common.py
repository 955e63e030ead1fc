"""Small helpers every caseload page uses."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from pastoral.forms import render_invalid

PAGE_SIZE = 25


def int_param(value: str | None) -> int | None:
    """A query or form value as an int; None when missing or not a number."""
    try:
        return int(value) if value else None
    except ValueError:
        return None


def page_of(request: HttpRequest, qs: Any, size: int = PAGE_SIZE) -> Any:
    return Paginator(qs, size).get_page(request.GET.get("page"))


def render_form(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    """A form page: shown on GET; a POST that gets here was refused, so it is
    re-rendered with its errors and pastoral.forms.INVALID_STATUS."""
    if request.method == "POST":
        return render_invalid(request, template, context)
    return render(request, template, context)
