import pytest
from django.http import Http404
from django.urls import reverse

from demo.factories import LearnerFactory
from learners.access import learner_get_for_user, learners_visible_to
from learners.roles import Role


@pytest.fixture
def colleagues_learner(colleague, team):
    return LearnerFactory(tutor=colleague, team=team)


@pytest.fixture
def other_teams_learner(other_team):
    return LearnerFactory(team=other_team)


class TestLearnersVisibleTo:
    def test_it_gives_a_tutor_their_own_caseload_only(
        self, tutor, learner, colleagues_learner, other_teams_learner
    ):
        assert list(learners_visible_to(tutor)) == [learner]

    def test_it_gives_a_manager_their_own_teams_only(
        self, manager, learner, colleagues_learner, other_teams_learner
    ):
        assert set(learners_visible_to(manager)) == {learner, colleagues_learner}

    def test_it_lists_each_learner_once_for_a_tutor_who_also_manages(
        self, tutor, team, learner, colleagues_learner, manager
    ):
        tutor.groups.add(*manager.groups.all())
        team.managers.add(tutor)
        tutor._roles_cache = None
        visible = list(learners_visible_to(tutor))
        assert sorted(v.pk for v in visible) == sorted([learner.pk, colleagues_learner.pk])

    @pytest.mark.parametrize(
        "role", [Role.DIRECTOR, Role.SAFEGUARDING, Role.LEAVER_PANEL, Role.QUALITY]
    )
    def test_it_gives_organisation_wide_roles_every_learner(
        self, role, user_with_role, learner, colleagues_learner, other_teams_learner
    ):
        user = user_with_role(role)
        assert learners_visible_to(user).count() == 3

    def test_it_gives_a_user_without_a_role_nothing(self, outsider, learner):
        assert not learners_visible_to(outsider).exists()

    def test_it_gives_an_inactive_user_nothing(self, tutor, learner):
        tutor.is_active = False
        assert not learners_visible_to(tutor).exists()

    def test_it_raises_404_for_a_learner_outside_the_scope(self, tutor, colleagues_learner):
        with pytest.raises(Http404):
            learner_get_for_user(user=tutor, pk=colleagues_learner.pk)


class TestLearnerPageAccess:
    def test_a_tutor_opens_their_own_learner(self, client, tutor, learner):
        client.force_login(tutor)
        response = client.get(reverse("learner_detail", args=[learner.pk]))
        assert response.status_code == 200
        assert learner.uln in response.content.decode()

    def test_a_tutor_gets_404_on_another_tutors_learner(self, client, tutor, colleagues_learner):
        client.force_login(tutor)
        response = client.get(reverse("learner_detail", args=[colleagues_learner.pk]))
        assert response.status_code == 404
        assert colleagues_learner.last_name not in response.content.decode()
        assert "We can't find that page" in response.content.decode()

    def test_a_manager_gets_404_on_another_teams_learner(
        self, client, manager, other_teams_learner
    ):
        client.force_login(manager)
        response = client.get(reverse("learner_detail", args=[other_teams_learner.pk]))
        assert response.status_code == 404

    def test_an_anonymous_visitor_is_sent_to_log_in(self, client, learner):
        url = reverse("learner_detail", args=[learner.pk])
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('login')}?next={url}"
