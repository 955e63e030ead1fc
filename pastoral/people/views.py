"""Pages for parents and carers (with restrictions) and the agencies directory: thin views."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.forms.models import model_to_dict
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from pastoral import audit
from pastoral.forms import apply_errors, render_invalid
from pastoral.people import rules, selectors, services
from pastoral.people.forms import AgencyContactForm, AgencyForm, ContactForm, RestrictionForm

FORM_TEMPLATE = "people/form.html"
AGENCIES_PER_PAGE = 50


def _submit(
    request: HttpRequest,
    form: Any,
    context: dict[str, Any],
    call: Any,
    done: str,
    **kwargs: Any,
) -> HttpResponse | None:
    """Validate and call the service; the refused page (422) or None when done."""
    if not form.is_valid():
        return render_invalid(request, FORM_TEMPLATE, {"form": form, **context})
    values = {k: v for k, v in form.cleaned_data.items() if k != rules.ACKNOWLEDGE_FIELD}
    try:
        call(values=values, **kwargs)
    except ValidationError as exc:
        apply_errors(form, exc)
        return render_invalid(request, FORM_TEMPLATE, {"form": form, **context})
    messages.success(request, done)
    return None


@never_cache
@require_GET
def learner_contacts(request: HttpRequest, pk: int) -> HttpResponse:
    """A learner's parents and carers, restrictions first and prominent."""
    scope = request.scope
    learner = selectors.contact_learner_or_404(scope, pk)
    parents = list(selectors.parents_of(learner))
    response = render(
        request, "people/learner_contacts.html", {"learner": learner, "parents": parents}
    )
    audit.viewed(scope, learner, action="people.contacts.viewed")
    return response


@require_http_methods(["GET", "POST"])
def contact_create(request: HttpRequest, pk: int) -> HttpResponse:
    scope = request.scope
    learner = selectors.contact_learner_or_404(scope, pk)
    form = ContactForm(request.POST or None, initial={"priority": learner.contacts.count() + 1})
    context = {"title": f"Add a parent or carer of {learner.display_name}", "learner": learner}
    if request.method == "POST":
        refused = _submit(
            request,
            form,
            context,
            services.contact_create,
            "Parent or carer added.",
            scope=scope,
            learner=learner,
        )
        if refused:
            return refused
        return redirect("people:learner-contacts", pk=learner.pk)
    return render(request, FORM_TEMPLATE, {"form": form, **context})


@require_http_methods(["GET", "POST"])
def contact_edit(request: HttpRequest, pk: int) -> HttpResponse:
    scope = request.scope
    contact = selectors.contact_or_404(scope, pk)
    restricted = bool(rules.no_contact_restrictions(contact))
    form = ContactForm(
        request.POST or None,
        initial=model_to_dict(contact, fields=ContactForm.Meta.fields),
        restricted=restricted,
    )
    context = {
        "title": f"Change {contact.name}",
        "learner": contact.learner,
        "contact": contact,
        "restrictions": rules.active_restrictions(contact),
    }
    if request.method == "POST":
        acknowledged = request.POST.get(rules.ACKNOWLEDGE_FIELD) == "on"
        refused = _submit(
            request,
            form,
            context,
            services.contact_update,
            "Details saved.",
            scope=scope,
            contact=contact,
            acknowledged=acknowledged,
        )
        if refused:
            return refused
        return redirect("people:learner-contacts", pk=contact.learner_id)
    response = render(request, FORM_TEMPLATE, {"form": form, **context})
    audit.viewed(scope, contact, learners=[contact.learner], action="people.contact.viewed")
    return response


@require_http_methods(["GET", "POST"])
def restriction_create(request: HttpRequest, pk: int) -> HttpResponse:
    scope = request.scope
    contact = selectors.contact_or_404(scope, pk)
    form = RestrictionForm(request.POST or None)
    context = {
        "title": f"Record a contact restriction on {contact.name}",
        "learner": contact.learner,
        "contact": contact,
        "restrictions": rules.active_restrictions(contact),
        "intro": "A restriction needs its basis (a court order or a written agreement), its date "
        "and what it restricts. It is shown wherever this person appears, and on letters.",
    }
    if request.method == "POST":
        refused = _submit(
            request,
            form,
            context,
            services.restriction_create,
            "Restriction recorded.",
            scope=scope,
            contact=contact,
        )
        if refused:
            return refused
        return redirect("people:learner-contacts", pk=contact.learner_id)
    return render(request, FORM_TEMPLATE, {"form": form, **context})


@require_http_methods(["GET", "POST"])
def restriction_edit(request: HttpRequest, pk: int) -> HttpResponse:
    scope = request.scope
    restriction = selectors.restriction_or_404(scope, pk)
    contact = restriction.contact
    form = RestrictionForm(
        request.POST or None, initial=model_to_dict(restriction, fields=RestrictionForm.Meta.fields)
    )
    context = {
        "title": f"Change a restriction on {contact.name}",
        "learner": contact.learner,
        "intro": "To end a restriction, set the date it expires.",
    }
    if request.method == "POST":
        refused = _submit(
            request,
            form,
            context,
            services.restriction_update,
            "Restriction saved.",
            scope=scope,
            restriction=restriction,
        )
        if refused:
            return refused
        return redirect("people:learner-contacts", pk=contact.learner_id)
    response = render(request, FORM_TEMPLATE, {"form": form, **context})
    audit.viewed(scope, restriction, learners=[contact.learner], action="people.restriction.viewed")
    return response


@require_GET
def agency_list(request: HttpRequest) -> HttpResponse:
    scope = request.scope
    agencies = selectors.agencies_for(scope)
    page = Paginator(agencies, AGENCIES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "people/agency_list.html",
        {"page": page, "may_edit": selectors.may_edit_agencies(scope)},
    )


def _require_agency_editor(request: HttpRequest) -> Any:
    if not selectors.may_edit_agencies(request.scope):
        raise Http404("Not found")
    return request.scope


@require_http_methods(["GET", "POST"])
def agency_create(request: HttpRequest) -> HttpResponse:
    scope = _require_agency_editor(request)
    form = AgencyForm(request.POST or None)
    context = {"title": "Add an outside agency", "cancel": reverse("people:agency-list")}
    if request.method == "POST":
        refused = _submit(
            request, form, context, services.agency_create, "Agency added.", scope=scope
        )
        if refused:
            return refused
        return redirect("people:agency-list")
    return render(request, FORM_TEMPLATE, {"form": form, **context})


@require_http_methods(["GET", "POST"])
def agency_edit(request: HttpRequest, pk: int) -> HttpResponse:
    scope = _require_agency_editor(request)
    agency = selectors.agency_or_404(scope, pk)
    form = AgencyForm(request.POST or None, initial=model_to_dict(agency, AgencyForm.Meta.fields))
    context = {"title": f"Change {agency.name}", "cancel": reverse("people:agency-list")}
    if request.method == "POST":
        refused = _submit(
            request,
            form,
            context,
            services.agency_update,
            "Agency saved.",
            scope=scope,
            agency=agency,
        )
        if refused:
            return refused
        return redirect("people:agency-list")
    return render(request, FORM_TEMPLATE, {"form": form, **context})


@require_http_methods(["GET", "POST"])
def agency_contact_create(request: HttpRequest, pk: int) -> HttpResponse:
    scope = _require_agency_editor(request)
    agency = selectors.agency_or_404(scope, pk)
    form = AgencyContactForm(request.POST or None)
    context = {
        "title": f"Add a named contact at {agency.name}",
        "cancel": reverse("people:agency-list"),
    }
    if request.method == "POST":
        refused = _submit(
            request,
            form,
            context,
            services.agency_contact_create,
            "Contact added.",
            scope=scope,
            agency=agency,
        )
        if refused:
            return refused
        return redirect("people:agency-list")
    return render(request, FORM_TEMPLATE, {"form": form, **context})


@require_http_methods(["GET", "POST"])
def agency_contact_edit(request: HttpRequest, pk: int) -> HttpResponse:
    scope = _require_agency_editor(request)
    person = selectors.agency_contact_or_404(scope, pk)
    form = AgencyContactForm(
        request.POST or None, initial=model_to_dict(person, AgencyContactForm.Meta.fields)
    )
    context = {
        "title": f"Change {person.name} ({person.agency.name})",
        "cancel": reverse("people:agency-list"),
    }
    if request.method == "POST":
        refused = _submit(
            request,
            form,
            context,
            services.agency_contact_update,
            "Contact saved.",
            scope=scope,
            person=person,
        )
        if refused:
            return refused
        return redirect("people:agency-list")
    return render(request, FORM_TEMPLATE, {"form": form, **context})
