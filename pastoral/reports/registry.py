"""Report kinds: the apps above the data register how to build each report.

The core never imports an app. `ReportsConfig.ready()` autodiscovers the
modules `<app>.reports`, `<app>.transfers` and `<app>.agency`, which call
`register(ReportKind(...))` at import time, exactly as Django's admin finds
`<app>.admin`. The Celery worker loads apps the same way, so a job queued by
the web process finds its builder in the worker.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pastoral.access import Cap, Scope

if TYPE_CHECKING:
    from pastoral.reports.models import ReportJob

Progress = Callable[[int, str], None]


@dataclass(frozen=True)
class ReportKind:
    """How to build one kind of report.

    `build(scope, job, progress)` returns the template context (for a PDF) or
    the payload dict (for JSON output); it reads only through scoped
    selectors, so the report shows what the exporter may see and no more.
    `estimate(scope, job)` counts entries cheaply: above
    settings.REPORT_INLINE_MAX_ENTRIES the job runs in the background.
    `learner_cap` is the capability the learner must be reachable with.
    """

    kind: str
    label: str
    cap: Cap
    build: Callable[[Scope, ReportJob, Progress], dict[str, Any]]
    template: str = ""
    output: str = "pdf"  # or "json"
    estimate: Callable[[Scope, ReportJob], int] | None = None
    learner_cap: Cap | None = None
    # Extra check beyond the capability, e.g. "DSL only" for a restricted option.
    allowed: Callable[[Scope, ReportJob], bool] | None = None

    @property
    def extension(self) -> str:
        return "json" if self.output == "json" else "pdf"

    @property
    def content_type(self) -> str:
        return "application/json" if self.output == "json" else "application/pdf"


_kinds: dict[str, ReportKind] = {}


def register(kind: ReportKind) -> ReportKind:
    _kinds[kind.kind] = kind
    return kind


def get(kind: str) -> ReportKind | None:
    return _kinds.get(kind)
