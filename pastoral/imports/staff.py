"""The staff import: people and their roles in one school, upserted by e-mail.

Columns are documented in docs/import-staff.md (sample: docs/import-staff.csv).
The `roles` cell is the complete list of the person's roles in this school:
roles not listed are removed, and every listed person is "staff". People of
the school missing from the file are left unchanged. Every role added or
removed is audited (pastoral.membership.created / .deleted), and a head of
year's changed years too (pastoral.membership.updated).

ACCESS.md's two-person rule holds here too: a role that reaches case data
(support officer, head of year, SENCO, DSL, deputy DSL) and more years for a
head of year are not given by the import but *requested* (the same request a
DSL approves on the Role requests page); roles and years taken away go at once.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from pastoral import audit
from pastoral.imports.base import Change, ImportOutcome, Report, SchoolImporter
from pastoral.imports.csvfile import CsvRow
from pastoral.imports.parse import CellError
from pastoral.models import Membership, Role, RoleRequest, User, YearGroup

REQUIRED = ("email", "full_name", "roles")
OPTIONAL = ("job_title", "hoy_year_groups")

_ROLE_WORDS: dict[str, str] = {}
for _role in Role:
    _ROLE_WORDS[_role.value] = _role.value
    _ROLE_WORDS[_role.label.lower()] = _role.value
_ROLE_WORDS.update(
    {
        "head of year": Role.HEAD_OF_YEAR,
        "support officer": Role.SUPPORT,
        "key worker": Role.SUPPORT,
        "deputy dsl": Role.DEPUTY_DSL,
        "administrator": Role.ADMIN,
        "school administrator": Role.ADMIN,
    }
)
ROLE_ORDER = [r.value for r in Role]
REQUESTED = "requested: awaits DSL approval"


def _widens(role: str) -> bool:
    from pastoral.accounts.services import widens_case_access

    return widens_case_access(role)


def _split(value: str) -> list[str]:
    """Lists in a cell are separated by semicolons or "|" (commas would need quoting)."""
    return [part.strip() for part in value.replace("|", ";").split(";") if part.strip()]


@dataclass
class StaffRow:
    line: int
    email: str
    full_name: str
    job_title: str | None  # None: column absent, leave as is
    roles: frozenset[str]
    years: frozenset[int] | None  # year group ids for the head-of-year role


@dataclass
class StaffPlan:
    new_users: list[tuple[StaffRow, User]] = field(default_factory=list)
    user_updates: list[tuple[StaffRow, User, dict[str, tuple[str, str]]]] = field(
        default_factory=list
    )
    add_roles: list[tuple[StaffRow, str]] = field(default_factory=list)
    remove_roles: list[tuple[StaffRow, Membership]] = field(default_factory=list)
    set_years: list[tuple[StaffRow, Membership | None, frozenset[int], frozenset[int]]] = field(
        default_factory=list
    )
    rows: list[StaffRow] = field(default_factory=list)
    users: dict[str, User] = field(default_factory=dict)


def _year_keys(year: YearGroup) -> list[str]:
    keys = [str(year.number), year.name.lower(), f"y{year.number}"]
    if year.number == 0:
        keys.append("r")
    return keys


class StaffImporter(SchoolImporter[StaffRow, StaffPlan]):
    """Upsert a school's staff and their roles from a CSV, keyed by e-mail."""

    required_columns = REQUIRED
    optional_columns = OPTIONAL

    def prepare(self) -> None:
        self.load_years(_year_keys)

    def _email(self, value: str) -> str:
        try:
            validate_email(value)
        except ValidationError:
            raise CellError(f"{value!r} is not an e-mail address") from None
        return value.lower()

    def _roles(self, value: str) -> frozenset[str]:
        roles = {Role.STAFF.value}
        for word in _split(value):
            role = _ROLE_WORDS.get(word.lower())
            if role is None:
                allowed = ", ".join(r.value for r in Role)
                raise CellError(f"{word!r} is not a role; use: {allowed}")
            roles.add(role)
        return frozenset(roles)

    def _years(self, value: str) -> frozenset[int]:
        ids = set()
        for word in _split(value):
            year = self.years.get(word.lower())
            if year is None:
                known = ", ".join(self.year_names.values()) or "none set up"
                raise CellError(f"{word!r} is not a year group of this school (known: {known})")
            ids.add(year.pk)
        return frozenset(ids)

    def parse_row(self, row: CsvRow, report: Report) -> StaffRow | None:
        email = report.field(row, "email", self._email, required=True, max_length=254)
        if email:
            report.unique(row.line, "email", email, what="E-mail")
        full_name = report.field(row, "full_name", required=True, max_length=150)
        job_title = (
            report.field(row, "job_title", default="", max_length=100)
            if "job_title" in row.values
            else None
        )
        roles = report.field(row, "roles", self._roles, default=frozenset({Role.STAFF.value}))
        years = (
            report.field(row, "hoy_year_groups", self._years, default=frozenset())
            if "hoy_year_groups" in row.values
            else None
        )
        if "hoy_year_groups" not in row.values:
            if roles is not None and Role.HEAD_OF_YEAR in roles:
                report.add(row.line, "roles", "a head of year needs a hoy_year_groups column")
        elif roles is not None and years is not None:
            if Role.HEAD_OF_YEAR in roles and not years:
                report.add(row.line, "hoy_year_groups", "a head of year needs their year group(s)")
            if years and Role.HEAD_OF_YEAR not in roles:
                report.add(row.line, "hoy_year_groups", "only a head of year has year groups")
        if report.has_errors_on(row.line):
            return None
        return StaffRow(row.line, email, full_name, job_title, roles, years)

    def plan(self, items: list[StaffRow], report: Report) -> StaffPlan:
        plan = StaffPlan(rows=items)
        emails = [item.email for item in items]
        users = {u.email.lower(): u for u in User.objects.filter(email__in=emails)}
        memberships: dict[int, dict[str, Membership]] = defaultdict(dict)
        for membership in Membership.objects.filter(
            school=self.school, user__in=users.values()
        ).prefetch_related("year_groups"):
            memberships[membership.user_id][membership.role] = membership
        # Roles already asked for and awaiting a DSL: not asked for twice.
        pending: dict[int, dict[str, frozenset[int]]] = defaultdict(dict)
        for request in RoleRequest.objects.filter(
            school=self.school, user__in=users.values(), status=RoleRequest.Status.PENDING
        ).prefetch_related("year_groups"):
            pending[request.user_id][request.role] = frozenset(
                y.pk for y in request.year_groups.all()
            )
        # People who also work elsewhere keep their name and title: one school's
        # administrator does not rename another school's staff.
        elsewhere = set(
            Membership.objects.filter(user__in=users.values())
            .exclude(school=self.school)
            .values_list("user_id", flat=True)
        )
        for item in items:
            user = users.get(item.email)
            if user is None:
                user = User(email=item.email, full_name=item.full_name)
                user.job_title = item.job_title or ""
                user.set_unusable_password()
                try:
                    user.full_clean(validate_unique=False, validate_constraints=False)
                except ValidationError as exc:
                    for name, messages in exc.message_dict.items():
                        for message in messages:
                            report.add(item.line, name if name in REQUIRED else "", message)
                    continue
                plan.new_users.append((item, user))
                plan.users[item.email] = user
                for role in sorted(item.roles, key=ROLE_ORDER.index):
                    plan.add_roles.append((item, role))
                if Role.HEAD_OF_YEAR in item.roles:
                    plan.set_years.append((item, None, frozenset(), item.years or frozenset()))
                continue
            plan.users[item.email] = user
            if user.pk not in elsewhere:
                changed: dict[str, tuple[str, str]] = {}
                if user.full_name != item.full_name:
                    changed["full_name"] = (user.full_name, item.full_name)
                if item.job_title is not None and user.job_title != item.job_title:
                    changed["job_title"] = (user.job_title, item.job_title)
                if changed:
                    plan.user_updates.append((item, user, changed))
            held = memberships.get(user.pk, {})
            asked = pending.get(user.pk, {})
            for role in sorted(item.roles - set(held) - set(asked), key=ROLE_ORDER.index):
                plan.add_roles.append((item, role))
            for role in sorted(set(held) - item.roles, key=ROLE_ORDER.index):
                if self.actor is not None and user.pk == self.actor.pk and role == Role.ADMIN:
                    report.add(
                        item.line,
                        "roles",
                        "would remove your own administrator role; another administrator "
                        "must do that",
                    )
                    continue
                plan.remove_roles.append((item, held[role]))
            if Role.HEAD_OF_YEAR in item.roles and item.years is not None:
                hoy = held.get(Role.HEAD_OF_YEAR)
                before = frozenset(yg.pk for yg in hoy.year_groups.all()) if hoy else frozenset()
                awaited = asked.get(Role.HEAD_OF_YEAR, frozenset())
                if before != item.years and (before | awaited) != item.years:
                    plan.set_years.append((item, hoy, before, item.years))
        return plan

    def _year_text(self, ids: frozenset[int]) -> str:
        return ", ".join(sorted(self.year_names.get(i, str(i)) for i in ids)) or "—"

    def changes(self, plan: StaffPlan) -> list[Change]:
        labels = dict(Role.choices)
        per_line: dict[int, dict[str, tuple[str, str]]] = defaultdict(dict)
        created_lines = set()
        for item, user in plan.new_users:
            created_lines.add(item.line)
            per_line[item.line]["Name"] = ("", user.full_name)
            if user.job_title:
                per_line[item.line]["Job title"] = ("", user.job_title)
        for item, _, changed in plan.user_updates:
            for name, pair in changed.items():
                per_line[item.line]["Name" if name == "full_name" else "Job title"] = pair
        for item, role in plan.add_roles:
            per_line[item.line][f"Role: {labels[role]}"] = (
                "",
                REQUESTED if _widens(role) else "added",
            )
        for item, membership in plan.remove_roles:
            per_line[item.line][f"Role: {labels[membership.role]}"] = ("held", "removed")
        for item, _, before, after in plan.set_years:
            per_line[item.line]["Head of year for"] = (
                self._year_text(before) if before else "",
                self._year_text(after),
            )
        result = []
        for item in plan.rows:
            fields = per_line.get(item.line, {})
            action = "update" if fields else "unchanged"
            if item.line in created_lines:
                action = "create"
            result.append(Change(item.line, item.email, action, item.full_name, fields))
        return result

    def apply(self, plan: StaffPlan, outcome: ImportOutcome[StaffPlan]) -> None:
        new_users = [user for _, user in plan.new_users]
        User.objects.bulk_create(new_users)
        if plan.new_users:
            # bulk_create sets primary keys on PostgreSQL and SQLite 3.35+; re-read to be sure.
            saved = {
                u.email: u for u in User.objects.filter(email__in=[u.email for u in new_users])
            }
            for email in saved:
                plan.users[email] = saved[email]
        for _item, user, changed in plan.user_updates:
            for name, (_, new) in changed.items():
                setattr(user, name, new)
        if plan.user_updates:
            User.objects.bulk_update(
                [user for _, user, _ in plan.user_updates], ["full_name", "job_title"]
            )
        from pastoral.accounts.services import role_request_file

        years_by_pk = {y.pk: y for y in YearGroup.objects.filter(school=self.school)}
        created: dict[tuple[str, str], Membership] = {}
        for item, role in plan.add_roles:
            user = plan.users[item.email]
            if _widens(role):
                role_request_file(
                    school=self.school,
                    user=user,
                    role=role,
                    year_groups=[years_by_pk[i] for i in sorted(item.years or ())]
                    if role == Role.HEAD_OF_YEAR
                    else [],
                    requested_by=self.actor,
                    source="staff import",
                )
                continue
            membership = Membership.objects.create(user=user, school=self.school, role=role)
            created[(item.email, role)] = membership
            audit.record(
                "pastoral.membership.created",
                actor=self.actor,
                school=self.school,
                obj=membership,
                changes={"user": user.email, "role": role, "source": "staff import"},
            )
        for item, membership in plan.remove_roles:
            membership_id = membership.pk
            membership.delete()
            audit.record(
                "pastoral.membership.deleted",
                actor=self.actor,
                school=self.school,
                object_type="pastoral.membership",
                object_id=membership_id,
                changes={"user": item.email, "role": membership.role, "source": "staff import"},
            )
        for item, hoy, before, after in plan.set_years:
            if hoy is None:
                continue  # a new head of year: the request carries the years
            added = after - before
            if (
                added
                and not RoleRequest.objects.filter(
                    school=self.school,
                    user=hoy.user_id,
                    role=Role.HEAD_OF_YEAR,
                    status=RoleRequest.Status.PENDING,
                ).exists()
            ):
                role_request_file(
                    school=self.school,
                    user=plan.users[item.email],
                    role=Role.HEAD_OF_YEAR,
                    year_groups=[years_by_pk[i] for i in sorted(added)],
                    requested_by=self.actor,
                    source="staff import",
                )
            after = before & after  # years taken away go at once; added ones await a DSL
            if after == before:
                continue
            target = hoy
            target.year_groups.set(sorted(after))
            audit.record(
                "pastoral.membership.updated",
                actor=self.actor,
                school=self.school,
                obj=target,
                changes={
                    "user": item.email,
                    "year_groups": {
                        "from": self._year_text(before) if before else "",
                        "to": self._year_text(after),
                    },
                    "source": "staff import",
                },
            )
        counts = outcome.counts
        audit.record(
            "pastoral.import.staff",
            actor=self.actor,
            school=self.school,
            object_type="pastoral.import",
            object_id=self.filename[:40],
            changes={
                "file": self.filename,
                "rows": outcome.rows,
                "created": counts["create"],
                "updated": counts["update"],
                "unchanged": counts["unchanged"],
                "roles_added": len(plan.add_roles),
                "roles_removed": len(plan.remove_roles),
            },
        )
