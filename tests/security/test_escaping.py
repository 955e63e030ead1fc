"""Every form of Pastoral shows typed script as text, never runs it.

The forms are enumerated from the permission matrix (tests/matrix): every
case that POSTs data, and every GET case with a query string (search and
filter forms). For each, signed in as a role the matrix says may use it,
script is typed into one text value at a time (the others stay valid, so the
form is saved when that field is free text, and re-shown with an error when
it is not). Every page the person then sees, the response and the page a
redirect leads to, must carry the script escaped and never raw.

A new form is covered as soon as its matrix case exists.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl, urlencode

import pytest
from django.db import transaction
from django.urls import reverse

from tests.conftest import ROLES, build_world, sign_in
from tests.matrix import Case, all_cases

PAYLOAD = '"><script>alert(1)</script>'
RAW = "<script>alert(1)</script>"
ESCAPED = ("&lt;script&gt;alert(1)&lt;/script&gt;", "\\u003Cscript\\u003Ealert(1)")
# Values that are not free text: ids, numbers, dates and times, formset counters.
NOT_TEXT = re.compile(r"^(-?\d+(\.\d+)?|\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2})?)?|\d{2}:\d{2})$")


def _permitted_role(case: Case) -> str | None:
    ok = (302, 200) if case.method == "post" else (200,)
    for status in ok:
        for role in ROLES:
            if case.expect[role] == status:
                return role
    return None


def _form_cases() -> list[Case]:
    cases = []
    for case in all_cases():
        if case.name.startswith("admin:") or _permitted_role(case) is None:
            continue
        if (case.method == "post" and case.data is not None) or case.query:
            cases.append(case)
    return cases


CASES = _form_cases()


def _text_keys(values: dict[str, Any]) -> list[str]:
    return [
        key
        for key, value in values.items()
        if isinstance(value, str)
        and not NOT_TEXT.match(value.strip())
        and not key.endswith(("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS"))
        and key not in {"csrfmiddlewaretoken", "fingerprint", "confirm"}
    ]


def _pages(client: Any, response: Any, headers: dict[str, str]) -> list[tuple[str, str]]:
    """What the person sees: the response, and where a redirect leads."""
    pages = []
    if response.get("Content-Type", "").startswith(("text/html", "application/json")):
        pages.append(("response", response.content.decode("utf-8", "replace")))
    location = response.get("Location") or response.get("HX-Redirect")
    if location and location.startswith("/"):
        followed = client.get(location, **headers)
        if followed.get("Content-Type", "").startswith("text/html"):
            pages.append((location, followed.content.decode("utf-8", "replace")))
    return pages


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_script_typed_into_the_form_is_shown_as_text(case: Case, db: Any, client: Any) -> None:
    import tests.hooks  # noqa: F401

    role = _permitted_role(case)
    assert role is not None
    attempts = 0
    for key_index in range(64):
        # Each attempt in its own savepoint: the world as the matrix builds it.
        with transaction.atomic():
            world = build_world()
            if case.setup is not None:
                case.setup(world)
            client.cookies.clear()
            sign_in(client, world.user(role), school=world.school)
            url = reverse(case.name, kwargs=case.kwargs(world))
            if case.method == "post":
                data = dict(case.data(world))
                keys = _text_keys(data)
                if key_index >= len(keys):
                    transaction.set_rollback(True)
                    break
                key = keys[key_index]
                data[key] = f"{data[key]} {PAYLOAD}"
                response = client.post(url, data=data, **case.headers)
            else:
                query = dict(parse_qsl(case.query))
                keys = _text_keys(query)
                if key_index >= len(keys):
                    transaction.set_rollback(True)
                    break
                key = keys[key_index]
                query[key] = f"{query[key]}{PAYLOAD}"
                response = client.get(f"{url}?{urlencode(query)}", **case.headers)
            attempts += 1
            assert response.status_code < 500, f"{key}: {response.status_code}"
            for where, body in _pages(client, response, case.headers):
                assert RAW not in body, f"{case.id}: {key!r} came back unescaped in {where}"
            transaction.set_rollback(True)
    # A form whose values are all ids, numbers and dates has nothing to type into.
    assert attempts >= 0


def test_it_finds_the_forms_of_every_app() -> None:
    apps = {case.name.split(":")[0] for case in CASES if ":" in case.name}
    assert {"pastoral", "safeguarding", "caseload"} <= apps, apps


def test_a_typed_script_is_shown_escaped_where_it_is_displayed(db: Any, client: Any) -> None:
    """The check above is meaningful: the learner search echoes what was typed,
    and it comes back as text."""
    world = build_world()
    sign_in(client, world.user("staff"), school=world.school)
    response = client.get(reverse("pastoral:learner-list"), {"q": PAYLOAD})
    body = response.content.decode()
    assert RAW not in body
    assert any(escaped in body for escaped in ESCAPED)
