"""The hostile-input table covers the app: every URL name the resolver knows is a row or is
declared input-free, every form a view the resolver reaches names is bound by a row's valid
submission (so its fields are probed), and every form class refuses control characters
(learners.validators)."""

import pytest
from django import forms
from django.urls import URLPattern, URLResolver, get_resolver

import config.urls  # noqa: F401  (imports every view, so every form class is defined)
from learners.validators import CleanTextMixin, validate_no_control_characters
from tests.hostile.discovery import field_kind, form_identity, reachable_forms
from tests.hostile.probe import watch_valid_submission
from tests.hostile.table import ENDPOINTS, NO_INPUT
from tests.hostile.world import World

PROJECT_APPS = (
    "accounts",
    "audit",
    "config",
    "dataprotection",
    "escalation",
    "learners",
    "notifications",
    "reports",
    "riskcases",
    "web",
)


def _url_names(patterns, namespace: str = "") -> set[str]:
    names = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= _url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(namespace + pattern.name)
    return names


def _project_form_classes() -> set[type]:
    found, todo = set(), [forms.BaseForm]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            todo.append(sub)
            if sub.__module__.split(".")[0] in PROJECT_APPS:
                found.add(sub)
    return found


def test_it_has_a_row_or_a_reason_for_every_url_name():
    # The admin is Django's own (its forms are ModelForms over our models, tried through the
    # app's forms); everything else must be in the table.
    names = {n for n in _url_names(get_resolver().url_patterns) if not n.startswith("admin:")}
    covered = {row.name for row in ENDPOINTS} | set(NO_INPUT)
    assert names - covered == set(), "add a row to tests/hostile/table.py"
    assert covered - names == set(), "the table names URLs that no longer exist"


def test_it_refuses_control_characters_in_every_form_class():
    classes = _project_form_classes()
    assert len(classes) > 20
    unchecked = sorted(c.__qualname__ for c in classes if not issubclass(c, CleanTextMixin))
    assert unchecked == [], "inherit learners.validators.CleanForm / CleanModelForm"


def test_it_allows_tabs_and_line_breaks_but_not_other_control_characters():
    validate_no_control_characters("Line one\r\nLine two\tindented, café, \u202e, \u200b")
    for bad in ("\x07", "\x0b", "\x1b[31m", "\x7f", "\x85"):
        try:
            validate_no_control_characters(f"a{bad}b")
        except forms.ValidationError:
            continue
        raise AssertionError(f"{bad!r} was allowed")


@pytest.mark.django_db
@pytest.mark.usefixtures("monday")
def test_every_form_a_url_reaches_is_bound_by_a_row_and_its_fields_have_a_kind():
    world, bound = World(), set()
    for row in ENDPOINTS:
        watched = watch_valid_submission(row, world)
        bound |= {form_identity(form) for form in watched.bound}
        for form_field in watched.fields().values():
            field_kind(form_field)  # a kind with no payloads fails here, naming the field
    reached = reachable_forms()
    assert len(reached) > 30
    missing = sorted(
        f"{cls.__qualname__} ({', '.join(sorted(urls))})"
        for cls, urls in reached.items()
        if cls not in bound
    )
    assert missing == [], "add a row whose valid submission binds each (tests/hostile/table.py)"
