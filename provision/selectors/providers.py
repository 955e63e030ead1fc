"""Reads of the providers directory (no learner data; see provision/access.py)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Max, Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from pastoral.access import Scope
from provision.access import require_providers
from provision.models import Confirmation, Provider


def providers_for(scope: Scope | None, *, search: str = "") -> QuerySet[Provider]:
    """The school's providers, each with `valid_until` (the latest expiry of its
    written safer-recruitment confirmations) annotated; 404 for whoever may not read them."""
    scope = require_providers(scope)
    qs = Provider.objects.filter(school=scope.school).annotate(
        valid_until=Max("confirmations__expires_on")
    )
    if search.strip():
        qs = qs.filter(name__icontains=search.strip())
    return qs.order_by("name", "id")


def provider_or_404(scope: Scope | None, pk: int) -> Provider:
    provider = (
        providers_for(scope)
        .prefetch_related(
            Prefetch(
                "confirmations",
                queryset=Confirmation.objects.select_related("recorded_by").order_by(
                    "-confirmed_on", "-id"
                ),
            )
        )
        .filter(pk=pk)
        .first()
    )
    if provider is None:
        raise Http404("Not found")
    return provider


def confirmation_or_404(scope: Scope | None, pk: int) -> Confirmation:
    scope = require_providers(scope)
    confirmation = (
        Confirmation.objects.filter(provider__school=scope.school)
        .select_related("provider")
        .filter(pk=pk)
        .first()
    )
    if confirmation is None:
        raise Http404("Not found")
    return confirmation


def confirmation_problem(provider: Provider, on: dt.date | None = None) -> str:
    """Why a placement with this provider may not start on `on` ("" when it may).

    One query unless `valid_until` was annotated by providers_for."""
    on = on or timezone.localdate()
    if hasattr(provider, "valid_until"):
        valid_until = provider.valid_until
    else:
        valid_until = provider.confirmations.aggregate(v=Max("expires_on"))["v"]
    if valid_until is None:
        return (
            f"{provider.name} has no written confirmation of safer-recruitment checks "
            "on record: record it before the placement starts (it can be saved as a draft)."
        )
    if valid_until < on:
        return (
            f"{provider.name}'s written confirmation of safer-recruitment checks expired on "
            f"{valid_until:%-d %b %Y}: record a current one before the placement starts "
            "(it can be saved as a draft)."
        )
    return ""
