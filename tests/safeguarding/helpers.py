"""Building concerns through the real services, and small files for uploads."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from pastoral.access import scope_for
from pastoral.models import Learner, User
from safeguarding import selectors, services
from safeguarding.models import Category, Concern, ConcernShare

PDF_BYTES = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\xa5\xf6E@"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)
EXE_BYTES = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    + b"\x00" * 48
    + b"PE\x00\x00"
    + b"\x00" * 200
)


def pdf(name: str = "statement.pdf", content: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def scope_of(world: Any, role: str) -> Any:
    return scope_for(world.user(role), world.school)


def category(world: Any, name: str = "Bullying") -> Category:
    return Category.objects.get(school=world.school, name=name)


def log_concern(
    world: Any,
    author: str | User = "staff",
    learners: list[Learner] | None = None,
    *,
    restricted: bool = False,
    description: str = "Said her dad shouted at her last night and she is scared to go home.",
    categories: list[str] = ("Family",),  # type: ignore[assignment]
    files: list[Any] = (),  # type: ignore[assignment]
    occurred_at: dt.datetime | None = None,
) -> Concern:
    user = world.user(author) if isinstance(author, str) else author
    scope = scope_for(user, world.school)
    cats = list(
        Category.objects.filter(school=world.school, name__in=categories).values_list(
            "pk", flat=True
        )
    )
    return services.concern_create(
        scope=scope,
        learner_ids=[lr.pk for lr in (learners or [world.learner9])],
        occurred_at=occurred_at or timezone.now() - dt.timedelta(hours=1),
        location="Corridor B",
        description=description,
        category_ids=cats,
        restricted=restricted,
        files=list(files),
    )


def triage(world: Any, concern: Concern, level: str = "restricted") -> Concern:
    concern.refresh_from_db()
    return services.concern_triage(
        scope=scope_of(world, "dsl"),
        concern=selectors.concern_for(scope_of(world, "dsl"), concern.pk),
        version=concern.version,
        level=level,
        owner_id=world.user("dsl").pk,
        category_ids=[c.pk for c in concern.categories.all()],
        next_action="Call social care",
        due_date=timezone.localdate() + dt.timedelta(days=2),
    )


def share(world: Any, concern: Concern, with_role: str = "support", **kwargs: Any) -> ConcernShare:
    return services.share_create(
        scope=scope_of(world, "dsl"),
        concern=selectors.concern_for(scope_of(world, "dsl"), concern.pk),
        user_id=world.user(with_role).pk,
        reason="Key worker needs to know for support sessions",
        **kwargs,
    )
