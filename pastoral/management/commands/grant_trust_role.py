"""manage.py grant_trust_role --trust NAME --email PERSON --role lead|admin

Gives (or with --revoke takes away) a role held at trust level: the trust
safeguarding lead (counts and trends across the trust's schools) or the trust
administrator (the trust's schools and school administrators). Audited as the
system (trust.role.granted / trust.role.revoked); the person's standing is
restamped, so the change takes effect at their next request.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from pastoral import audit
from pastoral.accounts import selectors
from pastoral.models import Trust
from pastoral.trust import services
from pastoral.trust.models import TrustMembership, TrustRole

ROLES = {"lead": TrustRole.SAFEGUARDING_LEAD, "admin": TrustRole.ADMIN}


class Command(BaseCommand):
    help = "Give or take away a trust role (trust safeguarding lead or trust administrator)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--trust", required=True, help="the trust's name")
        parser.add_argument("--email", required=True, help="the person's sign-in e-mail")
        parser.add_argument("--role", required=True, choices=sorted(ROLES))
        parser.add_argument(
            "--create-trust", action="store_true", help="create the trust if it does not exist"
        )
        parser.add_argument("--revoke", action="store_true", help="take the role away")

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["trust"].strip()
        trust = Trust.objects.filter(name=name).first()
        if trust is None:
            if not options["create_trust"] or options["revoke"]:
                raise CommandError(f"No trust is named {name!r} (--create-trust makes it).")
            trust = Trust.objects.create(name=name)
            audit.record(
                "trust.trust.created", actor=None, school=None, obj=trust, changes={"name": name}
            )
        user = selectors.account_for_email(options["email"].strip())
        if user is None:
            raise CommandError(
                f"No account has the e-mail {options['email']}: add the person first."
            )
        role = ROLES[options["role"]]
        label = dict(TrustRole.choices)[role]
        if options["revoke"]:
            with transaction.atomic():
                membership = TrustMembership.objects.filter(
                    user=user, trust=trust, role=role
                ).first()
                if membership is None:
                    raise CommandError(f"{user.email} is not {label} of {trust.name}.")
                pk = membership.pk
                membership.delete()
                audit.record(
                    "trust.role.revoked",
                    actor=None,
                    school=None,
                    object_type="pastoral.trustmembership",
                    object_id=pk,
                    changes={
                        "user": user.email,
                        "trust": trust.name,
                        "role": role.value,
                        "source": "manage.py grant_trust_role",
                    },
                )
            self.stdout.write(
                f"{user.full_name or user.email} is no longer {label} of {trust.name}."
            )
            return
        try:
            services.trust_role_grant_on_server(trust=trust, user=user, role=role)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(f"{user.full_name or user.email} is now {label} of {trust.name}.")
