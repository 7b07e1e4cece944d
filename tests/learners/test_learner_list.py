import pytest
from django.urls import reverse

from demo.factories import LearnerFactory
from learners.models import LearnerStatus


def list_page(client, **params):
    return client.get(reverse("learner_list"), params)


class TestCaseload:
    def test_it_shows_a_tutor_their_own_learners_with_status(self, client, tutor, colleague, team):
        mine = LearnerFactory(tutor=tutor, team=team, status=LearnerStatus.BREAK_IN_LEARNING)
        theirs = LearnerFactory(tutor=colleague, team=team)
        client.force_login(tutor)
        page = list_page(client).content.decode()
        assert "My caseload" in page
        assert mine.full_name in page
        assert "Break in learning" in page
        assert theirs.full_name not in page

    def test_it_titles_the_page_by_role(self, client, manager, user_with_role):
        client.force_login(manager)
        assert "Team learners" in list_page(client).content.decode()
        client.force_login(user_with_role("director"))
        assert "All learners" in list_page(client).content.decode()

    def test_it_hides_archived_learners_until_asked(self, client, tutor, team):
        archived = LearnerFactory(tutor=tutor, team=team, archived=True)
        client.force_login(tutor)
        assert archived.full_name not in list_page(client).content.decode()
        assert archived.full_name in list_page(client, show_archived="true").content.decode()

    def test_it_filters_by_status_and_searches_by_name_or_uln(self, client, tutor, team):
        on_break = LearnerFactory(
            tutor=tutor, team=team, status=LearnerStatus.BREAK_IN_LEARNING, last_name="Zephyr"
        )
        other = LearnerFactory(tutor=tutor, team=team, last_name="Quill")
        client.force_login(tutor)
        page = list_page(client, status="break_in_learning").content.decode()
        assert on_break.full_name in page and other.full_name not in page
        page = list_page(client, q="quill").content.decode()
        assert other.full_name in page and on_break.full_name not in page
        page = list_page(client, q=on_break.uln).content.decode()
        assert on_break.full_name in page and other.full_name not in page

    def test_it_ignores_a_nonsense_filter_with_a_message_not_a_500(self, client, tutor, learner):
        client.force_login(tutor)
        response = list_page(client, status="<script>", page="x\x00")
        assert response.status_code == 200
        assert "were not understood" in response.content.decode()
        assert learner.full_name in response.content.decode()

    def test_it_pages_long_caseloads(self, client, tutor, team):
        LearnerFactory.create_batch(55, tutor=tutor, team=team)
        client.force_login(tutor)
        page = list_page(client).content.decode()
        assert "55 learners" in page and "Page 1 of 2" in page

    def test_its_query_count_does_not_grow_with_rows(
        self, client, tutor, team, django_assert_num_queries
    ):
        LearnerFactory.create_batch(3, tutor=tutor, team=team)
        client.force_login(tutor)
        list_page(client)  # warm the session
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as few:
            list_page(client)
        LearnerFactory.create_batch(30, tutor=tutor, team=team)
        with CaptureQueriesContext(connection) as many:
            list_page(client)
        assert len(many) == len(few)


@pytest.mark.parametrize("path", ["/", "/learners/"])
def test_it_requires_login(client, path, db):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
