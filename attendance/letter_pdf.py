"""An attendance letter as a PDF: addressed to its recipient, with any contact
restriction on the parents printed where the person sending it cannot miss it."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from attendance import selectors, services
from pastoral.access import Cap, require
from pastoral.people.rules import active_restrictions
from pastoral.people.selectors import parents_of
from pastoral.reports.pdf import render_pdf


@never_cache
@require_GET
def intervention_letter(request: HttpRequest, pk: int) -> HttpResponse:
    scope = require(request.scope, Cap.VIEW_PROFILE)
    item = selectors.intervention_or_404(scope, pk)
    learner = item.learner
    parents = list(parents_of(learner))
    recipient = next((p for p in parents if p.pk == item.recipient_id), None)
    # The recipient's restrictions first; then any other parent's, since a
    # letter "to the parent or carer" may reach them too.
    warnings = [(p, rs) for p in parents if (rs := active_restrictions(p))]
    warnings.sort(key=lambda pair: pair[0] != recipient)
    _html, pdf = render_pdf(
        "pdf/letter.html",
        {
            "title": f"{item.get_kind_display()}: {learner.display_name}",
            "school": scope.school,
            "learner": learner,
            "item": item,
            "recipient": recipient,
            "warnings": warnings,
            "printed_by": scope.user,
            "printed_at": timezone.localtime(),
        },
    )
    response = HttpResponse(pdf.content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="letter-{item.pk}.pdf"'
    services.letter_downloaded(scope=scope, item=item)
    return response
