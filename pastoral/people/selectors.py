"""Reads for parents and carers and the agencies directory, scoped to the person asking.

Who may reach a learner's parents and carers: the school administrator (the
office keeps the MIS contact details, for every learner, but sees no case
content) and the case roles for the learners in their case scope (ACCESS.md,
"record sessions and contacts"). Everyone else: 404.

The agencies directory holds no learner data: every case role and the
administrator may read it; the administrator and the DSLs keep it.
"""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from pastoral.access import Cap, Scope, learner_or_404, learners_for
from pastoral.models import Agency, AgencyContact, Contact, ContactRestriction, Learner


def may_manage_contacts(scope: Scope | None) -> bool:
    return scope is not None and (scope.can(Cap.IMPORT_MIS) or scope.can(Cap.RECORD_CONTACTS))


def may_read_agencies(scope: Scope | None) -> bool:
    return scope is not None and (scope.can(Cap.IMPORT_MIS) or scope.can(Cap.VIEW_PROFILE))


def may_edit_agencies(scope: Scope | None) -> bool:
    return scope is not None and (scope.can(Cap.IMPORT_MIS) or scope.is_dsl)


def contact_learners_for(scope: Scope | None) -> QuerySet[Learner]:
    """Learners whose parents and carers the person may see and keep."""
    if scope is None:
        return Learner.objects.none()
    if scope.can(Cap.IMPORT_MIS):
        return learners_for(scope, Cap.SEARCH_LEARNERS)
    return learners_for(scope, Cap.RECORD_CONTACTS)


def contact_learner_or_404(scope: Scope | None, pk: int) -> Learner:
    """One learner whose parents and carers the person may see, or 404."""
    if scope is not None and scope.can(Cap.IMPORT_MIS):
        return learner_or_404(scope, pk, Cap.SEARCH_LEARNERS)
    if not may_manage_contacts(scope):
        raise Http404("Not found")
    return learner_or_404(scope, pk, Cap.RECORD_CONTACTS)


def _with_restrictions(contacts: QuerySet[Contact]) -> QuerySet[Contact]:
    return contacts.prefetch_related(
        Prefetch("restrictions", queryset=ContactRestriction.objects.order_by("basis_date", "id"))
    )


def parents_of(learner: Learner) -> QuerySet[Contact]:
    """A learner's parents and carers with their restrictions (learner already scoped)."""
    return _with_restrictions(learner.contacts.order_by("priority", "name", "id"))


def contact_or_404(scope: Scope | None, pk: int) -> Contact:
    """One parent or carer of a learner the person may reach, or 404."""
    contact = (
        _with_restrictions(Contact.objects.filter(learner__in=contact_learners_for(scope)))
        .select_related("learner", "learner__year_group")
        .filter(pk=pk)
        .first()
    )
    if contact is None:
        raise Http404("Not found")
    return contact


def restriction_or_404(scope: Scope | None, pk: int) -> ContactRestriction:
    restriction = (
        ContactRestriction.objects.filter(contact__learner__in=contact_learners_for(scope))
        .select_related("contact", "contact__learner")
        .filter(pk=pk)
        .first()
    )
    if restriction is None:
        raise Http404("Not found")
    return restriction


def agencies_for(scope: Scope | None) -> QuerySet[Agency]:
    """The school's outside agencies with their named people (404 for whoever may not read them)."""
    if not may_read_agencies(scope):
        raise Http404("Not found")
    assert scope is not None
    return (
        Agency.objects.filter(school=scope.school)
        .prefetch_related(Prefetch("people", queryset=AgencyContact.objects.order_by("name", "id")))
        .order_by("name", "id")
    )


def agency_or_404(scope: Scope | None, pk: int) -> Agency:
    return get_object_or_404(agencies_for(scope), pk=pk)


def agency_contact_or_404(scope: Scope | None, pk: int) -> AgencyContact:
    if not may_read_agencies(scope):
        raise Http404("Not found")
    assert scope is not None
    return get_object_or_404(
        AgencyContact.objects.filter(agency__school=scope.school).select_related("agency"), pk=pk
    )
