import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from demo.factories import (
    AgreedActionFactory,
    ContactLogEntryFactory,
    LearnerFactory,
    SupportRecordFactory,
)
from riskcases.services import rating_change


def test_it_shows_rating_last_contact_and_actions(client, tutor, team):
    learner = LearnerFactory(tutor=tutor, team=team, first_name="Ava", last_name="Ng")
    rating_change(learner=learner, level="high", reason="missed 3 sessions", set_by=tutor)
    ContactLogEntryFactory(learner=learner, occurred_at=timezone.now() - dt.timedelta(days=9))
    record = SupportRecordFactory(learner=learner)
    today = timezone.localdate()
    AgreedActionFactory(support_record=record, due_on=today - dt.timedelta(days=1))
    AgreedActionFactory(support_record=record, due_on=today + dt.timedelta(days=3))
    AgreedActionFactory(support_record=record, due_on=today + dt.timedelta(days=30))
    client.force_login(tutor)
    row = client.get(reverse("learner_list")).content.decode()
    assert "High" in row
    assert "9 days ago" in row  # the rating change itself is not a contact
    assert "1 overdue" in row and "1 due soon" in row


def test_it_sorts_by_rating(client, tutor, team):
    low = LearnerFactory(tutor=tutor, team=team, last_name="Aaron")
    high = LearnerFactory(tutor=tutor, team=team, last_name="Zed")
    rating_change(learner=high, level="high", reason="r", set_by=tutor)
    client.force_login(tutor)
    rows = list(client.get(reverse("learner_list"), {"sort": "-rating"}).context["page"])
    assert rows == [high, low]
    rows = list(client.get(reverse("learner_list"), {"sort": "rating"}).context["page"])
    assert rows == [low, high]
    page = client.get(reverse("learner_list"), {"sort": "-rating"}).content.decode()
    assert 'aria-sort="descending"' in page


def test_an_unknown_sort_falls_back_to_name(client, tutor, team, learner):
    # Created out of name order, and the last name rated High: neither the order they were
    # added in nor a rating sort gives the order by last then first name.
    zed = LearnerFactory(tutor=tutor, team=team, first_name="Zoe", last_name="Zed")
    ann = LearnerFactory(tutor=tutor, team=team, first_name="Ann", last_name="Able")
    amy = LearnerFactory(tutor=tutor, team=team, first_name="Amy", last_name="Able")
    rating_change(learner=zed, level="high", reason="r", set_by=tutor)
    client.force_login(tutor)
    response = client.get(reverse("learner_list"), {"sort": "password"})
    assert response.status_code == 200
    assert list(response.context["page"]) == [amy, ann, learner, zed]


def test_its_query_count_does_not_grow_with_rows(client, tutor, team):
    def add_learners(n):
        for learner in LearnerFactory.create_batch(n, tutor=tutor, team=team):
            ContactLogEntryFactory(learner=learner)
            AgreedActionFactory(support_record=SupportRecordFactory(learner=learner))

    add_learners(2)
    client.force_login(tutor)
    client.get(reverse("learner_list"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("learner_list"))
    add_learners(20)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("learner_list"))
    assert len(many) == len(few)


def test_the_learner_page_query_count_does_not_grow_with_history(client, tutor, learner):
    def add_history(n):
        for _ in range(n):
            ContactLogEntryFactory(learner=learner)
            AgreedActionFactory(
                support_record=SupportRecordFactory(learner=learner),
                done_at=timezone.now(),
                done_by=tutor,
            )

    add_history(2)
    client.force_login(tutor)
    url = reverse("learner_detail", args=[learner.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    add_history(15)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_a_search_longer_than_any_name_is_a_message_not_a_server_error(client, tutor, team):
    ava = LearnerFactory(tutor=tutor, team=team, first_name="Ava", last_name="Ng")
    client.force_login(tutor)

    response = client.get(reverse("learner_list"), {"q": "ava " * 15_000})

    assert response.status_code == 200
    assert "at most 100 characters" in response.content.decode()
    assert list(response.context["page"]) == [ava]  # the search is ignored, not applied
    found = client.get(reverse("learner_list"), {"q": "Ava"})
    assert list(found.context["page"]) == [ava]
