"""Issue 18, safeguarding screens: the hide-screen control, the DSL inbox's
filters and order, the triage history, no preselected action, the pastoral
list of heads of year, the author's categories, the dashboard cockpit and
the body map's drawn parts and notes."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from pastoral.models import Learner
from safeguarding import selectors, services
from safeguarding.models import Concern, ConcernEntry
from tests.caseload.factories import make_plan
from tests.conftest import sign_in
from tests.factories import LearnerFactory
from tests.safeguarding.helpers import category, log_concern, scope_of, triage


def _dsl(client: Any, world: Any) -> Any:
    return sign_in(client, world.user("dsl"), school=world.school)


def _rows(html: str) -> list[str]:
    """Concern references in the order the list shows them."""
    return re.findall(r">(C-\d{6})</a></th>", html)


# --- Hide screen ---------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    ["home", "pastoral:learner-list", "safeguarding:concern-new", "accounts:password-change"],
)
def test_every_signed_in_page_has_the_hide_screen_control(
    world: Any, client: Any, url: str
) -> None:
    sign_in(client, world.user("staff"), school=world.school)
    html = client.get(reverse(url)).content.decode()
    assert 'data-hide-screen aria-keyshortcuts="Escape Escape"' in html
    assert 'id="hide-screen" class="hide-screen" hidden' in html
    assert "js/hide-screen.js" in html


def test_the_sign_in_page_has_no_hide_screen_control(client: Any) -> None:
    html = client.get(reverse("login")).content.decode()
    assert "data-hide-screen" not in html


# --- Inbox ----------------------------------------------------------------------


def test_the_inbox_puts_the_most_urgent_first(world: Any, client: Any) -> None:
    now = timezone.now()
    old_pastoral = log_concern(world, occurred_at=now - dt.timedelta(days=3))
    Concern.objects.filter(pk=old_pastoral.pk).update(submitted_at=now - dt.timedelta(days=3))
    restricted = log_concern(world, restricted=True)
    overdue = log_concern(world)
    triage(world, overdue, "pastoral")
    Concern.objects.filter(pk=overdue.pk).update(due_date=timezone.localdate() - dt.timedelta(1))
    later = log_concern(world)
    triage(world, later, "pastoral")
    html = _dsl(client, world).get(reverse("safeguarding:inbox")).content.decode()
    assert _rows(html) == [c.reference for c in (restricted, old_pastoral, overdue, later)]
    assert "Overdue</span>" in html


def test_the_inbox_filters_and_counts(world: Any, client: Any) -> None:
    now = timezone.now()
    untriaged = log_concern(world, categories=["Bullying"])
    mine = log_concern(world, learners=[world.learner10], categories=["Family"])
    triage(world, mine, "pastoral")  # owner: the DSL
    old = log_concern(world, learners=[world.learner10], categories=["Family"])
    Concern.objects.filter(pk=old.pk).update(submitted_at=now - dt.timedelta(days=40))
    restricted = log_concern(world, restricted=True)
    _dsl(client, world)
    url = reverse("safeguarding:inbox")

    def refs(query: str) -> set[str]:
        return set(_rows(client.get(f"{url}?{query}").content.decode()))

    assert refs("status=new") == {untriaged.reference, old.reference, restricted.reference}
    assert refs("mine=1") == {mine.reference}
    assert refs("level=restricted") == {restricted.reference}
    assert refs(f"category={category(world, 'Bullying').pk}") == {untriaged.reference}
    assert refs(f"year={world.year10.pk}") == {mine.reference, old.reference}
    assert refs("age=over_30") == {old.reference}
    assert refs("age=under_7&status=new") == {untriaged.reference, restricted.reference}
    html = client.get(url).content.decode()
    assert "<strong>3</strong> not yet triaged</a>" in html
    assert f'href="{url}?mine=1"><strong>1</strong> owned by me' in html
    assert "<strong>4</strong> concerns" in html
    filtered = client.get(f"{url}?status=new&year={world.year10.pk}").content.decode()
    assert "<strong>1</strong> concern matches these filters" in filtered
    assert "Clear the filters" in filtered


def test_a_bad_filter_value_is_ignored_not_an_error(world: Any, client: Any) -> None:
    log_concern(world)
    response = _dsl(client, world).get(reverse("safeguarding:inbox") + "?year=abc&age=forever")
    assert response.status_code == 200 and len(_rows(response.content.decode())) == 1


@pytest.mark.parametrize("n", [2, 8])
def test_the_inbox_with_filters_uses_a_fixed_number_of_queries(
    world: Any, client: Any, django_assert_num_queries: Any, n: int
) -> None:
    for i in range(n):
        log_concern(world, learners=[world.learner9 if i % 2 else world.learner10])
    _dsl(client, world)
    url = reverse("safeguarding:inbox") + f"?status=new&year={world.year9.pk}&sen=&age=under_7"
    client.get(url)  # warm the session
    with django_assert_num_queries(10):
        assert client.get(url).status_code == 200


# --- Triage ---------------------------------------------------------------------


def test_the_triage_page_shows_the_learners_recent_history(world: Any, client: Any) -> None:
    Learner.objects.filter(pk=world.learner9.pk).update(cp_status=Learner.Status.CIN)
    earlier = log_concern(world, categories=["Bullying"])
    make_plan(world.learner9)
    concern = log_concern(world)
    html = _dsl(client, world).get(reverse("safeguarding:concern-triage", args=[concern.pk]))
    text = html.content.decode()
    history = text[text.index('id="history-heading"') :]
    assert earlier.reference in history and "Bullying" in history
    assert "Child in need" in history
    assert "Kim Keyworker" in history  # learner9's key worker (the caseload app's provider)
    assert "Pastoral support programme (active)" in history
    assert concern.reference not in history.split("Full chronology")[0].split("Last concerns")[1]


def test_the_triage_history_of_a_learner_with_nothing_says_so(world: Any, client: Any) -> None:
    concern = log_concern(world, learners=[world.learner10])
    text = _dsl(client, world).get(reverse("safeguarding:concern-triage", args=[concern.pk]))
    history = text.content.decode().split('id="history-heading"')[1]
    assert "No other concerns." in history and "None allocated" in history


def test_a_triage_is_written_in_words_in_the_history(world: Any) -> None:
    concern = log_concern(world)
    dsl = scope_of(world, "dsl")
    services.concern_triage(
        scope=dsl,
        concern=selectors.concern_for(dsl, concern.pk),
        version=1,
        level="restricted",
        owner_id=world.user("dsl").pk,
        category_ids=[category(world, "Neglect").pk],
        next_action="Call home",
        due_date=dt.date(2027, 1, 12),
    )
    text = ConcernEntry.objects.get(concern=concern, kind="triage").text
    assert "Level: Restricted (child protection)." in text
    assert "Due: 12 Jan 2027." in text and "Owner: Della Dsl." in text
    assert "Categories: Neglect." in text and "Status: Open." in text
    assert "due_date" not in text and "level:" not in text


def test_no_action_is_preselected_and_one_must_be_chosen(world: Any, client: Any) -> None:
    concern = log_concern(world)
    _dsl(client, world)
    html = client.get(reverse("safeguarding:concern-detail", args=[concern.pk])).content.decode()
    select = html[html.index('id="action_kind"') :]
    select = select[: select.index("</select>")]
    assert re.search(r'<option value=""[^>]*>Choose…</option>', select)
    # Nothing but the empty "Choose…" may be selected.
    assert re.findall(r'<option value="([^"]*)"[^>]*\bselected', select) in ([], [""])
    response = client.post(
        reverse("safeguarding:concern-action", args=[concern.pk]),
        {"kind": "", "taken_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 422
    assert "Choose the action taken." in response.content.decode()
    assert not concern.actions.exists()


# --- Pastoral list (heads of year) ---------------------------------------------------


def test_a_head_of_year_lists_their_years_pastoral_concerns_only(world: Any, client: Any) -> None:
    in_year = log_concern(world, categories=["Bullying"])
    other_year = log_concern(world, learners=[world.learner10])
    restricted = log_concern(world, restricted=True)
    cp_category = log_concern(world, categories=["Child protection"])
    sign_in(client, world.user("hoy"), school=world.school)
    html = client.get(reverse("safeguarding:pastoral-list")).content.decode()
    assert set(_rows(html)) == {in_year.reference}
    for hidden in (other_year, restricted, cp_category):
        assert hidden.reference not in html
    # The same filters: a category they have none of lists nothing.
    family = category(world, "Family").pk
    none = client.get(reverse("safeguarding:pastoral-list") + f"?category={family}")
    assert _rows(none.content.decode()) == []
    # Closed ones on request.
    dsl = scope_of(world, "dsl")
    services.concern_close(
        scope=dsl,
        concern=selectors.concern_for(dsl, in_year.pk),
        version=Concern.objects.get(pk=in_year.pk).version,
        reason="Resolved",
        rationale="Handled in school",
    )
    assert _rows(client.get(reverse("safeguarding:pastoral-list")).content.decode()) == []
    closed = client.get(reverse("safeguarding:pastoral-list") + "?status=closed")
    assert _rows(closed.content.decode()) == [in_year.reference]


def test_the_pastoral_list_is_in_the_head_of_years_menu(world: Any, client: Any) -> None:
    sign_in(client, world.user("hoy"), school=world.school)
    assert "Pastoral concerns</a>" in client.get("/").content.decode()
    sign_in(client, world.user("staff"), school=world.school)
    assert "Pastoral concerns</a>" not in client.get("/").content.decode()


@pytest.mark.parametrize("n", [2, 8])
def test_the_pastoral_list_uses_a_fixed_number_of_queries(
    world: Any, client: Any, django_assert_num_queries: Any, n: int
) -> None:
    for _ in range(n):
        log_concern(world)
    sign_in(client, world.user("hoy"), school=world.school)
    url = reverse("safeguarding:pastoral-list") + "?status=new&age=under_7"
    client.get(url)
    with django_assert_num_queries(10):
        assert client.get(url).status_code == 200


# --- My concerns ------------------------------------------------------------------


def test_the_author_sees_the_categories_they_recorded_even_once_restricted(
    world: Any, client: Any
) -> None:
    concern = log_concern(world, categories=["Bullying", "Family"])
    dsl = scope_of(world, "dsl")
    services.concern_triage(
        scope=dsl,
        concern=selectors.concern_for(dsl, concern.pk),
        version=1,
        level="restricted",
        owner_id=None,
        category_ids=[category(world, "Child protection").pk],
        next_action="",
        due_date=None,
    )
    sign_in(client, world.user("staff"), school=world.school)
    html = client.get(reverse("safeguarding:my-concerns")).content.decode()
    assert "Bullying, Family" in html and "Child protection" not in html
    detail = client.get(reverse("safeguarding:concern-detail", args=[concern.pk]))
    text = detail.content.decode()
    assert "Categories you chose:</strong> Bullying, Family" in text
    assert "Child protection" not in text and "Restricted" not in text


# --- Dashboard ---------------------------------------------------------------------


def test_the_dashboard_shows_counts_first_each_linking_to_the_filtered_inbox(
    world: Any, client: Any
) -> None:
    log_concern(world, restricted=True)
    late = log_concern(world, learners=[world.learner10])
    triage(world, late, "pastoral")
    Concern.objects.filter(pk=late.pk).update(due_date=timezone.localdate() - dt.timedelta(3))
    html = _dsl(client, world).get(reverse("safeguarding:dashboard")).content.decode()
    figures = html.index('id="figures-heading"')
    assert figures < html.index('id="overdue-heading"') < html.index('id="open-heading"')
    inbox = reverse("safeguarding:inbox")
    assert re.search(
        rf'href="{inbox}\?status=new">\s*<span class="cockpit-number d-block">1</span>', html
    )
    assert re.search(
        rf'href="{inbox}\?overdue=1">\s*<span class="cockpit-number d-block">1</span>', html
    )
    # Overdue items grouped by owner, collapsed.
    assert re.search(r"<details class=\"overdue-group mb-1\"><summary>Della Dsl: 1</summary>", html)
    # The numbers lead to the list they count.
    listed = client.get(f"{inbox}?overdue=1").content.decode()
    assert _rows(listed) == [late.reference]


def test_the_overdue_action_figure_counts_the_concerns_its_link_lists(world: Any) -> None:
    concern = log_concern(world)
    dsl = scope_of(world, "dsl")
    for _ in range(2):
        services.action_record(
            scope=dsl,
            concern=selectors.concern_for(dsl, concern.pk),
            kind="parent",
            details="Ring home",
            outcome="",
            taken_on=timezone.localdate() - dt.timedelta(days=5),
            follow_up_due=timezone.localdate() - dt.timedelta(days=1),
        )
    log_concern(world)
    data = selectors.dashboard_for(dsl)
    figure = next(f for f in data["figures"] if f.label == "With an action overdue")
    assert (figure.count, figure.hint, figure.link) == (1, "2 actions", "action_overdue=1")
    listed = selectors.inbox_for(dsl, selectors.ConcernFilters(action_overdue=True))
    assert [c.pk for c in listed] == [concern.pk]
    assert [g.label for g in data["action_groups"]] == ["Parent / carer contacted"]


def test_the_dashboard_filters_by_learner_characteristics(world: Any, client: Any) -> None:
    sen = LearnerFactory(year_group=world.year9, sen_status=Learner.SEN.EHCP)
    cla = LearnerFactory(year_group=world.year10, looked_after=True, pupil_premium=True)
    log_concern(world, learners=[sen], categories=["Bullying"])
    log_concern(world, learners=[cla], categories=["Family"])
    log_concern(world, categories=["Family"])
    dsl = scope_of(world, "dsl")

    def open_count(**filters: Any) -> int:
        data = selectors.dashboard_for(dsl, selectors.ConcernFilters(**filters))
        return next(f.count for f in data["figures"] if f.label == "Open in all")

    assert open_count() == 3
    assert open_count(sen=True) == 1
    assert open_count(looked_after=True) == 1 and open_count(pupil_premium=True) == 1
    assert open_count(year=world.year9.pk) == 2
    assert open_count(category=category(world, "Family").pk) == 2
    html = _dsl(client, world).get(reverse("safeguarding:dashboard") + "?sen=1").content.decode()
    inbox = reverse("safeguarding:inbox")
    assert (
        f'href="{inbox}?status=new&amp;sen=1"' in html
        or f'href="{inbox}?sen=1&amp;status=new"' in html
    )


@pytest.mark.parametrize("n", [2, 8])
def test_the_dashboard_uses_a_fixed_number_of_queries(
    world: Any, client: Any, django_assert_num_queries: Any, n: int
) -> None:
    for i in range(n):
        concern = log_concern(world, learners=[world.learner9 if i % 2 else world.learner10])
        triage(world, concern, "pastoral")
        Concern.objects.filter(pk=concern.pk).update(
            due_date=timezone.localdate() - dt.timedelta(days=1)
        )
    _dsl(client, world)
    url = reverse("safeguarding:dashboard") + "?sen=&year="
    client.get(url)
    with django_assert_num_queries(11):
        assert client.get(url).status_code == 200


# --- Body map ---------------------------------------------------------------------


def test_parts_chosen_from_the_list_are_drawn_with_a_note_per_mark(world: Any, client: Any) -> None:
    sign_in(client, world.user("staff"), school=world.school)
    marks = [
        {"view": "front", "region": "left-arm", "note": "Bruise, 3 cm, purple"},
        {"view": "back", "x": 40, "y": 30},
    ]
    response = client.post(
        reverse("safeguarding:concern-new"),
        {
            "learners": [world.learner9.pk],
            "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "description": "Bruise on the arm",
            "body_map": json.dumps(marks),
        },
    )
    assert response.status_code == 302
    concern = Concern.objects.get()
    assert concern.body_map[0]["note"] == "Bruise, 3 cm, purple"
    html = client.get(response["Location"]).content.decode()
    # The front's left arm is drawn on the viewer's right (the diagram's "L").
    assert '<circle class="bodymap-mark" cx="75" cy="65" r="3"/>' in html
    assert '<circle class="bodymap-mark" cx="40.0" cy="60.0" r="3"/>' in html
    assert "Front: Left arm: Bruise, 3 cm, purple" in html


def test_the_concern_form_carries_where_each_listed_part_is_drawn(world: Any, client: Any) -> None:
    sign_in(client, world.user("staff"), school=world.school)
    html = client.get(reverse("safeguarding:concern-new")).content.decode()
    front = re.search(r'data-front="([^"]+)"', html)
    back = re.search(r'data-back="([^"]+)"', html)
    assert front is not None and back is not None
    assert json.loads(front.group(1).replace("&quot;", '"'))["left-arm"] == [75, 65]
    assert json.loads(back.group(1).replace("&quot;", '"'))["left-arm"] == [25, 65]
    region = html[html.index('id="region-front"') :]
    assert '<option value="">Choose…</option>' in region[: region.index("</select>")]
