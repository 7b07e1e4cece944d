import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from demo.factories import LearnerFactory
from learners.models import LearnerStatus
from riskcases.models import ContactLogEntry, ContactType, RiskFactor, RiskLevel, RiskRating
from riskcases.services import rating_change, rating_current, rating_enrol
from tests.concurrency import run_at_once
from tests.policy_helpers import team_follows


@pytest.fixture
def unrated_learner(tutor, team):
    return LearnerFactory(tutor=tutor, team=team, initial_rating=None)


def start_factor() -> RiskFactor:
    return RiskFactor.objects.get(code="employment-probation")


class TestEnrolmentRating:
    def test_rule_every_learner_starts_low_at_enrolment(self, unrated_learner, manager):
        rating = rating_enrol(learner=unrated_learner, set_by=manager, level="low", reason="")
        assert rating.level == RiskLevel.LOW and rating.is_current
        # Low needs nothing in the contact log (policy: "no requirement to add anything").
        assert not unrated_learner.contacts.exists()

    def test_rule_a_start_factor_means_medium_or_high(self, unrated_learner, manager):
        with pytest.raises(ValidationError) as exc:
            rating_enrol(
                learner=unrated_learner,
                set_by=manager,
                level="low",
                reason="On probation",
                start_factors=[start_factor()],
            )
        assert "Medium or High" in str(exc.value)
        rating = rating_enrol(
            learner=unrated_learner,
            set_by=manager,
            level="medium",
            reason="On probation",
            start_factors=[start_factor()],
        )
        assert rating.level == RiskLevel.MEDIUM
        entry = unrated_learner.contacts.get()
        assert entry.contact_type == ContactType.RISK_RATING and entry.rating == rating

    def test_rule_no_start_factor_means_low(self, unrated_learner, manager):
        with pytest.raises(ValidationError):
            rating_enrol(learner=unrated_learner, set_by=manager, level="high", reason="hunch")


class TestRatingChange:
    def test_rule_a_change_closes_the_current_rating_and_logs_the_new_one(self, learner, tutor):
        first = rating_current(learner=learner)
        factor = RiskFactor.objects.get(code="illness")
        new = rating_change(
            learner=learner,
            level="high",
            reason="Three sessions missed; signed off sick",
            set_by=tutor,
            risk_factors=[factor],
        )
        first.refresh_from_db()
        assert first.ended_at == new.started_at
        assert first.level == RiskLevel.LOW  # the old row is end-dated, never rewritten
        assert rating_current(learner=learner) == new
        entry = ContactLogEntry.objects.get(rating=new)
        assert entry.contact_type == ContactType.RISK_RATING
        assert "from Low to High" in entry.notes
        assert "signed off sick" in entry.notes
        assert list(entry.risk_factors.all()) == [factor]

    def test_rule_a_reason_is_required(self, learner, tutor):
        with pytest.raises(ValidationError) as exc:
            rating_change(learner=learner, level="high", reason="  ", set_by=tutor)
        assert "reason" in exc.value.message_dict

    def test_it_refuses_a_change_to_the_same_level(self, learner, tutor):
        with pytest.raises(ValidationError) as exc:
            rating_change(learner=learner, level="low", reason="still fine", set_by=tutor)
        assert "already Low" in str(exc.value)

    def test_rule_the_database_allows_one_current_rating(self, learner):
        from django.db import IntegrityError, transaction

        with pytest.raises(IntegrityError), transaction.atomic():
            RiskRating.objects.create(
                learner=learner, level="high", started_at=learner.created_at, reason="x"
            )

    @pytest.mark.parametrize(
        "change",
        [{"archived": True}, {"status": LearnerStatus.WITHDRAWN}, {"status": "completed"}],
    )
    def test_rule_closed_learners_take_no_new_ratings(self, learner, tutor, change):
        for field, value in change.items():
            setattr(learner, field, value)
        learner.save()
        with pytest.raises(ValidationError) as exc:
            rating_change(learner=learner, level="high", reason="r", set_by=tutor)
        assert "takes no new entries" in str(exc.value)

    def test_a_resent_form_changes_the_rating_once(self, learner, tutor):
        import uuid

        token = uuid.uuid4()
        one = rating_change(
            learner=learner, level="high", reason="r", set_by=tutor, submission_token=token
        )
        two = rating_change(
            learner=learner, level="high", reason="r", set_by=tutor, submission_token=token
        )
        assert one == two
        assert learner.ratings.count() == 2  # enrolment Low + one High


@pytest.mark.django_db(transaction=True)
def test_rule_one_current_rating_under_concurrent_changes(tutor, team):
    learner = LearnerFactory(tutor=tutor, team=team)
    outcomes = run_at_once(
        *(
            lambda level=level: rating_change(
                learner=learner, level=level, reason=f"to {level}", set_by=tutor
            )
            for level in ("medium", "high")
        ),
        expect=(ValidationError,),
    )
    assert all(isinstance(outcome, RiskRating) for outcome in outcomes), outcomes
    assert RiskRating.objects.filter(learner=learner, ended_at__isnull=True).count() == 1
    assert RiskRating.objects.filter(learner=learner).count() == 3
    # The two changes took turns: each closed the rating the other had opened, or the enrolment.
    ended = RiskRating.objects.filter(learner=learner, ended_at__isnull=False)
    assert ended.count() == 2


class TestRatingPage:
    def test_a_tutor_raises_a_rating_with_a_reason(self, client, tutor, learner):
        client.force_login(tutor)
        url = reverse("rating_change", args=[learner.pk])
        page = client.get(url)
        token = page.context["form"].initial["submission_token"]
        response = client.post(
            url, {"level": "high", "reason": "No contact for 3 weeks", "submission_token": token}
        )
        assert response.status_code == 302
        assert rating_current(learner=learner).level == "high"
        # A double click: the same form again stores nothing new.
        client.post(
            url, {"level": "high", "reason": "No contact for 3 weeks", "submission_token": token}
        )
        assert learner.ratings.count() == 2

    def test_a_missing_reason_is_a_field_error_that_keeps_the_choice(self, client, tutor, learner):
        client.force_login(tutor)
        url = reverse("rating_change", args=[learner.pk])
        token = client.get(url).context["form"].initial["submission_token"]
        response = client.post(url, {"level": "high", "reason": "", "submission_token": token})
        assert response.status_code == 200
        assert "This field is required" in response.content.decode()
        assert 'value="high" checked' in response.content.decode().replace("\n", " ") or (
            response.context["form"]["level"].value() == "high"
        )

    def test_a_tutor_cannot_rate_another_tutors_learner(self, client, tutor, colleague, team):
        other = LearnerFactory(tutor=colleague, team=team)
        client.force_login(tutor)
        response = client.post(
            reverse("rating_change", args=[other.pk]), {"level": "high", "reason": "x"}
        )
        assert response.status_code == 404
        assert rating_current(learner=other).level == "low"

    def test_quality_staff_read_but_cannot_change_ratings(self, client, user_with_role, learner):
        client.force_login(user_with_role("quality"))
        assert client.get(reverse("learner_detail", args=[learner.pk])).status_code == 200
        response = client.post(
            reverse("rating_change", args=[learner.pk]), {"level": "high", "reason": "x"}
        )
        assert response.status_code == 403

    def test_an_archived_learner_gets_a_message_not_an_error_page(self, client, tutor, learner):
        learner.archived = True
        learner.save()
        client.force_login(tutor)
        response = client.get(reverse("rating_change", args=[learner.pk]), follow=True)
        assert response.status_code == 200
        assert "archived, so it takes no new entries" in response.content.decode()

    def test_rule_ratings_show_as_green_amber_red_where_the_preset_says_so(
        self, client, tutor, learner
    ):
        team_follows(learner.team, "bpn")
        rating_change(learner=learner, level="medium", reason="late twice", set_by=tutor)
        client.force_login(tutor)
        page = client.get(reverse("learner_detail", args=[learner.pk])).content.decode()
        assert "Amber" in page and "from Green to Amber" in page
        assert "Medium" not in page
