"""{% export_url "csv" %}: the current page's address with its filters, asking for an export."""

from __future__ import annotations

from django import template
from django.http import HttpRequest

from pastoral.exports import EXPORT_PARAM

register = template.Library()


@register.simple_tag(takes_context=True)
def export_url(context: template.Context, fmt: str, base: str = "") -> str:
    """`base` (default: this page) with the current query string, without its
    page number, and export=<fmt>: the export holds every page of the list."""
    request: HttpRequest = context["request"]
    query = request.GET.copy()
    for name in ("page", EXPORT_PARAM):
        query.pop(name, None)
    query[EXPORT_PARAM] = fmt
    return f"{base or request.path}?{query.urlencode()}"
