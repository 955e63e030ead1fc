"""manage.py create_school: a new school (and its trust) and its first administrator.

    manage.py create_school --name "Oakfield Academy" --urn 137000 --la-code 330 \
        --trust "Oak Learning Trust" --admin-email bursar@oakfield.sch.uk --admin-name "Sam Bursar"

The administrator is e-mailed a one-time link (printed here too, for a server
without mail yet) to choose a password and enrol an authenticator. Then:
`manage.py grant_first_dsl --school URN --email ...` once the DSL has an account.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from pastoral.accounts.services.invitations import invitation_link
from pastoral.accounts.services.schools import first_admin_invite, school_create
from pastoral.models import School


class Command(BaseCommand):
    help = "Create a school (and its trust) and invite its first administrator."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--name", required=True, help="the school's name")
        parser.add_argument("--urn", required=True, help="the DfE unique reference number")
        parser.add_argument("--la-code", default="", help="the local authority's 3-digit code")
        parser.add_argument("--trust", default="", help="the trust's name (created if new)")
        parser.add_argument(
            "--phase", default="secondary", choices=[c for c, _ in School.Phase.choices]
        )
        parser.add_argument("--admin-email", default="", help="the first administrator")
        parser.add_argument("--admin-name", default="", help="the administrator's full name")

    def handle(self, *args: Any, **options: Any) -> None:
        if bool(options["admin_email"]) != bool(options["admin_name"]):
            raise CommandError("Give both --admin-email and --admin-name, or neither.")
        try:
            with transaction.atomic():
                school = school_create(
                    name=options["name"],
                    urn=str(options["urn"]),
                    la_code=options["la_code"],
                    trust_name=options["trust"],
                    phase=options["phase"],
                )
                invitation = None
                if options["admin_email"]:
                    invitation = first_admin_invite(
                        school=school,
                        email=options["admin_email"],
                        full_name=options["admin_name"],
                    )
        except ValidationError as exc:
            problems = [
                f"{field}: {' '.join(messages)}"
                for field, messages in getattr(exc, "message_dict", {"": exc.messages}).items()
            ]
            raise CommandError("Nothing was created. " + "; ".join(problems)) from None
        self.stdout.write(f"Created {school.name} (URN {school.urn}).")
        if invitation is not None:
            self.stdout.write(
                f"Invitation e-mailed to {invitation.email}; the link (works once, until "
                f"{invitation.expires_at:%-d %b %Y %H:%M}):\n"
                f"{invitation_link(invitation.token)}"  # type: ignore[attr-defined]
            )
        elif options["admin_email"]:
            self.stdout.write(
                f"{options['admin_email']} already signs in: they are now this school's "
                "administrator too."
            )
        self.stdout.write(
            "Next: the administrator signs in and follows the go-live checklist; "
            "make the first DSL with `manage.py grant_first_dsl --school "
            f"{school.urn} --email ...`."
        )
