import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.views import defaults


def test_an_unknown_address_gets_the_friendly_404(client, tutor):
    client.force_login(tutor)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "We can't find that page" in page
    assert 'href="/"' in page or reverse("home") in page


def test_the_500_page_renders_without_a_request_context():
    response = defaults.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


def test_the_403_page_is_friendly(rf, tutor):
    from django.core.exceptions import PermissionDenied

    request = rf.get("/")
    request.user = tutor
    response = defaults.permission_denied(request, PermissionDenied())
    assert response.status_code == 403
    assert "You can't open this page" in response.content.decode()


@pytest.mark.django_db
def test_a_stale_form_gets_the_friendly_csrf_page(tutor):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(tutor)
    response = client.post(reverse("logout"))
    assert response.status_code == 403
    assert "This form has expired" in response.content.decode()
