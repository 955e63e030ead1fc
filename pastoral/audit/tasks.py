"""Celery beat jobs of the audit trail. Both are idempotent: sealing twice
seals nothing more; a second checkpoint is simply another, later one."""

from __future__ import annotations

from celery import shared_task

from pastoral.audit import chain, checkpoints


@shared_task(name="audit.seal")
def seal() -> int:
    """Seal unsealed read events into their chains (every AUDIT_SEAL_SECONDS)."""
    return chain.seal()


@shared_task(name="audit.checkpoint")
def checkpoint() -> dict[str, object]:
    """Write the daily signed checkpoint outside the database."""
    written = checkpoints.checkpoint_write()
    return {"path": str(written.path or ""), "emails": written.emails, "chains": written.chains}
