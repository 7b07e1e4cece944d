"""The URL x role matrix: every URL the resolver knows is requested as every role, with real
objects for its arguments, and must answer as config/access_policy.py declares. A URL without a
declared rule fails, so a new page cannot ship without one."""

from collections.abc import Callable, Iterator
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
import time_machine
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from config.access_policy import ADMIN_NAMESPACE, ROLES, Outcome, rule_for
from tests.config.access_world import NOW

# Each test runs in its own transaction, nested in the module's world (rolled back after).
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def url_names(patterns=None, namespace: str = "") -> Iterator[tuple[str | None, str, str]]:
    """(name, route, namespace) of every URL pattern, recursively; names carry their
    namespace (``admin:index``)."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}{pattern.name}" if pattern.name else None
            yield name, str(pattern.pattern), namespace


ALL_URLS = list(url_names())
ADMIN = f"{ADMIN_NAMESPACE}:"
# The admin's own unnamed patterns (its catch-all, an object's bare URL that redirects to its
# change page) are the admin's business; an unnamed pattern anywhere else fails the matrix.
APP_URLS = sorted({name for name, _, ns in ALL_URLS if not ns.startswith(ADMIN)}, key=str)
ADMIN_URLS = sorted({name for name, _, ns in ALL_URLS if name and ns.startswith(ADMIN)})
ROUTES = {name: route for name, route, _ in ALL_URLS if name}


# --- the objects each URL is built with ------------------------------------------------------


def _side(world: SimpleNamespace, variant: str) -> SimpleNamespace:
    return world.other if variant == "other" else world.mine


def _on(attribute: str, **fixed: str) -> Callable:
    """Arguments ``pk`` = the side's object ``attribute`` (and any fixed ones)."""
    return lambda world, variant, role: {"pk": getattr(_side(world, variant), attribute).pk} | fixed


def _own_notification(world, variant, role) -> dict:
    if variant == "other":
        return {"pk": world.others_notification.pk}
    user = "tutor" if role == "anonymous" else role
    return {"pk": world.notifications[user].pk}


def _attachment(world, variant, role) -> dict:
    side = _side(world, variant)
    chosen = side.confidential_attachment if variant == "mine_confidential" else side.attachment
    return {"pk": side.learner.pk, "attachment_pk": chosen.pk}


def _action(world, variant, role) -> dict:
    side = _side(world, variant)
    return {"pk": side.learner.pk, "action_pk": side.action.pk}


URL_ARGUMENTS: dict[str, Callable[[SimpleNamespace, str, str], dict]] = {
    "learner_detail": _on("learner"),
    "rating_change": _on("learner"),
    "support_create": _on("learner"),
    "record_create": _on("learner", kind="session"),
    "contact_create": _on("learner"),
    "break_start": _on("learner"),
    "break_return": _on("on_break"),
    "break_return_date": _on("on_break"),
    "risk_notification_decide": _on("risk_notification"),
    "action_toggle": _action,
    "attachment_download": _attachment,
    "evidence_pack": _on("learner"),
    "case_detail": _on("case"),
    "case_letter": _on("case"),
    "case_letter_skip": _on("case"),
    "case_move": _on("case", move="close"),
    "withdrawal_raise": _on("case"),
    "withdrawal_detail": _on("withdrawal"),
    "withdrawal_decide": _on("withdrawal"),
    "employer_agreement_create": _on("withdrawal"),
    "employer_agreement_download": _on("withdrawal"),
    "exit_review_create": _on("withdrawal"),
    "confirmation_create": _on("withdrawal"),
    "withdrawal_confirmation_letter": _on("withdrawal"),
    "appeal_create": _on("withdrawal"),
    "appeal_decide": _on("appeal"),
    "appeal_accept_late": _on("appeal"),
    "import_detail": _on("batch"),
    "import_apply": _on("batch"),
    "register_export": lambda world, variant, role: {"fmt": "csv"},
    "leaver_report_detail": lambda world, variant, role: {"pk": world.leaver_report.pk},
    "leaver_report_status": lambda world, variant, role: {"pk": world.leaver_report.pk},
    "leaver_report_download": lambda world, variant, role: {"pk": world.leaver_report.pk},
    "notification_open": _own_notification,
    "notification_read": _own_notification,
}


def url_for(world: SimpleNamespace, name: str, variant: str, role: str) -> str:
    build = URL_ARGUMENTS.get(name)
    return reverse(name, kwargs=build(world, variant, role) if build else None)


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


@pytest.mark.parametrize("name", [n for n in APP_URLS if n and rule_for(n)])
def test_it_refuses_get_on_a_post_only_url(client, world, name):
    rule = rule_for(name)
    if rule.method != "POST":
        pytest.skip("a GET page")
    client.force_login(world.users["admin"])  # past every role check
    response = client.get(url_for(world, name, next(iter(rule.variants)), "admin"))
    assert response.status_code == 405


# --- the Django admin, declared as one group ---------------------------------------------------


def _admin_arguments(world, name: str, route: str) -> dict:
    kwargs: dict = {}
    if "app_label" in route:
        kwargs["app_label"] = "learners"
    if "content_type_id" in route:
        kwargs["content_type_id"] = ContentType.objects.get_for_model(world.mine.learner).pk
        kwargs["object_id"] = world.mine.learner.pk
    elif "object_id" in route or "<id>" in route:
        model = next(
            m
            for m in admin.site._registry
            if name.startswith(f"admin:{m._meta.app_label}_{m._meta.model_name}_")
        )
        row = model._default_manager.order_by("pk").first()
        kwargs["object_id" if "object_id" in route else "id"] = row.pk if row else 0
    return kwargs


@pytest.mark.parametrize("name", ADMIN_URLS)
def test_rule_the_admin_answers_each_role_as_declared(client, world, name):
    route = ROUTES[name]
    rule = rule_for(name)
    url = reverse(name, kwargs=_admin_arguments(world, name, route) or None)
    problems = []
    for role in ROLES:
        client.logout()
        response = request_as(client, world, role, rule.method, url)
        expected = rule.variants["any"][role]
        if problem := mismatch(response, expected):
            problems.append(f"{role}: declared {expected}, got {problem}")
    assert problems == [], f"{rule.method} {url} ({name})"
