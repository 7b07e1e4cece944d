"""The case page's review meetings and the recommendation's confirming e-mail, as a coach uses
them: a review is recorded with its points (a blank point is an error on that field, nothing
stored), a recommendation is recorded and e-mailed in one step or e-mailed later from the
stage history."""

import pytest
from django.urls import reverse

from escalation.models import StageReview
from notifications.models import EmailDelivery
from tests.rules.test_makers import TODAY, at_stage_3, makers_learner, recommend

pytestmark = pytest.mark.usefixtures("monday")

POINTS = ["Progress", "Successes", "Blockers", "Amendments", "Support requests"]


@pytest.fixture
def learner(team, tutor):
    return makers_learner(team, tutor)


def review_post(**overrides):
    data = {f"point_{index}": f"{point}: fine" for index, point in enumerate(POINTS)}
    return data | {"held_on": TODAY.isoformat(), "expected_stage": "stage_3"} | overrides


def test_it_records_a_review_meeting_and_shows_it(client, learner, tutor):
    case = at_stage_3(learner, tutor)
    client.force_login(tutor)
    page = client.get(reverse("case_detail", args=[case.pk])).content.decode()
    assert "0 of 2 held" in page and 'id="review_point_0"' in page
    response = client.post(reverse("case_review", args=[case.pk]), review_post(), follow=True)
    assert "Review meeting recorded." in response.content.decode()
    assert "1 of 2 held" in response.content.decode()
    assert StageReview.objects.filter(case=case).count() == 1


def test_it_keeps_what_was_typed_when_a_point_is_blank(client, learner, tutor):
    case = at_stage_3(learner, tutor)
    client.force_login(tutor)
    response = client.post(reverse("case_review", args=[case.pk]), review_post(point_2=""))
    page = response.content.decode()
    assert response.status_code == 200 and "This field is required." in page
    assert "Progress: fine" in page  # what was typed stays
    assert not StageReview.objects.filter(case=case).exists()


def test_it_refuses_a_review_dated_in_the_future(client, learner, tutor):
    case = at_stage_3(learner, tutor)
    client.force_login(tutor)
    response = client.post(
        reverse("case_review", args=[case.pk]), review_post(held_on="2026-12-25")
    )
    assert "A review cannot be recorded before it is held." in response.content.decode()


def test_it_records_a_recommendation_and_emails_it(client, learner, tutor):
    case = at_stage_3(learner, tutor)
    client.force_login(tutor)
    response = client.post(
        reverse("case_recommendation", args=[case.pk]),
        {
            "outcome": "Escalate to stage 4",
            "reason": "Three weeks behind",
            "send_email": "on",
            "expected_stage": "stage_3",
        },
        follow=True,
    )
    page = response.content.decode()
    assert "Recommendation recorded and its confirming e-mail sent." in page
    assert "Confirming e-mail sent" in page
    assert EmailDelivery.objects.filter(to_address=learner.email).exists()


def test_it_sends_a_recommendations_email_later_from_the_history(client, learner, tutor):
    case = at_stage_3(learner, tutor)
    recommendation = recommend(case, tutor, "Escalate to stage 4", email=False)
    client.force_login(tutor)
    page = client.get(reverse("case_detail", args=[case.pk])).content.decode()
    assert "Confirming e-mail not sent yet." in page
    url = reverse("case_recommendation_email", args=[case.pk, recommendation.pk])
    page = client.post(url, follow=True).content.decode()
    assert "The confirming e-mail has been sent." in page
    page = client.post(url, follow=True).content.decode()
    assert "sent already" in page
