"""Drafts, publication (checked, four eyes, on a date) and retirement of policy versions."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from audit.actor import actor_set
from audit.models import AuditEvent
from demo.factories import LearnerFactory, open_case
from escalation.services import case_policy
from notifications.models import Notification
from policies.models import Policy, PolicyVersion, VersionStatus
from policies.selectors import policy_current_version_id
from policies.services import version_draft_create, version_publish, version_retire
from tests.conftest import MONDAY
from tests.policy_helpers import team_follows

pytestmark = pytest.mark.usefixtures("monday")
TODAY = MONDAY.date()


@pytest.fixture
def aspiration(db):
    return Policy.objects.get(key="aspiration")


@pytest.fixture
def current(aspiration):
    return PolicyVersion.objects.get(pk=policy_current_version_id(policy_id=aspiration.pk))


@pytest.fixture
def second_director(user_with_role):
    return user_with_role("director", username="second.director")


@pytest.fixture
def draft(aspiration, current, director):
    return version_draft_create(policy=aspiration, based_on=current, by=director)


def publish(version, by, *, on=TODAY, reason="Annual review, January board"):
    return version_publish(version=version, by=by, effective_from=on, reason=reason)


def refusals(call) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value.messages


def test_a_draft_copies_its_version_and_takes_the_next_number(draft, current):
    assert draft.status == VersionStatus.DRAFT and draft.based_on == current
    assert draft.number == current.policy.versions.count() and draft.document == current.document
    draft.document["periods"]["back_on_track_days"] = 35
    draft.save()  # a draft may change
    current.refresh_from_db()
    assert current.document["periods"]["back_on_track_days"] == 28


def test_the_author_of_a_draft_cannot_publish_it_another_director_can(
    draft, director, second_director
):
    assert refusals(lambda: publish(draft, director)) == [
        "You wrote this draft: another director must publish it (four eyes)."
    ]
    published = publish(draft, second_director)
    assert published.status == VersionStatus.PUBLISHED
    assert published.published_by == second_director and published.published_at is not None


def test_only_a_director_publishes_with_a_reason_from_today(draft, manager):
    assert refusals(
        lambda: publish(draft, manager, on=TODAY - dt.timedelta(days=1), reason=" ")
    ) == [
        "Only a director publishes a policy version.",
        "Give the reason for the new version (it is shown with the version).",
        "The version cannot take effect before today.",
    ]


def test_a_draft_with_problems_is_not_published(draft, second_director):
    draft.document["moves"][0]["by_roles"] = []
    draft.save()
    assert refusals(lambda: publish(draft, second_director)) == [
        "Move 'Move to Stage 1': Nobody may make it: name at least one role."
    ]
    draft.refresh_from_db()
    assert draft.status == VersionStatus.DRAFT


def test_a_published_version_never_changes_and_is_not_published_twice(draft, second_director):
    publish(draft, second_director)
    draft.document["periods"]["back_on_track_days"] = 35
    with pytest.raises(ValidationError, match="cannot be changed"):
        draft.save()
    assert refusals(lambda: publish(draft, second_director))[0].endswith(
        "is published: only a draft is published."
    )


def test_a_version_effective_later_leaves_the_old_one_current_until_that_day(
    aspiration, current, draft, second_director, team
):
    team_follows(team, "aspiration")
    takes_effect = TODAY + dt.timedelta(days=7)
    publish(draft, second_director, on=takes_effect)

    assert policy_current_version_id(policy_id=aspiration.pk) == current.pk
    before = open_case(LearnerFactory(team=team))
    assert before.policy_version_id == current.pk
    with time_machine.travel(MONDAY + dt.timedelta(days=7), tick=False):
        assert policy_current_version_id(policy_id=aspiration.pk) == draft.pk
        after = open_case(LearnerFactory(team=team))
        assert after.policy_version_id == draft.pk
    # The case opened before keeps its version.
    before.refresh_from_db()
    assert before.policy_version_id == current.pk


def test_publishing_tells_managers_and_directors_after_it_commits(
    draft, director, second_director, manager, tutor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        publish(draft, second_director)
    told = set(
        Notification.objects.filter(kind="policy_published").values_list(
            "recipient__username", flat=True
        )
    )
    assert told == {director.username, manager.username}  # not the publisher, not tutors


def test_publishing_is_in_the_audit_trail(draft, second_director):
    with actor_set(user=second_director):
        publish(draft, second_director)
    event = (
        AuditEvent.objects.filter(table_name="policies_policyversion", row_id=draft.pk)
        .order_by("pk")
        .last()
    )
    assert event.operation == "update" and event.actor_id == second_director.pk
    assert event.before["status"] == "draft" and event.after["status"] == "published"


def test_the_only_version_in_effect_of_a_followed_policy_is_not_retired(
    current, draft, director, second_director, team
):
    team_follows(team, "aspiration")
    assert refusals(lambda: version_retire(version=current, by=director, reason="Replaced")) == [
        f"{current} is the only version of {current.policy} in effect and teams follow it: "
        "publish the version that replaces it (or move the teams) first."
    ]
    # A replacement that takes effect later does not help until then.
    publish(draft, second_director, on=TODAY + dt.timedelta(days=1))
    with pytest.raises(ValidationError):
        version_retire(version=current, by=director, reason="Replaced")


def test_a_retired_version_still_runs_the_cases_pinned_to_it(
    aspiration,
    current,
    draft,
    director,
    second_director,
    learner,
    team,
    django_capture_on_commit_callbacks,
):
    team_follows(team, "aspiration")
    case = open_case(learner, stage="stage_1")
    with django_capture_on_commit_callbacks(execute=True):  # the version in effect is re-read
        publish(draft, second_director)
        retired = version_retire(version=current, by=director, reason="Replaced by new version")
    assert retired.status == VersionStatus.RETIRED and retired.retired_by == director
    assert policy_current_version_id(policy_id=aspiration.pk) == draft.pk
    case.refresh_from_db()
    assert case.policy_version_id == current.pk
    assert case_policy(case).stage("stage_1").deadline_for("apprenticeship") == 5


def test_a_director_publishes_a_draft_from_its_page(client, draft, second_director):
    client.force_login(second_director)
    page = client.get(reverse("policy_version", args=[draft.pk]))
    assert b"This draft has no problems" in page.content and b">Publish</button>" in page.content

    response = client.post(
        reverse("policy_version_publish", args=[draft.pk]),
        {"effective_from": "2026-11-30", "reason": "Board review"},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == VersionStatus.PUBLISHED
    assert draft.effective_from == dt.date(2026, 11, 30)


def test_the_page_lists_a_drafts_problems_and_refuses_its_publication(
    client, draft, second_director
):
    draft.document["stages"][1]["default_deadline"] = 0
    draft.save()
    client.force_login(second_director)
    page = client.get(reverse("policy_version", args=[draft.pk]))
    assert b"What stops this draft being published" in page.content
    response = client.post(
        reverse("policy_version_publish", args=[draft.pk]),
        {"effective_from": "2026-11-30", "reason": "Board review"},
    )
    assert response.status_code == 200
    assert b"The deadline must be a whole number of working days above zero" in response.content


def test_the_author_sees_that_another_director_publishes(client, draft, director):
    client.force_login(director)
    page = client.get(reverse("policy_version", args=[draft.pk]))
    assert b"another director must publish it" in page.content
    assert b">Publish</button>" not in page.content


def test_a_director_retires_a_version_from_its_page(client, aspiration, director):
    retired_candidate = aspiration.versions.get(number=2)
    client.force_login(director)
    response = client.post(
        reverse("policy_version_retire", args=[retired_candidate.pk]), {"reason": "Replaced"}
    )
    # Aspiration is followed by no team in this test: its last version may go.
    assert response.status_code == 302
    retired_candidate.refresh_from_db()
    assert retired_candidate.status == VersionStatus.RETIRED


def test_it_shows_our_additions_on_the_version_page(draft, client, director):
    draft.document = {
        **draft.document,
        "additions": {"triggers.missed_homework": "The document names no homework count."},
    }
    draft.save()
    client.force_login(director)
    page = client.get(reverse("policy_version", args=[draft.pk])).content.decode()
    assert "Our additions" in page
    assert "The document names no homework count." in page
    assert "our addition</span>" in page
