"""Every refused login says what is wrong, announced and tied to its field (WCAG 3.3.1)."""

import re

import pytest
from django.urls import reverse

from demo.factories import TutorFactory

LOGIN = reverse("login")

pytestmark = pytest.mark.django_db


def alert(page: str) -> str:
    found = re.search(r'<div class="alert alert-danger" role="alert">(.*?)</div>', page, re.S)
    assert found, "the refusal is not announced"
    return found.group(1)


@pytest.mark.parametrize(
    ("username", "password", "field", "says"),
    [
        ("", "anything", "username", "This field is required."),
        ("tutor.one", "", "password", "This field is required."),
        ("tutor.one", "x" * 4096, "password", "at most 1024 characters"),
    ],
)
def test_a_refused_login_says_what_is_wrong_next_to_its_field(
    client, username, password, field, says
):
    TutorFactory(username="tutor.one")
    response = client.post(LOGIN, {"username": username, "password": password})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Please correct the errors below." in alert(page)
    assert f'aria-describedby="id_{field}_error"' in page
    error = re.search(rf'id="id_{field}_error">(.*?)</div>', page, re.S).group(1)
    assert says in error
    assert "_auth_user_id" not in client.session


def test_a_wrong_password_is_announced(client):
    TutorFactory(username="tutor.one")
    response = client.post(LOGIN, {"username": "tutor.one", "password": "wrong"})

    assert "correct username and password" in alert(response.content.decode())
    assert "aria-invalid" not in response.content.decode()
