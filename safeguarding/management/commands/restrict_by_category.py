"""Raise to restricted every pastoral concern that carries a restricted category
(after upgrading to category-driven levels; safe to run again)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from pastoral.models import School
from safeguarding.services.levels import concerns_restrict_by_category


class Command(BaseCommand):
    help = (
        "Restrict the pastoral concerns filed with a category that is restricted by default "
        "(child protection, sexual abuse, ...): each change is audited. Run once after "
        "upgrading; running it again changes nothing more."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--school", help="only this school (URN); default: every school")

    def handle(self, *args: Any, **options: Any) -> None:
        schools = School.objects.order_by("pk")
        if options["school"]:
            schools = schools.filter(urn=options["school"])
            if not schools:
                raise CommandError(f"No school with URN {options['school']!r}")
        for school in schools:
            raised = concerns_restrict_by_category(school=school)
            refs = ", ".join(c.reference for c in raised) or "none"
            self.stdout.write(f"{school.name}: {len(raised)} concern(s) restricted ({refs})")
