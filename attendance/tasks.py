"""Background work of the attendance app (in-process when there is no Redis)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="attendance.run_import_job", acks_late=True)
def run_import_job(job_id: int) -> str:
    """Run one uploaded import; a second delivery of the same job does nothing."""
    from attendance.services import import_job_run

    return import_job_run(job_id=job_id).status
