"""A "next" address a user can type never sends them off the site or corrupts the redirect."""

from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from tests.hostile.world import World

pytestmark = pytest.mark.django_db
HOSTILE_NEXT = [
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example/",
    "javascript:alert(1)",
    "/notifications/\r\nSet-Cookie: hijack=1",
    "/notifications/\x00",
    "notification_list_typo",
]
# The ones that name another site or a script (the rest are odd paths on this site).
OFF_SITE_NEXT = HOSTILE_NEXT[:4]


def _on_site(location: str) -> bool:
    """A path or a relative address: no scheme, no host (browsers read "/\\" as "//")."""
    parts = urlsplit(location.replace("\\", "/"))
    return not parts.scheme and not parts.netloc and location.isprintable()


@pytest.mark.parametrize("next_url", HOSTILE_NEXT)
def test_it_keeps_the_notification_redirect_on_the_site(next_url: str):
    world = World()
    client = Client()
    client.force_login(world.tutor)
    url = reverse("notification_read", args=[world.notification.pk])
    response = client.post(url, {"next": next_url})
    assert response.status_code == 302
    assert response["Location"] == reverse("notification_list")


def test_it_still_returns_to_the_page_the_form_came_from():
    world = World()
    client = Client()
    client.force_login(world.tutor)
    url = reverse("notification_read", args=[world.notification.pk])
    response = client.post(url, {"next": "/notifications/?show=unread"})
    assert response["Location"] == "/notifications/?show=unread"


@pytest.mark.parametrize("next_url", HOSTILE_NEXT)
def test_it_keeps_the_login_redirect_on_the_site(next_url: str):
    World()
    response = Client().post(
        reverse("login"),
        {"username": "hostile.tutor", "password": "correct-horse-battery", "next": next_url},
    )
    # The password is right, so the sign-in succeeds whatever "next" says: always a redirect,
    # always to an address on this site, and to the home page when "next" points elsewhere.
    assert response.status_code == 302
    assert _on_site(response["Location"]), response["Location"]
    if next_url in OFF_SITE_NEXT:
        assert response["Location"] == reverse("home")
