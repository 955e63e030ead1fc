"""The DSL's search and the chronology filter: light filter fields that keep
what was chosen, say what is wrong beside the field, and escape what was typed."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tests.conftest import sign_in
from tests.safeguarding.helpers import category

pytestmark = pytest.mark.django_db


def test_the_search_keeps_the_choices_and_explains_a_bad_date(world: Any, client: Any) -> None:
    family = category(world, "Family")
    sign_in(client, world.user("dsl"), school=world.school)
    response = client.get(
        reverse("safeguarding:concern-list"),
        {"q": "<b>home</b>", "category": family.pk, "level": "restricted", "date_from": "31/02"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert '<label for="id_q" class="form-label">Words in the record</label>' in html
    assert 'value="&lt;b&gt;home&lt;/b&gt;"' in html and "<b>home</b>" not in html
    assert f'<option value="{family.pk}" selected>Family</option>' in html
    assert '<option value="restricted" selected>' in html
    assert '<option value="" selected>Any</option>' in html  # status left at any
    assert 'aria-describedby="id_date_from_error"' in html
    assert '<div id="id_date_from_error" class="invalid-feedback">' in html
    assert "Enter a valid date." in html


def test_the_chronology_filter_keeps_the_chosen_level(world: Any, client: Any) -> None:
    sign_in(client, world.user("dsl"), school=world.school)
    response = client.get(
        reverse("safeguarding:learner-chronology", args=[world.learner9.pk]), {"level": "pastoral"}
    )
    html = response.content.decode()
    assert '<label for="id_level" class="form-label">Level</label>' in html
    assert '<option value="pastoral" selected>Pastoral</option>' in html
