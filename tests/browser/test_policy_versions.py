"""A director reads a draft's problems and publishes a version; a manager moves their team's
open cases onto it. Desktop and phone widths; axe-core finds nothing."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from demo.factories import LearnerFactory, UserFactory, open_case
from policies.models import Policy
from policies.selectors import policy_current_version_id, spec_cache_clear
from policies.services import version_draft_create, version_publish
from tests.browser.accessibility import axe_violations
from tests.browser.pages import log_in
from tests.policy_helpers import team_follows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SIZES = ((1280, "desktop"), (390, "phone"))


@pytest.fixture
def aspiration(team):
    team_follows(team, "aspiration")
    return Policy.objects.get(key="aspiration")


def _draft(aspiration, author):
    current = aspiration.versions.get(pk=policy_current_version_id(policy_id=aspiration.pk))
    return version_draft_create(policy=aspiration, based_on=current, by=author)


def _look(page, artifacts_dir, name: str, width: int) -> None:
    page.screenshot(path=artifacts_dir / f"{name}.png", full_page=True)
    assert axe_violations(page) == [], name
    assert page.evaluate("document.documentElement.scrollWidth") <= width, name


def test_a_director_reads_a_drafts_problems_then_publishes_it(
    browser, live_server, aspiration, director, artifacts_dir
):
    broken = _draft(aspiration, director)
    broken.document["moves"][0]["by_roles"] = []
    broken.document["stages"][1]["default_deadline"] = 0
    broken.save()
    publisher = UserFactory(username="second.director", roles=["director"])
    for width, label in SIZES:
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        log_in(page, live_server.url, publisher.username)
        page.goto(f"{live_server.url}/policy/versions/{broken.pk}/")
        expect(
            page.get_by_role("heading", name="What stops this draft being published")
        ).to_be_visible()
        expect(page.get_by_text("Nobody may make it: name at least one role.")).to_be_visible()
        _look(page, artifacts_dir, f"policy-draft-problems-{label}", width)
        context.close()

    draft = _draft(aspiration, director)
    context = browser.new_context(viewport={"width": 390, "height": 900})
    page = context.new_page()
    log_in(page, live_server.url, publisher.username)
    page.goto(f"{live_server.url}/policy/versions/{draft.pk}/")
    page.get_by_label("In effect from").fill(timezone.localdate().isoformat())
    page.get_by_label("Why this version").fill("Annual review by the board")
    _look(page, artifacts_dir, "policy-draft-publish-phone", 390)
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text(re.compile(r"is published\."))).to_be_visible()
    expect(page.get_by_text("the version new cases open under")).to_be_visible()
    _look(page, artifacts_dir, "policy-published-phone", 390)
    context.close()


def test_a_manager_moves_their_teams_cases_to_the_new_version(
    browser, live_server, aspiration, team, manager, director, artifacts_dir
):
    for name in ("Ada", "Ben"):
        open_case(LearnerFactory(team=team, first_name=name), stage="stage_1")
    open_case(LearnerFactory(team=team, first_name="Cal"))
    newer = version_publish(
        version=_draft(aspiration, director),
        by=UserFactory(username="second.director", roles=["director"]),
        effective_from=timezone.localdate(),
        reason="Annual review",
    )
    spec_cache_clear()
    for width, label in SIZES:
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        log_in(page, live_server.url, manager.username)
        page.goto(f"{live_server.url}/policy/versions/{newer.pk}/")
        expect(page.get_by_text("3 open cases you look after run under")).to_be_visible()
        _look(page, artifacts_dir, f"policy-version-older-cases-{label}", width)
        page.get_by_role("link", name="Move cases to this version").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Move cases to {newer}")
        _look(page, artifacts_dir, f"policy-move-cases-{label}", width)
        context.close()

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    log_in(page, live_server.url, manager.username)
    page.goto(f"{live_server.url}/policy/versions/{newer.pk}/move-cases/")
    page.get_by_label("Reason").fill("The new version applies to every open case")
    page.get_by_role("button", name="Move the cases").click()
    expect(page.get_by_text(f"3 cases moved to {newer}.")).to_be_visible()
    context.close()
