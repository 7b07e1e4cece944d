"""The bell and the notifications page: one's own notifications only, unread count on every
page, open (marks read), mark read one or all, no query per row."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notifications.models import Notification
from notifications.services import notification_send


def tell(user, n: int = 1, url: str = "/learners/"):
    for i in range(n):
        notification_send(
            recipients=[user], kind="test", title=f"Note {i}", url=url, dedupe_key=f"k{i}"
        )


def test_the_bell_shows_the_unread_count_on_every_page(client, tutor):
    tell(tutor, 3)
    client.force_login(tutor)
    page = client.get(reverse("learner_list")).content.decode()
    assert 'aria-label="Notifications: 3 unread"' in page


def test_it_lists_only_ones_own_notifications(client, tutor, colleague):
    tell(tutor, 2)
    notification_send(recipients=[colleague], kind="t", title="Not yours", dedupe_key="other")
    client.force_login(tutor)
    page = client.get(reverse("notification_list")).content.decode()
    assert "Note 0" in page and "Note 1" in page and "Not yours" not in page
    theirs = Notification.objects.get(recipient=colleague)
    assert client.get(reverse("notification_open", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("notification_read", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_opening_one_marks_it_read_and_follows_its_link(client, tutor):
    tell(tutor, 1, url="/cases/")
    note = Notification.objects.get(recipient=tutor)
    client.force_login(tutor)
    response = client.get(reverse("notification_open", args=[note.pk]))
    assert response.status_code == 302 and response["Location"] == "/cases/"
    note.refresh_from_db()
    assert note.read_at is not None


def test_a_link_off_the_site_is_not_followed(client, tutor):
    tell(tutor, 1, url="https://evil.example/phish")
    note = Notification.objects.get(recipient=tutor)
    client.force_login(tutor)
    response = client.get(reverse("notification_open", args=[note.pk]))
    assert response["Location"] == reverse("notification_list")


def test_marking_one_read_goes_back_only_to_a_page_of_this_site(client, tutor):
    tell(tutor, 2)
    first, second = Notification.objects.filter(recipient=tutor)
    client.force_login(tutor)
    url = reverse("notification_read", args=[first.pk])
    response = client.post(url, {"next": "https://evil.example/phish"})
    assert response["Location"] == reverse("notification_list")
    url = reverse("notification_read", args=[second.pk])
    assert client.post(url, {"next": "/cases/"})["Location"] == "/cases/"


def test_mark_one_read_with_htmx_updates_the_item_and_the_bell(client, tutor):
    tell(tutor, 2)
    note = Notification.objects.filter(recipient=tutor).first()
    client.force_login(tutor)
    response = client.post(reverse("notification_read", args=[note.pk]), HTTP_HX_REQUEST="true")
    text = response.content.decode()
    assert f'id="note-{note.pk}"' in text and "Mark read" not in text
    assert 'hx-swap-oob="true"' in text and "Notifications: 1 unread" in text


def test_mark_all_read(client, tutor, colleague):
    tell(tutor, 3)
    tell(colleague, 1)
    client.force_login(tutor)
    client.post(reverse("notification_read_all"))
    assert not Notification.objects.filter(recipient=tutor, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=colleague, read_at__isnull=True).count() == 1


def test_the_unread_filter(client, tutor):
    tell(tutor, 2)
    Notification.objects.filter(title="Note 0").update(read_at="2026-11-23T10:00Z")
    client.force_login(tutor)
    page = client.get(reverse("notification_list"), {"show": "unread"}).content.decode()
    assert "Note 1" in page and "Note 0" not in page


def test_marking_read_needs_a_post(client, tutor):
    tell(tutor)
    note = Notification.objects.get(recipient=tutor)
    client.force_login(tutor)
    assert client.get(reverse("notification_read", args=[note.pk])).status_code == 405


def test_the_page_needs_no_query_per_row(client, tutor):
    client.force_login(tutor)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("notification_list")).status_code == 200
        return len(queries)

    tell(tutor, 2)
    few = count()
    Notification.objects.all().delete()
    tell(tutor, 25)
    assert count() == few
