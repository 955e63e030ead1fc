"""The issue's "Done when" journey through the real views (the browser test
repeats it in Chromium)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from pastoral.models import AuditEvent
from pastoral.notifications.models import Notification
from safeguarding.models import Concern, ConcernAction
from tests.conftest import sign_in
from tests.safeguarding.helpers import category, pdf


def test_it_runs_the_whole_journey(world: Any, client: Any) -> None:
    staff, dsl, keyworker = world.user("staff"), world.user("dsl"), world.user("support")
    # 1. A member of staff logs a concern with an attachment.
    sign_in(client, staff, school=world.school)
    response = client.post(
        reverse("safeguarding:concern-new"),
        {
            "learners": [world.learner9.pk],
            "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "location": "Playground",
            "categories": [category(world, "Neglect").pk],
            "description": "Came in without a coat again; said there is no food at home.",
            "action_taken": "Gave breakfast from the club.",
            "body_map": '[{"view": "front", "region": "left-arm"}]',
            "attachments": [pdf("note.pdf")],
        },
    )
    concern = Concern.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("safeguarding:concern-detail", args=[concern.pk])
    assert concern.attachments.count() == 1
    assert concern.body_map == [{"view": "front", "region": "left-arm"}]
    assert Notification.objects.filter(
        recipient=dsl, title=f"New concern {concern.reference}"
    ).exists()

    # 2. The DSL sees it in the inbox.
    client.logout()
    sign_in(client, dsl, school=world.school)
    inbox = client.get(reverse("safeguarding:inbox"))
    assert concern.reference in inbox.content.decode()
    assert inbox.context["counts"]["untriaged"] == 1
    detail = client.get(reverse("safeguarding:concern-detail", args=[concern.pk]))
    assert "no food at home" in detail.content.decode()

    # 3. ...triages it as restricted...
    response = client.post(
        reverse("safeguarding:concern-triage", args=[concern.pk]),
        {
            "version": concern.version,
            "level": "restricted",
            "owner": dsl.pk,
            "categories": [category(world, "Neglect").pk],
            "next_action": "Refer to MASH",
            "due_date": "",
        },
    )
    assert response.status_code == 302
    concern.refresh_from_db()
    assert concern.level == "restricted" and concern.status == "open"

    # 4. ...and records a referral.
    response = client.post(
        reverse("safeguarding:concern-action", args=[concern.pk]),
        {
            "kind": "social_care",
            "details": "Referred to MASH by phone, ref 4471.",
            "outcome": "",
            "taken_on": timezone.localdate().isoformat(),
            "follow_up_due": "",
        },
    )
    assert response.status_code == 302
    assert ConcernAction.objects.filter(concern=concern, kind="social_care").exists()

    # 5. The author still sees what they wrote, but not the later entries.
    client.logout()
    sign_in(client, staff, school=world.school)
    page = client.get(reverse("safeguarding:concern-detail", args=[concern.pk])).content.decode()
    assert "no food at home" in page
    assert "Referred to MASH" not in page
    assert "Refer to MASH" not in page
    assert "Restricted" not in page

    # 6. The key worker cannot see it.
    client.logout()
    sign_in(client, keyworker, school=world.school)
    assert client.get(reverse("safeguarding:concern-detail", args=[concern.pk])).status_code == 404

    # 7. The DSL shares it with the key worker...
    client.logout()
    sign_in(client, dsl, school=world.school)
    response = client.post(
        reverse("safeguarding:concern-share", args=[concern.pk]),
        {"user": keyworker.pk, "reason": "Needs to know for 1:1 sessions", "expires_at": ""},
    )
    assert response.status_code == 302

    # 8. ...who now can see it, referral included.
    client.logout()
    sign_in(client, keyworker, school=world.school)
    page = client.get(reverse("safeguarding:concern-detail", args=[concern.pk])).content.decode()
    assert "Referred to MASH" in page

    # 9. The audit trail shows every view, by whom, with the learner.
    views = AuditEvent.objects.filter(
        action="safeguarding.concern.viewed", object_id=str(concern.pk)
    )
    viewers = {e.actor_id for e in views}
    assert {staff.pk, dsl.pk, keyworker.pk} <= viewers
    assert all(e.learner_id == world.learner9.pk for e in views)
    assert AuditEvent.objects.filter(action="safeguarding.concern.shared").count() == 1
    assert AuditEvent.objects.filter(action="safeguarding.concern.triaged").count() == 1
