"""Rendering print templates to PDF with WeasyPrint, through the static-only fetcher."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from django.template.loader import render_to_string
from weasyprint import HTML

from pastoral.reports.fetcher import BASE_URL, StaticOnlyFetcher

# WeasyPrint logs every layout step at INFO; a 60-page report would flood the log.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


@dataclass
class RenderedPdf:
    content: bytes
    pages: int
    fetched: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


def html_to_pdf(html: str, *, attachments: list[Any] | None = None) -> RenderedPdf:
    """Lay out `html` and write the PDF. Nothing is fetched but our static files."""
    fetcher = StaticOnlyFetcher()
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).render()
    content = document.write_pdf(attachments=attachments or None)
    return RenderedPdf(
        content=content or b"",
        pages=len(document.pages),
        fetched=fetcher.fetched,
        refused=fetcher.refused,
    )


def render_pdf(template: str, context: dict[str, Any]) -> tuple[str, RenderedPdf]:
    """Render a templates/pdf/ template (autoescaped, like every page) to PDF."""
    html = render_to_string(template, context)
    return html, html_to_pdf(html, attachments=context.get("pdf_attachments"))
