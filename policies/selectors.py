"""Reading policies: a version's spec, the version a team follows today, the default policy.

Published and retired versions never change, so their specs are kept in memory once loaded
(by pk): a sweep over 10,000 cases reads each distinct version once, in one query. Drafts are
read afresh every time."""

import datetime as dt
import time
from collections.abc import Iterable

from django.db.models import Q
from django.utils import timezone

from policies.documents import spec_from_document
from policies.models import Policy, PolicyVersion, VersionStatus
from policies.spec import PolicySpec

_SPECS: dict[int, PolicySpec] = {}
# Which version of each policy is in effect, remembered briefly: an import enrolling thousands
# asks once, not once per learner. Publishing in this process forgets it at once; another
# process (a worker) sees a newly published version within this many seconds.
CURRENT_VERSION_SECONDS = 30
_CURRENT: dict[tuple, tuple[object, float]] = {}
# What higher layers remember about policies (which policy each team follows) and forget with
# the rest: callables registered with ``on_cache_clear``.
_FORGET: list = []


def on_cache_clear(forget) -> None:
    _FORGET.append(forget)


def remembered(key: tuple, load):
    """``load()``, remembered for CURRENT_VERSION_SECONDS under ``key`` (cheap reads a page
    asks for several times; a change elsewhere is seen within that time)."""
    found = _CURRENT.get(key)
    if found is not None and found[1] > time.monotonic():
        return found[0]
    value = load()
    _CURRENT[key] = (value, time.monotonic() + CURRENT_VERSION_SECONDS)
    return value


def spec_cache_clear() -> None:
    """Forget what was read (after a publication, a change of a team's policy or of the
    default; tests that recreate versions)."""
    _SPECS.clear()
    _CURRENT.clear()
    for forget in _FORGET:
        forget()


def version_to_spec(version: PolicyVersion) -> PolicySpec:
    spec = spec_from_document(
        version.document,
        key=version.policy.key,
        short_name=version.policy.short_name,
        name=version.policy.name,
        version_id=version.pk,
        version_label=version.label,
    )
    if version.pk is not None and version.status != VersionStatus.DRAFT:
        _SPECS[version.pk] = spec
    return spec


def version_specs(version_ids: Iterable[int]) -> dict[int, PolicySpec]:
    """The specs of these versions, by pk: the ones not yet in memory in one query."""
    wanted = {pk for pk in version_ids if pk is not None}
    missing = [pk for pk in wanted if pk not in _SPECS]
    found = {pk: _SPECS[pk] for pk in wanted if pk in _SPECS}
    if missing:
        for version in PolicyVersion.objects.filter(pk__in=missing).select_related("policy"):
            found[version.pk] = version_to_spec(version)
    return found


def version_spec(version_id: int) -> PolicySpec:
    if version_id in _SPECS:
        return _SPECS[version_id]
    return version_specs([version_id])[version_id]


def today_local() -> dt.date:
    return timezone.localdate()


def _in_effect(today: dt.date) -> Q:
    return Q(status=VersionStatus.PUBLISHED, effective_from__lte=today)


def _current_table(today: dt.date) -> dict[int, int]:
    """policy pk -> the version new cases open under on ``today``: the published one that took
    effect most recently; before any took effect (a learner enrolled before the team adopted
    the policy), the policy's first version, so a team never goes without one. One query."""
    rows = (
        PolicyVersion.objects.exclude(status=VersionStatus.DRAFT)
        .order_by("policy_id", "effective_from", "number")
        .values_list("policy_id", "pk", "status", "effective_from")
    )
    current: dict[int, int] = {}
    for policy_id, pk, status, effective_from in rows:
        in_effect = status == VersionStatus.PUBLISHED and effective_from <= today
        if in_effect or policy_id not in current:
            current[policy_id] = pk  # later rows are newer: the last in effect wins
    return current


def policies_current_version_ids(*, today: dt.date | None = None) -> dict[int, int]:
    """policy pk -> the version in effect today, for every policy (remembered briefly)."""
    today = today or today_local()
    return remembered(("current", today), lambda: _current_table(today))


def policy_current_version_id(*, policy_id: int, today: dt.date | None = None) -> int | None:
    """The version of the policy new cases open under today (see _current_table)."""
    return policies_current_version_ids(today=today).get(policy_id)


def policy_current_spec(*, policy_id: int, today: dt.date | None = None) -> PolicySpec:
    version_id = policy_current_version_id(policy_id=policy_id, today=today)
    if version_id is None:
        policy = Policy.objects.get(pk=policy_id)
        raise PolicyVersion.DoesNotExist(f"{policy} has no version in effect.")
    return version_spec(version_id)


def default_policy() -> Policy | None:
    return remembered(
        ("default",),
        lambda: Policy.objects.filter(default_for_new_teams=True).first() or Policy.objects.first(),
    )


def default_spec() -> PolicySpec:
    """The version in effect of the default policy: the words for organisation-wide pages
    (labels on the register's filter) when no team narrows the view."""
    policy = default_policy()
    if policy is None:
        raise Policy.DoesNotExist("No policy is loaded (run the migrations).")
    return policy_current_spec(policy_id=policy.pk)
