"""Reads of the attendance letter templates, for the person who keeps the school settings."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from attendance.models import LetterTemplate
from pastoral.access import Cap, Scope, require


def letter_templates_for(scope: Scope | None) -> QuerySet[LetterTemplate]:
    """The school's letter templates (404 unless the person keeps the settings)."""
    scope = require(scope, Cap.MANAGE_SETTINGS)
    return LetterTemplate.objects.filter(school=scope.school).order_by("name")


def letter_template_for(scope: Scope | None, pk: int) -> LetterTemplate:
    return get_object_or_404(letter_templates_for(scope), pk=pk)
