"""Where private files live: attachments, scanned agreements, providers'
letters and generated reports. Never under static/, never at a public URL:
they are served only by permission-checked, audited views.

Every model field and every report goes through `private_files`, a storage
that hands each call to Django's `storages["private"]`, chosen by the
`PRIVATE_STORAGE` environment variable (settings.py):

- `filesystem` (the default): a folder, `PRIVATE_STORAGE_ROOT`. One web node,
  or several sharing a network folder.
- `database`: the files are rows of `pastoral.StoredFile` in PostgreSQL, so a
  school with only PostgreSQL can run two web nodes and a worker on
  different machines (docs/scaling.md).
- a dotted class, e.g. `storages.backends.s3.S3Storage` (django-storages,
  for S3, MinIO or Azure), with its options as JSON in
  `PRIVATE_STORAGE_OPTIONS` (README).
"""

from __future__ import annotations

import os
from typing import IO, Any

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.utils.deconstruct import deconstructible


class PrivateFileSystemStorage(FileSystemStorage):
    """A folder: PRIVATE_STORAGE_ROOT, read when used (tests point it elsewhere)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(base_url=None)

    @property
    def base_location(self) -> str:  # type: ignore[override]
        return str(settings.PRIVATE_STORAGE_ROOT)

    @property
    def location(self) -> str:  # type: ignore[override]
        return os.path.abspath(self.base_location)


@deconstructible(path="pastoral.private_files.DatabaseStorage")
class DatabaseStorage(Storage):
    """Files as rows of `pastoral.StoredFile`: whole files of at most
    UPLOAD_MAX_BYTES (attachments) or a report's size, read and written in one
    statement each; an unfinished save leaves no row (the INSERT is one
    statement, inside the caller's transaction when there is one)."""

    def __init__(self, **kwargs: Any) -> None:
        pass

    @staticmethod
    def _rows() -> Any:
        from pastoral.models import StoredFile

        return StoredFile.objects

    def _open(self, name: str, mode: str = "rb") -> File:
        if any(flag in mode for flag in "wa+"):
            raise ValueError("Stored files are written with save(), not opened for writing.")
        content = self._rows().filter(name=name).values_list("content", flat=True).first()
        if content is None:
            raise FileNotFoundError(name)
        return ContentFile(bytes(content), name=name)

    def _save(self, name: str, content: IO[bytes] | File) -> str:
        if hasattr(content, "seek"):
            content.seek(0)
        chunks = content.chunks() if isinstance(content, File) else [content.read()]
        data = b"".join(c if isinstance(c, bytes) else c.encode() for c in chunks)
        self._rows().create(name=name, content=data, size=len(data))
        return name

    def delete(self, name: str) -> None:
        self._rows().filter(name=name).delete()

    def exists(self, name: str) -> bool:
        return self._rows().filter(name=name).exists()

    def size(self, name: str) -> int:
        size = self._rows().filter(name=name).values_list("size", flat=True).first()
        if size is None:
            raise FileNotFoundError(name)
        return int(size)

    def listdir(self, path: str) -> tuple[list[str], list[str]]:
        prefix = f"{path.rstrip('/')}/" if path else ""
        names = self._rows().filter(name__startswith=prefix).values_list("name", flat=True)
        dirs: set[str] = set()
        files: list[str] = []
        for name in names:
            rest = name[len(prefix) :]
            head, sep, _ = rest.partition("/")
            if sep:
                dirs.add(head)
            else:
                files.append(rest)
        return sorted(dirs), sorted(files)

    def get_created_time(self, name: str) -> Any:
        created = self._rows().filter(name=name).values_list("created_at", flat=True).first()
        if created is None:
            raise FileNotFoundError(name)
        return created

    get_modified_time = get_created_time

    def url(self, name: str | None) -> str:
        raise NotImplementedError("Private files have no URL; a view serves them.")


@deconstructible(path="pastoral.uploads.PrivateFiles")
class PrivateFiles(Storage):
    """The storage model fields name: each call goes to `storages["private"]`,
    looked up when used, so the setting (and a test's override) decides."""

    def __init__(self) -> None:
        pass

    @property
    def backend(self) -> Storage:
        return storages["private"]

    def _open(self, name: str, mode: str = "rb") -> File:
        return self.backend.open(name, mode)

    def _save(self, name: str, content: Any) -> str:
        return self.backend.save(name, content)

    def get_available_name(self, name: str, max_length: int | None = None) -> str:
        return self.backend.get_available_name(name, max_length=max_length)

    def generate_filename(self, filename: str) -> str:
        return self.backend.generate_filename(filename)

    def delete(self, name: str) -> None:
        self.backend.delete(name)

    def exists(self, name: str) -> bool:
        return self.backend.exists(name)

    def size(self, name: str) -> int:
        return self.backend.size(name)

    def listdir(self, path: str) -> tuple[list[str], list[str]]:
        return self.backend.listdir(path)

    def get_created_time(self, name: str) -> Any:
        return self.backend.get_created_time(name)

    def get_modified_time(self, name: str) -> Any:
        return self.backend.get_modified_time(name)

    def url(self, name: str | None) -> str:
        raise NotImplementedError("Private files have no URL; a view serves them.")


private_files = PrivateFiles()
