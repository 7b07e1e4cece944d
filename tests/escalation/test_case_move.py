"""case_move: a person's stage move and its announcement, as one action. The case page calls
it; a command or an import making the same move tells the same people the same thing."""

import pytest
from django.core import mail
from django.urls import reverse

from demo.factories import LearnerFactory, open_case
from escalation.case_moves import case_move
from escalation.models import ChangeKind
from escalation.services import IllegalMove
from notifications.models import Notification

pytestmark = pytest.mark.usefixtures("monday")


@pytest.fixture
def two_cases(tutor, manager, team):
    """Two learners alike (same tutor, same team), each with a case at the first stage."""
    return [
        open_case(LearnerFactory(tutor=tutor, team=team, first_name=name, last_name="Case"))
        for name in ("Page", "Action")
    ]


def announced(case) -> list[tuple[str, str, str, str]]:
    """Who was told of the case's moves, and what, with the learner's name taken out."""
    name = case.learner.full_name
    return sorted(
        (n.recipient.username, n.kind, n.title.replace(name, "<learner>"), n.body)
        for n in Notification.objects.filter(url=reverse("case_detail", args=[case.pk]))
    )


def test_the_action_tells_exactly_whom_the_page_tells(client, tutor, two_cases):
    by_page, by_action = two_cases
    client.force_login(tutor)
    response = client.post(
        reverse("case_move", args=[by_page.pk, "advance"]),
        {"reason": "No reply", "expected_stage": by_page.stage},
    )
    assert response.status_code == 302
    moved = case_move(
        case=by_action,
        move="advance",
        by=tutor,
        reason="No reply",
        expected_stage=by_action.stage,
    )
    assert moved.changes.order_by("-sequence").first().kind == ChangeKind.ADVANCED
    page_told = announced(by_page)
    assert page_told, "the page's move told nobody"
    assert [row[0] for row in page_told] == ["team.manager"]  # not the tutor who moved it
    assert announced(by_action) == page_told


def test_every_move_is_announced(tutor, manager, two_cases):
    case = two_cases[0]
    case_move(case=case, move="close", by=manager, reason="Back on track")
    told = {n.recipient for n in Notification.objects.filter(kind="stage_change")}
    assert tutor in told and manager not in told


def test_a_refused_move_raises_and_tells_nobody(tutor, two_cases):
    case = two_cases[0]
    changes = case.changes.count()
    with pytest.raises(IllegalMove, match="open cannot be re-escalated"):
        case_move(case=case, move="re_escalate", by=tutor, reason="Not working")
    with pytest.raises(IllegalMove, match="moved on since"):
        case_move(case=case, move="advance", by=tutor, reason="x", expected_stage="elsewhere")
    with pytest.raises(IllegalMove, match="no case move called"):
        case_move(case=case, move="leap", by=tutor, reason="x")
    assert case.changes.count() == changes
    assert not Notification.objects.filter(kind="stage_change").exists()
    assert mail.outbox == []
