import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from demo.factories import AgreedActionFactory, SupportRecordFactory
from riskcases.models import AgreedAction, Intervention, SupportRecord
from riskcases.services import rating_change


def support_form(client, learner, **overrides) -> dict:
    form = client.get(reverse("support_create", args=[learner.pk])).context["form"]
    today = timezone.localdate()
    data = {
        "submission_token": form.initial["submission_token"],
        "kind": "engagement_contract",
        "summary": "Agreed to attend every Tuesday session and reply within 2 days.",
        "agreed_on": today.isoformat(),
        "review_on": (today + dt.timedelta(days=14)).isoformat(),
        "interventions": [Intervention.objects.get(code="mentoring").pk],
        "actions-TOTAL_FORMS": "3",
        "actions-INITIAL_FORMS": "0",
        "actions-MIN_NUM_FORMS": "0",
        "actions-MAX_NUM_FORMS": "10",
        "actions-0-description": "Attend Tuesday session",
        "actions-0-owner": "learner",
        "actions-0-due_on": (today + dt.timedelta(days=2)).isoformat(),
    }
    data.update(overrides)
    return data


class TestSupportRecords:
    def test_a_tutor_agrees_an_engagement_contract_with_actions(self, client, tutor, learner):
        client.force_login(tutor)
        url = reverse("support_create", args=[learner.pk])
        data = support_form(client, learner)
        assert client.post(url, data).status_code == 302
        client.post(url, data)  # a double click stores once
        record = SupportRecord.objects.get()
        assert record.get_kind_display() == "Engagement contract"
        assert [a.description for a in record.actions.all()] == ["Attend Tuesday session"]
        assert record.interventions.get().code == "mentoring"

    def test_a_half_filled_action_row_is_a_field_error(self, client, tutor, learner):
        client.force_login(tutor)
        data = support_form(client, learner, **{"actions-1-description": "Call employer"})
        response = client.post(reverse("support_create", args=[learner.pk]), data)
        assert response.status_code == 200
        assert "Needed for this action." in response.content.decode()
        assert "Call employer" in response.content.decode()
        assert not SupportRecord.objects.exists()

    def test_a_review_before_the_agreement_is_refused(self, client, tutor, learner):
        client.force_login(tutor)
        # A year before today: inside the window review dates are kept to, before the agreement.
        last_year = timezone.localdate() - dt.timedelta(days=365)
        data = support_form(client, learner, review_on=last_year.isoformat())
        response = client.post(reverse("support_create", args=[learner.pk]), data)
        assert "The review date cannot be before the date agreed." in response.content.decode()

    def test_rule_medium_or_high_prompts_a_support_plan_until_one_is_agreed(
        self, client, tutor, learner
    ):
        client.force_login(tutor)
        url = reverse("learner_detail", args=[learner.pk])
        assert "Consider a support plan" not in client.get(url).content.decode()
        rating_change(learner=learner, level="medium", reason="behind target", set_by=tutor)
        assert "Consider a support plan and engagement contract" in client.get(url).content.decode()
        client.post(reverse("support_create", args=[learner.pk]), support_form(client, learner))
        assert "Consider a support plan" not in client.get(url).content.decode()


class TestActions:
    def test_a_tutor_ticks_off_an_action_in_place(self, client, tutor, learner):
        action = AgreedActionFactory(support_record=SupportRecordFactory(learner=learner))
        client.force_login(tutor)
        url = reverse("action_toggle", args=[learner.pk, action.pk])
        response = client.post(url, {"done": "1"}, HTTP_HX_REQUEST="true")
        assert response.status_code == 200
        assert "text-decoration-line-through" in response.content.decode()
        action.refresh_from_db()
        assert action.is_done and action.done_by == tutor
        page = client.get(reverse("learner_detail", args=[learner.pk])).content.decode()
        assert "Action completed" in page

    def test_ticking_twice_keeps_the_first_time(self, client, tutor, learner):
        action = AgreedActionFactory(support_record=SupportRecordFactory(learner=learner))
        client.force_login(tutor)
        url = reverse("action_toggle", args=[learner.pk, action.pk])
        client.post(url, {"done": "1"})
        first = AgreedAction.objects.get().done_at
        client.post(url, {"done": "1"})
        assert AgreedAction.objects.get().done_at == first

    def test_an_action_of_another_learner_is_not_found(self, client, tutor, learner):
        other = AgreedActionFactory()
        client.force_login(tutor)
        url = reverse("action_toggle", args=[learner.pk, other.pk])
        assert client.post(url, {"done": "1"}).status_code == 404


@pytest.mark.parametrize("kind", ["support_plan", "engagement_contract"])
def test_the_prompt_links_preselect_the_kind(client, tutor, learner, kind):
    client.force_login(tutor)
    url = reverse("support_create", args=[learner.pk]) + f"?kind={kind}"
    assert client.get(url).context["form"]["kind"].value() == kind
