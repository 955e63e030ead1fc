"""A report kind used only by tests: N entries of a given text, no app data."""

from __future__ import annotations

from typing import Any

from pastoral.access import Cap
from pastoral.reports import registry
from pastoral.reports.printing import PrintEntry, Section


def _echo_build(scope: Any, job: Any, progress: Any) -> dict[str, Any]:
    """A report of N entries of the given text: exercises the machinery on its own."""
    count = int(job.params.get("count", 1))
    text = job.params.get("text", "An entry")
    entries = [PrintEntry(title=f"Entry {i}", body=text, ref=f"e:{i}") for i in range(count)]
    sections = [Section(key="entries", title="Entries", entries=entries)]
    if job.params.get("empty"):
        sections.append(Section(key="empty", title="Plans", empty_text="Nothing recorded."))
    return {"sections": sections, "subject": job.params.get("subject", ""), "_entries": count}


ECHO = registry.register(
    registry.ReportKind(
        kind="test_echo",
        label="Test echo report",
        cap=Cap.EXPORT_TRANSFER,
        build=_echo_build,
        template="pdf/base.html",
        estimate=lambda scope, job: int(job.params.get("count", 1)),
    )
)
