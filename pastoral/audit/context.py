"""Request facts for the audit trail, set once per request by middleware.

Services never take the HTTP request: the address and user agent of whoever
caused an event reach `audit.record` through this context variable, which
`AuditContextMiddleware` sets for the length of a request. Outside a request
(Celery tasks, management commands) there are no facts and events carry none.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse


@dataclass(frozen=True, slots=True)
class RequestFacts:
    ip: str | None = None
    user_agent: str = ""


NO_FACTS = RequestFacts()
_facts: ContextVar[RequestFacts] = ContextVar("pastoral_audit_request_facts", default=NO_FACTS)


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address. Behind the TLS proxy (SECURE_PROXY_SSL_HEADER set)
    REMOTE_ADDR is the proxy, so the last X-Forwarded-For hop (the one our
    proxy appended, not one the client could forge) is used instead."""
    if request is None:
        return None
    candidate = request.META.get("REMOTE_ADDR") or ""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if settings.SECURE_PROXY_SSL_HEADER and forwarded:
        candidate = forwarded.split(",")[-1].strip()
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None


def facts_of(request: HttpRequest) -> RequestFacts:
    return RequestFacts(
        ip=client_ip(request), user_agent=request.META.get("HTTP_USER_AGENT", "")[:300]
    )


def current() -> RequestFacts:
    """The facts of the request being served, or empty ones."""
    return _facts.get()


@contextmanager
def request_facts(facts: RequestFacts) -> Iterator[None]:
    """Events recorded inside the block carry `facts` (middleware and tests)."""
    token = _facts.set(facts)
    try:
        yield
    finally:
        _facts.reset(token)


class AuditContextMiddleware:
    """Makes the request's address and user agent available to the audit trail."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with request_facts(facts_of(request)):
            return self.get_response(request)
