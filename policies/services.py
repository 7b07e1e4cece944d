"""Writing policy versions: start a draft from a version, publish it (checked, four eyes, on a
date), retire a version. A published version never changes: cases pin it
(policies/models.py refuses the change), so a new rule is always a new version.

Publishing tells the staff through ``policies.hooks.version_published`` after it commits (the
notifications app listens); the audit trail records every change to these tables by trigger
(audit/registry.py)."""

import copy
import datetime as dt

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from policies.hooks import letter_keys, version_published
from policies.models import Policy, PolicyVersion, VersionStatus
from policies.selectors import spec_cache_clear, today_local
from policies.spec import DIRECTOR
from policies.validation import Problem, version_problems


def _is_director(user: AbstractBaseUser) -> bool:
    return user.is_superuser or user.groups.filter(name=DIRECTOR).exists()


def _locked(version: PolicyVersion) -> PolicyVersion:
    return PolicyVersion.objects.select_for_update().select_related("policy").get(pk=version.pk)


def draft_problems(*, version: PolicyVersion) -> list[Problem]:
    """What stops ``version``'s document being published, letters checked against the policy's
    letter templates."""
    return version_problems(
        document=version.document, letter_keys=letter_keys(policy_key=version.policy.key)
    )


def version_draft_create(
    *, policy: Policy, based_on: PolicyVersion, by: AbstractBaseUser | None
) -> PolicyVersion:
    """A new draft of ``policy`` holding a copy of ``based_on``'s document, numbered after the
    policy's last version."""
    if based_on.policy_id != policy.pk:
        raise ValidationError(f"{based_on} is a version of another policy than {policy}.")
    with transaction.atomic():
        # Two drafts started at once must not take the same number: the policy row is the lock.
        Policy.objects.select_for_update().filter(pk=policy.pk).first()
        last = policy.versions.aggregate(last=Max("number"))["last"] or 0
        return PolicyVersion.objects.create(
            policy=policy,
            number=last + 1,
            # Renamed in the admin while a draft ("2027 (ATL 1.3)"); it outlives the draft.
            label=f"Version {last + 1}",
            status=VersionStatus.DRAFT,
            document=copy.deepcopy(based_on.document),
            based_on=based_on,
            created_by=by,
        )


def _publish_refusals(
    *, version: PolicyVersion, by: AbstractBaseUser, effective_from: dt.date, reason: str
) -> list[str]:
    if version.status != VersionStatus.DRAFT:
        return [f"{version} is {version.get_status_display().lower()}: only a draft is published."]
    refusals = []
    if not _is_director(by):
        refusals.append("Only a director publishes a policy version.")
    if version.created_by_id is not None and version.created_by_id == by.pk:
        refusals.append("You wrote this draft: another director must publish it (four eyes).")
    if not reason.strip():
        refusals.append("Give the reason for the new version (it is shown with the version).")
    if effective_from is None or effective_from < today_local():
        refusals.append("The version cannot take effect before today.")
    else:
        latest = (
            version.policy.versions.filter(status=VersionStatus.PUBLISHED)
            .order_by("-effective_from")
            .first()
        )
        if latest is not None and effective_from < latest.effective_from:
            refusals.append(
                f"{latest} takes effect on {latest.effective_from:%d %B %Y}: a newer version "
                "cannot take effect before it."
            )
    refusals += [str(problem) for problem in draft_problems(version=version)]
    return refusals


def version_publish(
    *, version: PolicyVersion, by: AbstractBaseUser, effective_from: dt.date, reason: str
) -> PolicyVersion:
    """Publish the draft: from ``effective_from`` new cases of teams following its policy open
    under it (the version in effect until then stays so). Refused, with every reason at once,
    for anything but a director other than the draft's author, a reason, a date from today and
    a document without problems (policies/validation.py)."""
    with transaction.atomic():
        version = _locked(version)
        refusals = _publish_refusals(
            version=version, by=by, effective_from=effective_from, reason=reason
        )
        if refusals:
            raise ValidationError(refusals)
        version.status = VersionStatus.PUBLISHED
        version.effective_from = effective_from
        version.published_at, version.published_by = timezone.now(), by
        version.publish_reason = reason.strip()
        version.save()
        transaction.on_commit(spec_cache_clear)
        transaction.on_commit(lambda: version_published.send(sender=Policy, version=version))
    return version


def version_retire(*, version: PolicyVersion, by: AbstractBaseUser, reason: str) -> PolicyVersion:
    """Retire a published version: no new case opens under it; the cases pinned to it still run
    under it to their end. Refused while it is the only version in effect of a policy a team
    follows (that team's new cases would have no version)."""
    with transaction.atomic():
        version = _locked(version)
        if version.status != VersionStatus.PUBLISHED:
            raise ValidationError(
                f"{version} is {version.get_status_display().lower()}: only a published "
                "version is retired."
            )
        if not _is_director(by):
            raise ValidationError("Only a director retires a policy version.")
        if not reason.strip():
            raise ValidationError("Give the reason for retiring the version.")
        others_in_effect = version.policy.versions.filter(
            status=VersionStatus.PUBLISHED, effective_from__lte=today_local()
        ).exclude(pk=version.pk)
        in_effect = version.effective_from <= today_local()
        if in_effect and not others_in_effect.exists() and version.policy.teams.exists():
            raise ValidationError(
                f"{version} is the only version of {version.policy} in effect and teams follow "
                "it: publish the version that replaces it (or move the teams) first."
            )
        version.status = VersionStatus.RETIRED
        version.retired_at, version.retired_by = timezone.now(), by
        version.retire_reason = reason.strip()
        version.save()
        transaction.on_commit(spec_cache_clear)
    return version
