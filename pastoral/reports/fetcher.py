"""The only way WeasyPrint may load anything while rendering a report.

Print templates refer to our own static files (`{% static 'css/print.css' %}`),
resolved against a base URL that points nowhere real. This fetcher serves
those paths from our static directories and `data:` URLs, and refuses
everything else: no network, no `file://` reads, no path escaping static/.
User-typed text is escaped by the templates, so `url(file:///etc/passwd)` in
a concern is just text; were it ever parsed as CSS, this refuses it anyway.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from weasyprint.urls import URLFetcher, URLFetcherResponse

# Relative URLs in print templates resolve against this; it is never contacted.
BASE_URL = "https://pastoral.invalid/"
_STATIC_PREFIX = "/static/"


class RefusedURL(ValueError):
    """A resource outside our static files: WeasyPrint skips it and renders on."""


def static_roots() -> list[Path]:
    roots = [Path(p).resolve() for p in settings.STATICFILES_DIRS]
    roots.append(Path(settings.STATIC_ROOT).resolve())
    return roots


class StaticOnlyFetcher(URLFetcher):
    """Serves /static/ files of this project and data: URLs; refuses the rest.

    `fetched` and `refused` list what was asked for, so tests (and anyone
    debugging a report) can see that nothing else was touched.
    """

    def __init__(self) -> None:
        super().__init__(timeout=1, allowed_protocols=("data", "https"), allow_redirects=False)
        self.fetched: list[str] = []
        self.refused: list[str] = []

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        if url.startswith("data:"):
            self.fetched.append("data:")
            # urllib's data: handler decodes in memory; it opens no file or socket.
            return super().fetch(url, headers)
        path = self._static_path(url)
        if path is None:
            self.refused.append(url)
            raise RefusedURL(f"refused to fetch {url[:200]!r}: only our static files")
        self.fetched.append(url)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(
            url, path.read_bytes(), headers={"Content-Type": content_type}, status=200
        )

    @staticmethod
    def _static_path(url: str) -> Path | None:
        parts = urlsplit(url)
        base = urlsplit(BASE_URL)
        if (parts.scheme, parts.netloc) != (base.scheme, base.netloc):
            return None
        if parts.query or not parts.path.startswith(_STATIC_PREFIX):
            return None
        relative = unquote(parts.path[len(_STATIC_PREFIX) :])
        if not relative or "\x00" in relative:
            return None
        for root in static_roots():
            candidate = (root / relative).resolve()
            # resolve() follows "..", symlinks and absolute parts: the result
            # must still be inside the static root.
            if candidate.is_relative_to(root) and candidate.is_file():
                return candidate
        return None
