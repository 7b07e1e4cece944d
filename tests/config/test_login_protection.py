"""Login protection (django-axes) and session handling: lock-out after the failure limit, every
attempt logged, no username enumeration, a new session at login, logout, disabled users and the
idle timeout."""

import datetime as dt
import re

import pytest
import time_machine
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.test import Client
from django.urls import reverse

from accounts.models import UserSession
from accounts.services import user_disable
from demo.factories import TutorFactory, UserFactory

PASSWORD = "correct-horse-battery"  # UserFactory's
LOGIN = reverse("login")
PAGE = reverse("learner_list")  # a page every tutor may open
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')

pytestmark = pytest.mark.django_db


def log_in(client: Client, username: str, password: str = PASSWORD, url: str = LOGIN):
    return client.post(url, {"username": username, "password": password})


def fail(client: Client, username: str, times: int, url: str = LOGIN):
    for _ in range(times):
        response = log_in(client, username, "wrong-password", url)
    return response


def page_without_tokens(response) -> str:
    """The page with its CSRF token (random per request) and the echoed username blanked."""
    page = CSRF_INPUT.sub("", response.content.decode())
    return re.sub(r'name="username" id="id_username"[^>]*value="[^"]*"', "", page)


@pytest.fixture
def tutor_account(db):
    return TutorFactory(username="tutor.one")


def test_it_locks_a_username_out_after_the_failure_limit(client, tutor_account):
    limit = settings.AXES_FAILURE_LIMIT
    assert limit == 5  # the default the README gives

    before_limit = fail(client, "tutor.one", limit - 1)
    assert before_limit.status_code == 200
    assert "correct username and password" in before_limit.content.decode()

    at_limit = fail(client, "tutor.one", 1)
    assert at_limit.status_code == 429
    assert "Log-in paused" in at_limit.content.decode()

    # The right password no longer gets in, and the page does not say it was right.
    right_password = log_in(client, "tutor.one")
    assert right_password.status_code == 429
    assert page_without_tokens(right_password) == page_without_tokens(at_limit)
    assert "_auth_user_id" not in client.session


def test_it_locks_only_that_username_from_that_address(tutor_account):
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    fail(attacker, "tutor.one", settings.AXES_FAILURE_LIMIT)

    colleague_elsewhere = Client(REMOTE_ADDR="198.51.100.7")
    assert log_in(colleague_elsewhere, "tutor.one").status_code == 302
    UserFactory(username="tutor.two")
    assert log_in(attacker, "tutor.two").status_code == 302


def test_it_lets_the_username_in_again_after_the_cool_off(client, tutor_account):
    with time_machine.travel(dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC), tick=False) as clock:
        fail(client, "tutor.one", settings.AXES_FAILURE_LIMIT)
        clock.shift(dt.timedelta(minutes=settings.AXES_COOLOFF_MINUTES - 1))
        assert log_in(client, "tutor.one").status_code == 429
        clock.shift(dt.timedelta(minutes=settings.AXES_COOLOFF_MINUTES + 1))
        assert log_in(client, "tutor.one").status_code == 302


def test_it_resets_the_count_after_a_successful_login(client, tutor_account):
    fail(client, "tutor.one", settings.AXES_FAILURE_LIMIT - 1)
    assert log_in(client, "tutor.one").status_code == 302
    client.logout()
    assert fail(client, "tutor.one", settings.AXES_FAILURE_LIMIT - 1).status_code == 200


def test_it_logs_every_attempt_failed_and_successful(client, tutor_account):
    fail(client, "tutor.one", 2)
    fail(client, "nobody.here", 1)
    log_in(client, "tutor.one")

    failures = AccessFailureLog.objects.order_by("attempt_time")
    assert [f.username for f in failures] == ["tutor.one", "tutor.one", "nobody.here"]
    assert {f.ip_address for f in failures} == {"127.0.0.1"}
    success = AccessLog.objects.get()
    assert (success.username, success.ip_address) == ("tutor.one", "127.0.0.1")


def test_it_logs_attempts_made_during_a_lockout(client, tutor_account):
    fail(client, "tutor.one", settings.AXES_FAILURE_LIMIT + 2)
    logged = AccessFailureLog.objects.filter(username="tutor.one")
    assert logged.count() == settings.AXES_FAILURE_LIMIT + 2
    assert logged.filter(locked_out=True).count() == 3


def test_it_answers_an_unknown_user_and_a_wrong_password_alike(tutor_account):
    inactive = UserFactory(username="left.company", is_active=False)
    responses = [
        log_in(Client(), "tutor.one", "wrong-password"),
        log_in(Client(), "nobody.here", "wrong-password"),
        # A disabled account with its right password: no hint that the password was right.
        log_in(Client(), inactive.username),
    ]
    assert {r.status_code for r in responses} == {200}
    assert len({page_without_tokens(r) for r in responses}) == 1
    assert "correct username and password" in responses[0].content.decode()


def test_it_shows_the_same_lockout_page_whether_or_not_the_account_exists(tutor_account):
    real, unknown = Client(), Client()
    fail(real, "tutor.one", settings.AXES_FAILURE_LIMIT)
    fail(unknown, "nobody.here", settings.AXES_FAILURE_LIMIT)

    locked_real = log_in(real, "tutor.one")
    locked_unknown = log_in(unknown, "nobody.here")
    assert locked_real.status_code == locked_unknown.status_code == 429
    assert page_without_tokens(locked_real) == page_without_tokens(locked_unknown)
    assert "tutor.one" not in locked_real.content.decode()
    assert f"{settings.AXES_COOLOFF_MINUTES} minutes" in locked_real.content.decode()


def test_it_guards_the_admin_login_too(client):
    UserFactory(username="root", is_staff=True, is_superuser=True)
    admin_login = reverse("admin:login")
    response = fail(client, "root", settings.AXES_FAILURE_LIMIT, url=admin_login)
    assert response.status_code == 429
    assert AccessAttempt.objects.get(username="root").failures_since_start == 5
    assert log_in(client, "root", url=admin_login).status_code == 429


def test_it_gives_a_new_session_id_at_login(client, tutor_account):
    anonymous = client.session
    anonymous["seen_the_banner"] = True
    anonymous.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = anonymous.session_key

    assert log_in(client, "tutor.one").status_code == 302
    new_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert new_key != anonymous.session_key
    assert not UserSession.objects.filter(session_key=anonymous.session_key).exists()
    assert UserSession.objects.get(session_key=new_key).user == tutor_account


def test_it_ends_the_session_at_logout(client, tutor_account):
    log_in(client, "tutor.one")
    old_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.get(PAGE).status_code == 200

    assert client.get(reverse("logout")).status_code == 405  # only a POST logs out
    assert client.post(reverse("logout")).status_code == 302
    assert not UserSession.objects.filter(session_key=old_key).exists()

    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = old_key
    assert replay.get(PAGE).url.startswith(LOGIN)


def test_it_ends_every_session_of_a_disabled_user(tutor_account):
    office, phone, other = Client(), Client(), Client()
    log_in(office, "tutor.one")
    log_in(phone, "tutor.one")
    TutorFactory(username="someone.else")
    log_in(other, "someone.else")
    assert UserSession.objects.filter(user=tutor_account).count() == 2

    assert user_disable(user=tutor_account) == 2

    tutor_account.refresh_from_db()
    assert not tutor_account.is_active
    for client in (office, phone):
        assert client.get(PAGE).url.startswith(LOGIN)
    assert other.get(PAGE).status_code == 200


def test_it_ends_sessions_when_the_admin_unticks_active(client, tutor_account):
    user_client = Client()
    log_in(user_client, "tutor.one")
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(root)

    change = client.get(reverse("admin:auth_user_change", args=[tutor_account.pk]))
    form = change.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "password"}
    data.update(
        groups=[],
        user_permissions=[],
        is_active="",
        date_joined_0="2026-01-01",
        date_joined_1="09:00:00",
        last_login_0="",
        last_login_1="",
    )
    response = client.post(reverse("admin:auth_user_change", args=[tutor_account.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors

    assert not UserSession.objects.filter(user=tutor_account).exists()
    assert user_client.get(PAGE).url.startswith(LOGIN)


def test_it_ends_sessions_through_the_admin_action(client, tutor_account):
    user_client = Client()
    log_in(user_client, "tutor.one")
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))

    response = client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "disable_users", "_selected_action": [tutor_account.pk]},
    )
    assert response.status_code == 302
    tutor_account.refresh_from_db()
    assert not tutor_account.is_active
    assert user_client.get(PAGE).url.startswith(LOGIN)


def test_it_logs_out_after_the_idle_timeout(client, tutor_account):
    idle = dt.timedelta(minutes=settings.SESSION_IDLE_TIMEOUT)
    assert settings.SESSION_IDLE_TIMEOUT == 30
    with time_machine.travel(dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC), tick=False) as clock:
        log_in(client, "tutor.one")
        assert client.get(PAGE).status_code == 200
        clock.shift(idle - dt.timedelta(minutes=1))
        assert client.get(PAGE).status_code == 200  # activity: the clock restarts
        clock.shift(idle - dt.timedelta(minutes=1))
        assert client.get(PAGE).status_code == 200
        key = client.cookies[settings.SESSION_COOKIE_NAME].value

        clock.shift(idle + dt.timedelta(minutes=1))
        response = client.get(PAGE, follow=True)
        assert response.redirect_chain[-1][0].startswith(LOGIN)
        assert "logged out after 30 minutes without activity" in response.content.decode()
        assert not UserSession.objects.filter(session_key=key).exists()


def test_it_sends_a_timed_out_htmx_update_to_the_login_page(client, tutor_account):
    with time_machine.travel(dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC), tick=False) as clock:
        log_in(client, "tutor.one")
        clock.shift(dt.timedelta(minutes=settings.SESSION_IDLE_TIMEOUT + 1))
        response = client.get(
            PAGE, headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/learners/"}
        )
    assert response["HX-Redirect"] == f"{LOGIN}?next=/learners/"


def test_it_counts_the_client_address_behind_a_trusted_proxy(settings, tutor_account):
    settings.TRUSTED_PROXY_COUNT = 1
    # The left entry is whatever the client claims; the proxy appended the address it saw.
    behind_proxy = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.5")
    fail(behind_proxy, "tutor.one", 1)
    assert AccessFailureLog.objects.get().ip_address == "203.0.113.5"
