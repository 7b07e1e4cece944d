"""What anonymising one learner changes (see dataprotection/retention.py for what is kept and
why). Runs inside the caller's transaction; returns counts per kind and the stored file names
to delete once it commits."""

import re

from dataprotection.sar_activity import RECORD_KINDS
from dataprotection.sar_records import Scope, event_key_pattern
from escalation.models import RiskNotification, StageLetter
from learners.models import Learner
from notifications.models import EmailDelivery, Notification
from riskcases.models import (
    AgreedAction,
    ContactAttachment,
    ContactLogEntry,
    RiskRating,
    SupportRecord,
)
from withdrawals.models import Appeal, EmployerAgreement, ExitReview, WithdrawalRequest

ERASED = "[erased: retention period passed]"


def learner_scrub(*, learner: Learner) -> tuple[dict[str, int], list[str]]:
    scope = Scope(learner=learner, include_confidential=True)
    counts: dict[str, int] = {}
    files: list[str] = []

    # Notifications and e-mails are found by the learner's case, risk notification and
    # withdrawal ids and their name: both before the name goes.
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

    attachments = ContactAttachment.objects.filter(entry__learner=learner)
    files += [a.file.name for a in attachments]
    counts["files"] = attachments.delete()[0]
    contacts = ContactLogEntry.objects.filter(learner=learner)
    for entry in contacts.prefetch_related("risk_factors"):
        entry.risk_factors.clear()
    counts["contacts"] = contacts.exclude(notes="").update(notes=ERASED)
    for rating in RiskRating.objects.filter(learner=learner):
        rating.risk_factors.clear()
    counts["ratings"] = RiskRating.objects.filter(learner=learner).update(reason=ERASED)
    counts["support_records"] = SupportRecord.objects.filter(learner=learner).update(summary=ERASED)
    AgreedAction.objects.filter(support_record__learner=learner).update(description=ERASED)
    counts["risk_notifications"] = RiskNotification.objects.filter(learner=learner).update(
        evidence=ERASED, decision_reason=""
    )
    StageLetter.objects.filter(case__learner=learner).exclude(skipped_reason="").update(
        skipped_reason=ERASED
    )

    requests = WithdrawalRequest.objects.filter(learner=learner)
    counts["withdrawals"] = requests.update(grounds=ERASED, decision_reason="")
    for agreement in EmployerAgreement.objects.filter(request__learner=learner):
        files.append(agreement.file.name)
        counts["files"] += 1
    EmployerAgreement.objects.filter(request__learner=learner).update(
        agreed_by_name=ERASED, agreed_by_role="", notes="", file="", original_name=""
    )
    ExitReview.objects.filter(request__learner=learner).update(
        reasons=ERASED, might_have_kept=ERASED
    )
    Appeal.objects.filter(request__learner=learner).update(
        grounds=ERASED, refusal_reason="", late_accepted_reason="", decision_reason=""
    )

    counts["activity_records"] = sum(
        model.objects.filter(learner=learner).delete()[0] for model, _ in RECORD_KINDS.values()
    )

    Learner.objects.filter(pk=learner.pk).update(
        first_name="Erased",
        last_name=f"learner {learner.pk}",
        # Not a valid ULN (it starts with a letter), so it can never match a real one.
        uln=f"E{learner.pk:09d}"[:10],
        email="",
        phone="",
        archived=True,
    )
    return counts, files
