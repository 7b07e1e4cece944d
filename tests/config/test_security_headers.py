"""Security headers on every kind of response: a page, a 404, a 500, a download, a static file,
and the login page; personal data is never cached, static files are."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from riskcases.attachments import attachment_check
from riskcases.services import contact_log
from tests import samples

pytestmark = pytest.mark.django_db

CSP_DIRECTIVES = {
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
}


def assert_security_headers(response) -> None:
    directives = {d.strip() for d in response["Content-Security-Policy"].split(";")}
    assert directives >= CSP_DIRECTIVES
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]


def assert_not_stored(response) -> None:
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"no-store", "private"} <= cache_control


def test_it_sends_the_headers_on_a_page(client, tutor, learner):
    client.force_login(tutor)
    response = client.get(reverse("learner_detail", args=[learner.pk]))
    assert response.status_code == 200
    assert_security_headers(response)
    assert_not_stored(response)


def test_it_sends_the_headers_on_the_login_page():
    response = Client().get(reverse("login"))
    assert response.status_code == 200
    assert_security_headers(response)
    assert_not_stored(response)


def test_it_sends_the_headers_on_a_404(client, tutor):
    client.force_login(tutor)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "We can't find that page" in response.content.decode()
    assert_security_headers(response)
    assert_not_stored(response)


@pytest.mark.urls("tests.config.error_urls")
def test_it_sends_the_headers_on_a_500(tutor):
    client = Client(raise_request_exception=False)
    client.force_login(tutor)
    response = client.get("/boom/")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()
    assert_security_headers(response)
    assert_not_stored(response)


def test_it_sends_the_headers_on_a_download(client, tutor, learner, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    entry = contact_log(
        learner=learner,
        author=tutor,
        occurred_at=timezone.now(),
        contact_type="email",
        notes="Sent the review letter.",
        attachments=[attachment_check(samples.upload("letter.pdf", samples.PDF))],
    )
    client.force_login(tutor)
    response = client.get(
        reverse("attachment_download", args=[learner.pk, entry.attachments.get().pk])
    )
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == samples.PDF
    assert "attachment" in response["Content-Disposition"]
    assert_security_headers(response)
    assert_not_stored(response)


def test_static_files_get_the_headers_and_keep_caching(client):
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" in response
    assert "no-store" not in response.get("Cache-Control", "")


def test_the_lockout_page_gets_the_headers(client, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(reverse("login"), {"username": "x", "password": "y"})
    assert response.status_code == 429
    assert_security_headers(response)
    assert_not_stored(response)


def test_it_sends_hsts_over_https_when_production_sets_it(client, settings):
    # Production's values (config/settings.py); the test environment serves plain HTTP.
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    response = client.get(reverse("login"), secure=True)
    assert response["Strict-Transport-Security"] == ("max-age=31536000; includeSubDomains; preload")
