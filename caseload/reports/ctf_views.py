"""The leaver's Common Transfer File: a small form (destination), then the XML."""

from __future__ import annotations

from django import forms
from django.core.validators import RegexValidator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from caseload.reports.ctf import leaver_ctf
from pastoral import ctf
from pastoral.access import Cap, learner_or_404, require
from pastoral.forms import render_invalid

_DIGITS = {
    3: RegexValidator(r"^(\d{3}|MMM|XXX)$", "Three digits (MMM when not known)."),
    4: RegexValidator(r"^(\d{4}|MMMM|XXXX)$", "Four digits (MMMM when not known)."),
}


class LeaverCTFForm(forms.Form):
    source_estab = forms.CharField(
        label="Our establishment number (the 4 digits after our LA number)",
        validators=[_DIGITS[4]],
    )
    dest_la = forms.CharField(label="Destination LA number", initial="MMM", validators=[_DIGITS[3]])
    dest_estab = forms.CharField(
        label="Destination establishment number", initial="MMMM", validators=[_DIGITS[4]]
    )
    dest_urn = forms.CharField(label="Destination URN", required=False, max_length=8)


@never_cache
@require_http_methods(["GET", "POST"])
def leaver_ctf_export(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require(request.scope, Cap.IMPORT_MIS)
    # The directory reach (every member may find a learner); the file holds MIS data only.
    learner = learner_or_404(scope, pk, Cap.SEARCH_LEARNERS)
    form = LeaverCTFForm(request.POST or None)
    context = {"learner": learner, "form": form}
    if request.method == "GET":
        return render(request, "caseload/report_ctf.html", context)
    if not form.is_valid():
        return render_invalid(request, "caseload/report_ctf.html", context)
    data = leaver_ctf(
        scope=scope,
        learner=learner,
        source_estab=form.cleaned_data["source_estab"],
        destination=ctf.SchoolRef(
            la=form.cleaned_data["dest_la"],
            estab=form.cleaned_data["dest_estab"],
            urn=form.cleaned_data["dest_urn"],
        ),
    )
    response = HttpResponse(data, content_type="application/xml")
    filename = (
        f"CTF_{scope.school.la_code or 'XXX'}{form.cleaned_data['source_estab']}_{learner.upn}.xml"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
