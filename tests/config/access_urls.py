"""Where each URL's arguments come from: the URL patterns walked from the resolver, and for each
URL name that takes arguments, the real objects of the access world (tests/config/access_world.py)
to build it with, in or out of the user's scope. Shared by the access matrix and the canary."""

from collections.abc import Callable, Iterator
from types import SimpleNamespace

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from config.access_policy import ADMIN_NAMESPACE
from policies.models import PolicyVersion


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
    if variant == "mismatched":  # my learner's address, another learner's attachment
        chosen = world.other.attachment
    return {"pk": side.learner.pk, "attachment_pk": chosen.pk}


def _action(world, variant, role) -> dict:
    side = _side(world, variant)
    action = world.other.action if variant == "mismatched" else side.action
    return {"pk": side.learner.pk, "action_pk": action.pk}


def _first_version(world, variant, role) -> dict:
    return {"pk": PolicyVersion.objects.order_by("pk").values_list("pk", flat=True).first()}


URL_ARGUMENTS: dict[str, Callable[[SimpleNamespace, str, str], dict]] = {
    "learner_detail": _on("learner"),
    "subject_access": _on("learner"),
    "rating_change": _on("learner"),
    "support_create": _on("learner"),
    "record_create": _on("learner", kind="session"),
    "contact_create": _on("learner"),
    "break_start": _on("learner"),
    "withdrawal_outside_ladder": _on("learner"),
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
    "case_recommendation": _on("case"),
    "case_task_done": lambda world, variant, role: {
        "pk": _side(world, variant).case.pk,
        "task_pk": _side(world, variant).task.pk,
    },
    "case_review": _on("case"),
    "case_recommendation_email": lambda world, variant, role: {
        "pk": _side(world, variant).case.pk,
        "rec_pk": _side(world, variant).recommendation.pk,
    },
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
    "policy_version": _first_version,
    "policy_version_publish": _first_version,
    "policy_version_retire": _first_version,
    "policy_version_move_cases": _first_version,
    "leaver_report_detail": lambda world, variant, role: {"pk": world.leaver_report.pk},
    "leaver_report_status": lambda world, variant, role: {"pk": world.leaver_report.pk},
    "leaver_report_download": lambda world, variant, role: {"pk": world.leaver_report.pk},
    "notification_open": _own_notification,
    "notification_read": _own_notification,
}


def url_for(world: SimpleNamespace, name: str, variant: str, role: str) -> str:
    build = URL_ARGUMENTS.get(name)
    return reverse(name, kwargs=build(world, variant, role) if build else None)


def _admin_row(world, model):
    """The row an admin page is opened on: the learner and the author of the confidential
    entries where the model is theirs (their delete pages list what would go with them), else
    the model's first row (none: the admin's answer for a missing row)."""
    chosen = {"learner": world.mine.learner, "user": world.users["safeguarding"]}
    if model._meta.model_name in chosen:
        return chosen[model._meta.model_name]
    return model._default_manager.order_by("pk").first()


def admin_arguments(world, name: str, route: str) -> dict:
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
        row = _admin_row(world, model)
        kwargs["object_id" if "object_id" in route else "id"] = row.pk if row else 0
    return kwargs
