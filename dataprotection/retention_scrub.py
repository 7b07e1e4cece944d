"""What anonymising one learner changes (see dataprotection/retention.py for what is kept and
why). Runs inside the caller's transaction; returns counts per kind and the stored file names
to delete once it commits.

What happens to each kind of record is declared once, in learners/record_kinds.py (``retention``,
``erase``, ``unlink``, ``files``, ``erasure_count``); this module carries it out. Only the kinds
with no foreign key to the learner (notifications and e-mails, found by their dedupe keys and
the learner's name) are found here."""

import re

from dataprotection.sar_records import Scope, event_key_pattern
from learners.models import Learner
from learners.record_kinds import RecordKind, Retention, retention_kinds
from notifications.models import EmailDelivery, Notification


def _messages(learner: Learner, scope: Scope, counts: dict[str, int]) -> None:
    """Notifications and e-mails are found by the learner's case, risk notification and
    withdrawal ids and their name: both before the name goes."""
    pattern = event_key_pattern(scope)
    name = re.compile(rf"(?<!\w){re.escape(learner.full_name)}(?!\w)")
    if pattern:
        counts["notifications"] = Notification.objects.filter(
            dedupe_key__regex=f"^({pattern})"
        ).delete()[0]
    own = [f"notification:[0-9]+:({pattern})"] if pattern else []
    own += [f"letter:case:{pk}:" for pk in scope.case_ids]
    own += [f"letter:withdrawal:{pk}(:|$)" for pk in scope.request_ids]
    if own:
        counts["emails"] = EmailDelivery.objects.filter(
            dedupe_key__regex=f"^({'|'.join(own)})"
        ).delete()[0]
    digests = EmailDelivery.objects.filter(
        dedupe_key__regex=r"^(manager-)?digest:", body__contains=learner.full_name
    )
    for email in digests:
        kept = [line for line in email.body.splitlines() if not name.search(line)]
        EmailDelivery.objects.filter(pk=email.pk).update(body="\n".join(kept) + "\n")
    counts["digest_emails_edited"] = len(digests)


# The kinds with no foreign key to a learner that an erasure changes: ``_messages`` finds
# notifications and e-mails; an e-mail's attachments are deleted with it (CASCADE).
FOUND_HERE = frozenset({"notifications", "emails", "email_attachments"})


def _erase_values(kind: RecordKind, model, learner: Learner) -> dict:
    values = {}
    for column, value in kind.erase:
        if isinstance(value, str):
            value = value.format(pk=learner.pk)
            size = model._meta.get_field(column).max_length
            value = value[:size] if size else value
        values[column] = value
    return values


def _kind_scrub(kind: RecordKind, learner: Learner, files: list[str]) -> int:
    rows = kind.for_learner(learner.pk)
    model = rows.model
    for column in kind.files:
        files += [name for name in rows.values_list(column, flat=True)]
    if kind.retention == Retention.DELETE:
        return rows.delete()[0]
    for link in kind.unlink:
        for row in rows.prefetch_related(link):
            getattr(row, link).clear()
    if kind.erase_filled_only:
        rows = rows.exclude(**{kind.erase[0][0]: ""})
    return rows.update(**_erase_values(kind, model, learner))


def learner_scrub(*, learner: Learner) -> tuple[dict[str, int], list[str]]:
    scope = Scope(learner=learner, include_confidential=True)
    counts: dict[str, int] = {}
    files: list[str] = []
    _messages(learner, scope, counts)
    for kind in retention_kinds():
        if kind.learner is None:
            continue  # in FOUND_HERE (a test checks)
        changed = _kind_scrub(kind, learner, files)
        if kind.erasure_count:
            counts[kind.erasure_count] = counts.get(kind.erasure_count, 0) + changed
    return counts, files
