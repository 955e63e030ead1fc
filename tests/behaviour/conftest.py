"""Behaviour tests: a class of learners with a form tutor, PDF text read back."""

from __future__ import annotations

import subprocess
from typing import Any

import pytest

from pastoral.models import Role
from tests.factories import LearnerFactory, UserFactory, member


def pdf_text(content: bytes) -> str:
    """The text of a PDF as a reader would copy it (poppler's pdftotext)."""
    assert content.startswith(b"%PDF-"), "not a PDF"
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=content, capture_output=True, check=True
    )
    return " ".join(result.stdout.decode("utf-8").split())


@pytest.fixture
def tutor(world: Any) -> Any:
    """A teacher who is 9A's form tutor (and holds no other role)."""
    user = member(UserFactory(full_name="Tia Tutor"), world.school, Role.STAFF)
    group = world.learner9.reg_group
    group.tutor = user
    group.save()
    return user


@pytest.fixture
def klass(world: Any) -> list[Any]:
    """9A: learner9 and 29 more."""
    group = world.learner9.reg_group
    more = [
        LearnerFactory(year_group=world.year9, reg_group=group, legal_last_name=f"Pupil{n:02d}")
        for n in range(29)
    ]
    return [world.learner9, *more]
