"""seed_demo: stage letters for the open cases at a stage with a letter. Most were sent on the
day the stage began (through the real service, on that day), one in five is recorded as not
sent with a reason; a rerun finds every stage notified and adds nothing."""

import datetime as dt

import time_machine
from django.utils import timezone

from escalation.letter_sending import case_letter_template, letter_send, stage_letter_skip
from escalation.models import CaseStatus, EscalationCase
from escalation.services import case_stage_notified

SKIP_REASON = "The learner asked to talk it through by phone first; the letter follows the call."


def seed(*, stdout) -> None:
    cases = (
        EscalationCase.objects.filter(status=CaseStatus.OPEN)
        .select_related("learner__tutor", "learner__employer")
        .order_by("pk")
    )
    sent = skipped = 0
    for index, case in enumerate(cases):
        template = case_letter_template(case)
        if template is None or case_stage_notified(case):
            continue
        day = case.stage_started_at + dt.timedelta(hours=2)
        with time_machine.travel(min(day, timezone.now()), tick=False):
            if index % 5 == 4:
                stage_letter_skip(case=case, by=case.learner.tutor, reason=SKIP_REASON)
                skipped += 1
            else:
                letter_send(case=case, template=template, by=case.learner.tutor)
                sent += 1
    stdout.write(f"escalation: {sent} stage letters sent, {skipped} recorded as not sent")
