"""A director reads the audit trail in Chromium, filters it to one learner, on a desktop and
a phone-sized screen; axe-core finds nothing."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from audit.actor import actor_set
from demo.factories import LearnerFactory, UserFactory
from learners.models import Learner
from riskcases.services import contact_log, rating_change
from tests.browser.accessibility import axe_violations
from tests.browser.pages import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def trail(tutor, learner, manager, team):
    with actor_set(user=tutor):
        rating_change(learner=learner, level="high", reason="Missed 3 sessions", set_by=tutor)
        contact_log(
            learner=learner,
            author=tutor,
            occurred_at=timezone.now() - dt.timedelta(hours=2),
            contact_type="meeting",
            notes="Disclosure recorded; referred.",
            confidential=True,
        )
    with actor_set(user=manager):
        Learner.objects.filter(pk=learner.pk).update(phone="0161 496 0001")
    LearnerFactory(tutor=tutor, team=team, first_name="Other", last_name="Person")
    return learner


def test_a_director_reads_and_filters_the_audit_trail(browser, live_server, trail, artifacts_dir):
    director = UserFactory(username="dee.director", roles=["director"])
    for width, label in ((1280, "desktop"), (390, "phone")):
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        log_in(page, live_server.url, director.username)
        page.goto(f"{live_server.url}/audit/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Audit trail")
        expect(page.get_by_role("cell", name=re.compile("team.manager")).first).to_be_visible()
        expect(page.get_by_text("Disclosure recorded")).to_have_count(0)  # never to directors
        page.screenshot(path=artifacts_dir / f"audit-trail-{label}.png", full_page=True)
        assert axe_violations(page) == [], label
        assert page.evaluate("document.documentElement.scrollWidth") <= width

        page.get_by_label("Learner").fill(trail.uln)
        page.get_by_label("Action").select_option("update")
        page.get_by_role("button", name="Filter").click()
        expect(page.get_by_text("Other Person")).to_have_count(0)
        expect(page.get_by_text("0161 496 0001")).to_be_visible()
        page.screenshot(path=artifacts_dir / f"audit-trail-filtered-{label}.png", full_page=True)
        assert axe_violations(page) == [], label
        context.close()


def test_a_director_sees_a_redacted_trail(browser, live_server, trail, artifacts_dir):
    from dataprotection.retention import learner_anonymise
    from learners.models import LearnerStatus

    Learner.objects.filter(pk=trail.pk).update(status=LearnerStatus.COMPLETED)
    safeguarding = UserFactory(username="sam.safeguarding", roles=["safeguarding"])
    assert learner_anonymise(learner=trail, by=safeguarding, today=dt.date(2040, 1, 1))
    erased = Learner.objects.get(pk=trail.pk)
    director = UserFactory(username="dee.director", roles=["director"])
    for width, label in ((1280, "desktop"), (390, "phone")):
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        log_in(page, live_server.url, director.username)
        page.goto(f"{live_server.url}/audit/?learner={erased.uln}")
        record = page.get_by_text(re.compile(r"Personal data erased from \d+ audit rows"))
        expect(record).to_be_visible()
        expect(page.get_by_text("Personal data erased on").first).to_be_visible()
        for secret in ("Missed 3 sessions", "0161 496 0001", trail.uln, trail.full_name):
            expect(page.get_by_text(secret)).to_have_count(0)
        page.screenshot(path=artifacts_dir / f"audit-trail-redacted-{label}.png", full_page=True)
        assert axe_violations(page) == [], label
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        context.close()
