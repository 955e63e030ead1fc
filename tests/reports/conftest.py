"""Report tests: private storage in a temporary folder, PDF text read back with pdftotext."""

from __future__ import annotations

import subprocess
from typing import Any

import pytest

import tests.reports.kinds  # noqa: F401  (registers the test-only report kind)


@pytest.fixture(autouse=True)
def _private_storage(settings: Any, tmp_path: Any) -> Any:
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    return settings.PRIVATE_STORAGE_ROOT


def pdf_text(content: bytes) -> str:
    """The text of a PDF as a reader would copy it (poppler's pdftotext)."""
    assert content.startswith(b"%PDF-"), "not a PDF"
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=content, capture_output=True, check=True
    )
    # Collapse line wrapping: a phrase split over two lines is still the phrase.
    return " ".join(result.stdout.decode("utf-8").split())


def job_text(job: Any) -> str:
    return pdf_text(job.read_bytes())
