"""Private files held in the database, for installations with more than one
web node and no object store: PostgreSQL is then the one place every node
reads (see pastoral/private_files.py, `PRIVATE_STORAGE=database`)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class StoredFile(models.Model):
    """One private file (an attachment, a generated report) by its storage name."""

    name = models.CharField(max_length=300, unique=True)
    content = models.BinaryField()
    size = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
