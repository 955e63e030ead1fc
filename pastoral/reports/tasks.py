"""Celery tasks for reports: generation in the background, and expiry."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="reports.generate_report", acks_late=True)
def generate_report(job_id: int) -> None:
    """Generate one queued report; safe to run twice (a finished job is left alone)."""
    from pastoral.reports.services import report_generate

    report_generate(job_id=job_id)


@shared_task(name="reports.expire_reports")
def expire_reports() -> int:
    """Delete expired report files (run hourly by beat)."""
    from pastoral.reports.services import reports_expire

    return reports_expire()
