"""manage.py grant_first_dsl --school URN --email PERSON: the first DSL of a school.

ACCESS.md: a role that widens case access takes effect only when an existing
DSL of the school approves it; a school with no DSL yet gets its first one on
the server. Refused when the school already has a DSL or deputy DSL. Audited
as the system (accounts.role.approved, first_dsl: true).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from pastoral.accounts import selectors, services
from pastoral.models import School


class Command(BaseCommand):
    help = (
        "Make an existing account the first DSL of a school that has no DSL or deputy DSL yet "
        "(adding them to the school's staff if needed). Refused once the school has one."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--school", required=True, help="the school's URN")
        parser.add_argument("--email", required=True, help="the person's sign-in e-mail")

    def handle(self, *args: Any, **options: Any) -> None:
        school = School.objects.filter(urn=str(options["school"]).strip()).first()
        if school is None:
            raise CommandError(f"No school has URN {options['school']}.")
        user = selectors.account_for_email(options["email"].strip())
        if user is None:
            raise CommandError(
                f"No account has the e-mail {options['email']}: add the person first."
            )
        try:
            services.first_dsl_grant(school=school, user=user)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(f"{user.full_name or user.email} is now the DSL of {school.name}.")
