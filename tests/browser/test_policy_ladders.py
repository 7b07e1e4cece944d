"""Each shipped policy's ladder worked in the browser, first stage to last: the team's manager
wherever the version lets a manager make the move, otherwise the person it names (the tutor, or
MTT's director at Stage 1). Each move is made from the case page by its button, after what it
requires is on the record: the stage letter sent from its preview page, the reviews logged and
Makers' recommendation recorded on the page. Screenshots of every stage at 1280 px and of the
last at 390 px, axe clean."""

import datetime as dt

import pytest
import time_machine
from playwright.sync_api import Page, expect

from demo.factories import LearnerFactory
from escalation.services import case_active, case_open, case_policy
from escalation.stage_reviews import stage_review_record
from policies.spec import MANAGER
from riskcases.models import ContactType
from riskcases.services import contact_log
from tests.browser.accessibility import axe_violations
from tests.browser.pages import log_in
from tests.policy_helpers import team_follows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOW = dt.datetime(2026, 11, 23, 10, tzinfo=dt.UTC)  # a Monday


def _as(page: Page, live_server, user) -> None:
    page.context.clear_cookies()
    log_in(page, live_server.url, user.username)


def _notify_stage(page: Page, case_url: str) -> None:
    """Send the stage letter from its preview page, where the stage has one due."""
    page.goto(case_url)
    preview = page.get_by_role("link", name="Preview and send the letter")
    if preview.count():
        preview.click()
        page.get_by_role("button", name="Send and store in the contact log").click()
        expect(page.get_by_text("Notified").first).to_be_visible()


@pytest.mark.parametrize("policy_key", ["mtt", "aspiration", "bpn", "makers"])
def test_a_team_works_a_case_through_its_policys_ladder(
    page: Page, live_server, policy_key, team, manager, tutor, director, artifacts_dir
):
    team_follows(team, policy_key)
    learner = LearnerFactory(
        tutor=tutor,
        team=team,
        programme_type="apprenticeship",
        first_name="Lee",
        last_name="Ladder",
    )
    with time_machine.travel(NOW - dt.timedelta(days=3), tick=False):
        case = case_open(learner=learner, by=tutor, reason="Behind plan and not replying")
    policy = case_policy(case)
    people = {"tutor": tutor, "manager": manager, "director": director}
    case_url = f"{live_server.url}/cases/{case.pk}/"
    page.set_viewport_size({"width": 1280, "height": 900})
    for number, stage in enumerate(policy.stages[:-1], start=1):
        move = next(m for m in policy.moves_from(stage.key, kind="forward") if m.people)
        actor = people[MANAGER if MANAGER in move.people else move.people[0]]
        _as(page, live_server, actor)
        if move.requires.stage_notified:
            _notify_stage(page, case_url)
        # The contact attempts the move requires, each over a different channel.
        channels = (ContactType.PHONE, ContactType.EMAIL, ContactType.LETTER)
        for index in range(move.requires.contact_attempts):
            contact_log(
                learner=learner,
                author=actor,
                occurred_at=dt.datetime.now(dt.UTC),
                contact_type=channels[index % len(channels)],
                notes="Tried to reach the learner; no reply.",
            )
        for _ in range(move.requires.review_meetings):
            stage_review_record(
                case=case_active(learner=learner),
                by=actor,
                held_on=dt.date.today(),
                points=dict.fromkeys(stage.review_points, "Time plan targets not met."),
                employer_attended=True,
            )
        if move.requires.recommendation or move.requires.outcome:
            # Recorded (and e-mailed) on the page by the role the stage names for it.
            if stage.recommended_by:
                _as(page, live_server, people[stage.recommended_by[0]])
            page.goto(case_url)
            recommendation = page.get_by_role("combobox", name="Recommendation")
            if move.requires.outcome:
                recommendation.select_option(move.requires.outcome)
            else:
                recommendation.select_option(index=1)
            page.get_by_role("textbox", name="Why").fill("No progress at the two reviews")
            page.get_by_role("button", name="Record the recommendation").click()
            expect(page.get_by_role("status").first).to_contain_text("Recommendation recorded")
            _as(page, live_server, actor)
        page.goto(case_url)
        expect(page.get_by_role("heading", level=1)).to_contain_text(stage.name)
        page.screenshot(
            path=artifacts_dir / f"ladder-{policy_key}-{number}-{stage.key}.png", full_page=True
        )
        assert axe_violations(page) == []
        page.get_by_role("textbox", name="Reason").fill(f"No improvement at {stage.name}")
        due = page.get_by_label("Due date")
        if due.count():
            due.fill((dt.date.today() + dt.timedelta(days=28)).isoformat())
        page.get_by_role("button", name=move.label).click()
        following = policy.next_stage(stage.key)
        expect(page.get_by_role("heading", level=1)).to_contain_text(following.name)
    last = policy.stages[-1]
    case.refresh_from_db()
    assert case.stage == last.key
    history = list(case.changes.order_by("sequence").values_list("move_key", flat=True))
    assert len(history) == len(policy.stages) and all(history[1:])
    page.screenshot(path=artifacts_dir / f"ladder-{policy_key}-last.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    page.screenshot(path=artifacts_dir / f"ladder-{policy_key}-last-390.png", full_page=True)
    assert axe_violations(page) == []
