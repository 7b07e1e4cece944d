"""What every page's header shows, as two context processors (settings.TEMPLATES): the
navigation bar (one table of entry points and the roles that see each; it names pages from every
area, so it lives in the pages layer) and the notification bell's unread count.
"""

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from learners.policy_reading import rating_labels_by_team
from learners.roles import ORGANISATION_WIDE_ROLES, Role, roles_of
from notifications.selectors import unread_count


@dataclass(frozen=True)
class NavEntry:
    label: str
    url_name: str
    roles: frozenset[str]
    section: bool = False  # the entry leads a section whose sub-pages share its URL prefix


ALL_STAFF_ROLES = frozenset(Role.values)
# Everyone who sees learners: a tutor their caseload, a manager their teams, the rest everyone.
LEARNER_ROLES = frozenset({Role.TUTOR, Role.MANAGER}) | ORGANISATION_WIDE_ROLES

NAV_ENTRIES: tuple[NavEntry, ...] = (
    NavEntry("My caseload", "learner_list", frozenset({Role.TUTOR})),
    NavEntry("Team learners", "learner_list", frozenset({Role.MANAGER})),
    NavEntry("All learners", "learner_list", ORGANISATION_WIDE_ROLES),
    NavEntry(
        "At-risk register",
        "register",
        frozenset({Role.MANAGER}) | ORGANISATION_WIDE_ROLES,
        section=True,
    ),
    NavEntry("Open cases", "case_list", ALL_STAFF_ROLES),
    NavEntry("On a break", "break_list", LEARNER_ROLES),
    NavEntry(
        "Withdrawals", "withdrawal_queue", frozenset({Role.DIRECTOR, Role.MANAGER, Role.QUALITY})
    ),
    NavEntry(
        "Leaver panel",
        "leaver_cycles",
        frozenset({Role.LEAVER_PANEL, Role.DIRECTOR, Role.QUALITY}),
        section=True,
    ),
    NavEntry("Imports", "import_list", frozenset({Role.MANAGER, Role.DIRECTOR})),
    NavEntry("Audit trail", "audit_list", frozenset({Role.DIRECTOR, Role.QUALITY})),
    NavEntry("Our policy", "policy", ALL_STAFF_ROLES),
)


def navigation_for(request: HttpRequest) -> list[dict[str, str | bool]]:
    user = request.user
    roles = roles_of(user)
    entries: list[dict[str, str | bool]] = []
    seen_urls: set[str] = set()
    for entry in NAV_ENTRIES:
        if not (user.is_superuser or roles & entry.roles):
            continue
        url = reverse(entry.url_name)
        if url in seen_urls:  # one link per page, labelled by the user's narrowest role
            continue
        seen_urls.add(url)
        # A section's pages (the register's overdue and workload views) light up its entry.
        active = request.path == url or (
            url != "/" and request.path.startswith(url) and entry.section
        )
        entries.append({"label": entry.label, "url": url, "active": active})
    if user.is_staff:
        entries.append({"label": "Admin", "url": reverse("admin:index"), "active": False})
    return entries


def navigation(request: HttpRequest) -> dict[str, object]:
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {"nav_entries": [], "user_roles": []}
    labels = dict(Role.choices)
    return {
        "nav_entries": navigation_for(request),
        "user_roles": sorted(labels[r] for r in roles_of(request.user) if r in labels),
    }


def policy_words(request: HttpRequest) -> dict[str, object]:
    """Every team's rating words, read only if a page prints a rating (rating_badge)."""
    return {"rating_labels_by_team": SimpleLazyObject(rating_labels_by_team)}


def bell(request: HttpRequest) -> dict[str, int]:
    """The unread count for the bell on every page (one COUNT query, signed-in users only)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": unread_count(user=user)}
