"""The providers directory: read by the case roles and the administrator, kept
by the administrator and the DSL team. It holds no learner data."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from pastoral.exports import export_format, export_response
from pastoral.forms import apply_errors, render_invalid
from provision import columns, selectors, services
from provision.access import may_edit_providers, require_providers
from provision.forms import ConfirmationForm, ProviderForm
from provision.views.common import page_of, query_without_page

FORM_TEMPLATE = "provision/form.html"


@never_cache
@require_GET
def provider_list(request: HttpRequest) -> HttpResponse:
    scope = require_providers(request.scope)
    search = request.GET.get("q", "")
    if (fmt := export_format(request)) is not None:
        return export_response(
            request,
            scope,
            rows=selectors.providers_for(scope, search=search),
            columns=columns.PROVIDERS,
            filename="ap-providers",
            fmt=fmt,
            audit_action="provision.providers.exported",
            filters={"q": search},
        )
    page = page_of(request, selectors.providers_for(scope, search=search))
    return render(
        request,
        "provision/provider_list.html",
        {
            "page": page,
            "q": search,
            "query": query_without_page(request),
            "today": timezone.localdate(),
            "may_edit": may_edit_providers(scope),
        },
    )


@never_cache
@require_GET
def provider_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require_providers(request.scope)
    provider = selectors.provider_or_404(scope, pk)
    return render(
        request,
        "provision/provider_detail.html",
        {
            "provider": provider,
            "problem": selectors.confirmation_problem(provider),
            "may_edit": may_edit_providers(scope),
        },
    )


def _provider_form(
    request: HttpRequest, form: ProviderForm, title: str, call: object, **kwargs: object
) -> HttpResponse:
    context = {"form": form, "title": title, "cancel": reverse("provision:provider-list")}
    if request.method != "POST":
        return render(request, FORM_TEMPLATE, context)
    if not form.is_valid():
        return render_invalid(request, FORM_TEMPLATE, context)
    try:
        provider = call(values=form.cleaned_data, **kwargs)  # type: ignore[operator]
    except ValidationError as exc:
        apply_errors(form, exc)
        return render_invalid(request, FORM_TEMPLATE, context)
    messages.success(request, "Provider saved.")
    return redirect("provision:provider-detail", pk=provider.pk)


@require_http_methods(["GET", "POST"])
def provider_create(request: HttpRequest) -> HttpResponse:
    scope = require_providers(request.scope, edit=True)
    form = ProviderForm(request.POST or None)
    return _provider_form(
        request,
        form,
        "Add an alternative provision provider",
        services.provider_create,
        scope=scope,
    )


@require_http_methods(["GET", "POST"])
def provider_edit(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require_providers(request.scope, edit=True)
    provider = selectors.provider_or_404(scope, pk)
    form = ProviderForm(
        request.POST or None, initial=model_to_dict(provider, ProviderForm.Meta.fields)
    )
    return _provider_form(
        request,
        form,
        f"Change {provider.name}",
        services.provider_update,
        scope=scope,
        provider=provider,
    )


@require_http_methods(["GET", "POST"])
def confirmation_create(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require_providers(request.scope, edit=True)
    provider = selectors.provider_or_404(scope, pk)
    form = ConfirmationForm(request.POST or None, request.FILES or None)
    context = {
        "form": form,
        "title": f"Record {provider.name}'s safer-recruitment confirmation",
        "intro": "The provider's written confirmation that it has carried out the "
        "safer-recruitment checks a school would make on its own staff (Keeping children "
        "safe in education; alternative provision statutory guidance).",
        "cancel": reverse("provision:provider-detail", args=[provider.pk]),
        "multipart": True,
    }
    if request.method != "POST":
        return render(request, FORM_TEMPLATE, context)
    if not form.is_valid():
        return render_invalid(request, FORM_TEMPLATE, context)
    try:
        services.confirmation_record(scope=scope, provider=provider, **form.cleaned_data)
    except ValidationError as exc:
        apply_errors(form, exc)
        return render_invalid(request, FORM_TEMPLATE, context)
    messages.success(request, "Safer-recruitment confirmation recorded.")
    return redirect("provision:provider-detail", pk=provider.pk)


@never_cache
@require_GET
def confirmation_letter(request: HttpRequest, pk: int) -> FileResponse:
    scope = require_providers(request.scope)
    confirmation = selectors.confirmation_or_404(scope, pk)
    handle = services.confirmation_letter_open(scope=scope, confirmation=confirmation)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=confirmation.letter_name or "letter",
        content_type=confirmation.letter_type or "application/octet-stream",
    )
