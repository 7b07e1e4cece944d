"""The URL x role matrix: every URL the resolver knows is requested as every role, with real
objects for its arguments, and must answer as config/access_policy.py declares. A URL without a
declared rule fails, so a new page cannot ship without one."""

from urllib.parse import urlsplit

import pytest
from django.urls import resolve, reverse

from config.access_policy import ROLES, Outcome, rule_for
from tests.config.access_urls import (
    ADMIN_URLS,
    APP_URLS,
    ROUTES,
    URL_ARGUMENTS,
    admin_arguments,
    url_for,
)

# Each test runs in its own transaction, nested in the module's world (rolled back after).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("monday")]


# --- requesting and checking -----------------------------------------------------------------


def request_as(client, world, role: str, method: str, url: str):
    if role != "anonymous":
        client.force_login(world.users[role])
    return client.post(url) if method == "POST" else client.get(url)


def redirect_name(response) -> str | None:
    if response.status_code not in (301, 302) or not response.has_header("Location"):
        return None
    return resolve(urlsplit(response["Location"]).path).view_name


def mismatch(response, expected: Outcome) -> str | None:
    """Why the response is not the declared outcome, or None when it is."""
    got = f"{response.status_code} {response.get('Location', '')}".strip()
    if expected.admin_site:  # a superuser is let in: no log-in page, no server error
        if response.status_code >= 500 or redirect_name(response) == "admin:login":
            return got
        return None
    if response.status_code != expected.status:
        return got
    if expected.redirect_to and redirect_name(response) != expected.redirect_to:
        return got
    return None


def _cases() -> list:
    cases = []
    for name in APP_URLS:
        rule = rule_for(name) if name else None
        if rule is None:
            cases.append(pytest.param(name, None, None, id=f"{name}-UNDECLARED"))
            continue
        for variant in rule.variants:
            for role in ROLES:
                cases.append(pytest.param(name, variant, role, id=f"{name}-{variant}-{role}"))
    return cases


@pytest.mark.parametrize(("name", "variant", "role"), _cases())
def test_rule_each_url_answers_each_role_as_declared(client, world, name, variant, role):
    assert name is not None, "A URL pattern has no name, so no access policy can be declared."
    rule = rule_for(name)
    assert rule is not None, f"{name} has no declared access policy in config/access_policy.py"
    expected = rule.variants[variant][role]
    url = url_for(world, name, variant, role)
    response = request_as(client, world, role, rule.method, url)
    problem = mismatch(response, expected)
    assert problem is None, (
        f"{rule.method} {url} ({name}, {variant}) as {role}: declared {expected}, got {problem}"
    )


def test_it_builds_arguments_for_every_url_that_takes_them():
    missing = [
        name for name in APP_URLS if name and "<" in ROUTES[name] and name not in URL_ARGUMENTS
    ]
    assert missing == []


def test_it_declares_no_rule_for_a_url_that_does_not_exist():
    from config.access_policy import ACCESS_POLICY

    assert sorted(set(ACCESS_POLICY) - set(APP_URLS)) == []


POST_ONLY = [n for n in APP_URLS if n and rule_for(n) and rule_for(n).method == "POST"]


@pytest.mark.parametrize("name", POST_ONLY)
def test_it_refuses_get_on_a_post_only_url(client, world, name):
    client.force_login(world.users["admin"])  # past every role check
    response = client.get(url_for(world, name, next(iter(rule_for(name).variants)), "admin"))
    assert response.status_code == 405


# --- the Django admin, declared as one group ---------------------------------------------------


@pytest.mark.parametrize("name", ADMIN_URLS)
def test_rule_the_admin_answers_each_role_as_declared(client, world, name):
    route = ROUTES[name]
    rule = rule_for(name)
    url = reverse(name, kwargs=admin_arguments(world, name, route) or None)
    problems = []
    for role in ROLES:
        client.logout()
        response = request_as(client, world, role, rule.method, url)
        expected = rule.variants["any"][role]
        if problem := mismatch(response, expected):
            problems.append(f"{role}: declared {expected}, got {problem}")
    assert problems == [], f"{rule.method} {url} ({name})"
