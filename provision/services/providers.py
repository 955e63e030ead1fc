"""Writes to the providers directory: the administrator and the DSL team."""

from __future__ import annotations

import datetime as dt
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import Http404

from pastoral import audit
from pastoral.access import Scope
from pastoral.uploads import check_upload
from provision.access import require_providers
from provision.models import Confirmation, Provider
from provision.services.common import snapshot

PROVIDER_FIELDS = (
    "name",
    "urn",
    "ukprn",
    "registration",
    "address",
    "contact_name",
    "phone",
    "email",
)


def _check(scope: Scope | None, provider: Provider | None = None, *, edit: bool = True) -> Scope:
    scope = require_providers(scope, edit=edit)
    if provider is not None and provider.school_id != scope.school.pk:
        raise Http404("Not found")
    return scope


def _save(scope: Scope, provider: Provider, values: dict[str, Any], action: str) -> Provider:
    before = snapshot(provider, PROVIDER_FIELDS) if provider.pk else {}
    for name in PROVIDER_FIELDS:
        if name in values:
            value = values[name]
            setattr(provider, name, value.strip() if isinstance(value, str) else value)
    provider.full_clean()
    provider.save()
    after = snapshot(provider, PROVIDER_FIELDS)
    audit.record(
        action,
        actor=scope.user,
        school=scope.school,
        obj=provider,
        changes=audit.diff(before, after) if before else {k: v for k, v in after.items() if v},
    )
    return provider


@transaction.atomic
def provider_create(*, scope: Scope, values: dict[str, Any]) -> Provider:
    """Add a provider to the school's directory."""
    scope = _check(scope)
    return _save(scope, Provider(school=scope.school), values, "provision.provider.created")


@transaction.atomic
def provider_update(*, scope: Scope, provider: Provider, values: dict[str, Any]) -> Provider:
    """Change a provider's details (name, references, registration, contact)."""
    scope = _check(scope, provider)
    return _save(scope, provider, values, "provision.provider.updated")


@transaction.atomic
def confirmation_record(
    *,
    scope: Scope,
    provider: Provider,
    confirmed_by: str,
    confirmed_on: dt.date,
    expires_on: dt.date,
    letter: UploadedFile | None = None,
) -> Confirmation:
    """Record the provider's written confirmation of its safer-recruitment
    checks, with an optional scanned letter (checked by content, stored privately)."""
    scope = _check(scope, provider)
    confirmation = Confirmation(
        provider=provider,
        confirmed_by=(confirmed_by or "").strip(),
        confirmed_on=confirmed_on,
        expires_on=expires_on,
        recorded_by=scope.user,
    )
    confirmation.full_clean(exclude=["letter"])
    if letter is not None:
        try:
            content_type, sha = check_upload(letter)
        except ValidationError as exc:
            raise ValidationError({"letter": exc.messages}) from None
        confirmation.letter_name = (letter.name or "letter")[-200:]
        confirmation.letter_type = content_type
        confirmation.letter_sha256 = sha
        confirmation.letter.save(f"{provider.pk}-{sha[:16]}", letter, save=False)
    confirmation.save()
    audit.record(
        "provision.confirmation.recorded",
        actor=scope.user,
        school=scope.school,
        obj=confirmation,
        changes={
            "provider": provider.name,
            "confirmed_by": confirmation.confirmed_by,
            "confirmed_on": str(confirmed_on),
            "expires_on": str(expires_on),
            "letter": confirmation.letter_name,
        },
    )
    return confirmation


@transaction.atomic
def confirmation_letter_open(*, scope: Scope, confirmation: Confirmation) -> IO[bytes]:
    """Open the scanned letter for someone who may read the directory; audited."""
    scope = _check(scope, confirmation.provider, edit=False)
    if not confirmation.letter:
        raise Http404("Not found")
    try:
        handle = confirmation.letter.open("rb")
    except FileNotFoundError:
        raise Http404("Not found") from None
    audit.record(
        "provision.confirmation.downloaded",
        actor=scope.user,
        school=scope.school,
        obj=confirmation,
        changes={"name": confirmation.letter_name},
    )
    return handle
