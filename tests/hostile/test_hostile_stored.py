"""Hostile text that is already stored (an older row, an import, the admin) is shown escaped on
every page and does not break an export: the forms refuse control characters now, but the
pages and files must not depend on it."""

import pytest
from django.test import Client
from django.urls import reverse

from demo.factories import open_case
from riskcases.services import contact_log
from tests.hostile.payloads import ATTRIBUTE_BREAK, SCRIPT
from tests.hostile.probe import body_of, unescaped_echo
from tests.hostile.world import NOW, World

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("monday")]
NASTY_NAME = f"{SCRIPT}\x0b\x1b\u202e"


def test_it_escapes_stored_hostile_text_and_exports_it_without_error():
    world = World()
    learner = world.new_learner(first_name=NASTY_NAME, last_name=ATTRIBUTE_BREAK)
    case = open_case(learner, by=world.tutor, reason=SCRIPT)
    contact_log(
        learner=learner,
        author=world.tutor,
        occurred_at=NOW,
        contact_type="phone",
        notes=f"{SCRIPT} {ATTRIBUTE_BREAK}\x07",
    )
    pages = {
        world.tutor: [
            reverse("learner_list") + "?q=%3Cscript%3E",
            reverse("learner_detail", args=[learner.pk]),
            reverse("case_detail", args=[case.pk]),
            reverse("case_list"),
            reverse("break_list"),
            reverse("notification_list"),
        ],
        world.manager: [
            reverse("register"),
            reverse("register_overdue"),
            reverse("team_workload"),
            *(reverse("register_export", args=[fmt]) for fmt in ("csv", "xlsx", "pdf")),
        ],
        # The audit trail holds the stored values as they were written.
        world.director: [reverse("audit_list"), reverse("audit_list") + "?learner=%3Cscript%3E"],
    }
    for user, urls in pages.items():
        client = Client()
        client.force_login(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            if "export" not in url:  # files: the CSV holds the text as data, never as HTML
                assert unescaped_echo(body_of(response)) is None, url
    client = Client()
    client.force_login(world.tutor)
    pack = client.post(reverse("evidence_pack", args=[learner.pk]))
    assert pack.status_code == 200 and pack["Content-Type"] == "application/pdf"
