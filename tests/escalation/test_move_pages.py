"""The case page offers exactly the moves the case's version allows this user from its stage,
says what each still needs, keeps what was typed when a move is refused, and records a
stage's recommendation."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from demo.factories import ContactLogEntryFactory, LearnerFactory, open_case
from escalation.case_moves import case_move
from escalation.models import CaseRecommendation
from riskcases.models import ContactType
from tests.escalation.move_policy import ladder_policy

pytestmark = pytest.mark.usefixtures("monday")


@pytest.fixture
def case(team, tutor):
    ladder_policy(team)
    return open_case(LearnerFactory(tutor=tutor, team=team))


def buttons(response) -> dict[str, bool]:
    """Each move button's label and whether it can be pressed."""
    html = response.content.decode()
    found = re.findall(
        r'<button class="btn btn-sm[^"]*" formaction="[^"]+"([^>]*)>([^<]+)</button>', html
    )
    return {label: "disabled" not in attrs for attrs, label in found}


def test_it_lists_the_moves_this_user_may_make_from_the_stage(client, case, tutor, manager):
    client.force_login(tutor)
    page = client.get(reverse("case_detail", args=[case.pk]))
    assert buttons(page) == {
        "On to Stage B": True,
        "Step down": False,
        "Close: back on track": True,
    }
    assert "Not yet: Needs a support contract" in page.content.decode()
    client.force_login(manager)
    page = client.get(reverse("case_detail", args=[case.pk]))
    assert buttons(page) == {"Close: back on track": True}


def test_a_refused_move_keeps_what_was_typed_and_says_why(client, case, tutor):
    case = case_move(case=case, move_key="a_on", by=tutor, reason="No reply")
    client.force_login(tutor)
    response = client.post(
        reverse("case_move", args=[case.pk, "b_on"]),
        {"reason": "Tried twice by phone", "expected_stage": "b", "due_on": "2026-12-18"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Tried twice by phone" in html
    assert "Needs 3 contact attempts over 2 different channels since Stage B began" in html
    case.refresh_from_db()
    assert case.stage == "b"


def test_a_move_posted_by_its_key_is_made(client, case, tutor):
    client.force_login(tutor)
    response = client.post(
        reverse("case_move", args=[case.pk, "a_on"]),
        {"reason": "No reply", "expected_stage": "a"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.stage == "b"
    assert case.changes.order_by("-sequence").first().move_key == "a_on"


def test_it_records_a_recommendation_and_shows_it_in_the_history(client, case, tutor, manager):
    for contact_type in (ContactType.PHONE, ContactType.EMAIL, ContactType.PHONE):
        ContactLogEntryFactory(learner=case.learner, contact_type=contact_type)
    case = case_move(case=case, move_key="a_on", by=tutor, reason="No reply")
    case = case_move(case=case, move_key="b_on", by=tutor, reason="r", due_on=dt.date(2026, 12, 18))
    client.force_login(manager)
    url = reverse("case_recommendation", args=[case.pk])
    refused = client.post(url, {"outcome": "Promote them", "reason": "", "expected_stage": "c"})
    assert refused.status_code == 200 and "Select a valid choice" in refused.content.decode()
    response = client.post(
        url, {"outcome": "Withdraw the learner", "reason": "No contact", "expected_stage": "c"}
    )
    assert response.status_code == 302
    assert CaseRecommendation.objects.get(case=case).outcome == "Withdraw the learner"
    page = client.get(reverse("case_detail", args=[case.pk])).content.decode()
    assert "Recommendation</strong> at Stage C: Withdraw the learner" in page
