"""Stage letters for cases: the data a letter is rendered with (read from the learner, case
and preset here, as notifications must not import escalation), sending (a "letter" contact-log
entry with the PDF copy, and the StageLetter row, in one transaction), and recording why a
letter was not sent. The withdrawal's written confirmation (withdrawals/letters.py) is stored
and delivered by ``letter_store`` here. Rendering the template in its sandbox, and the PDF, is
notifications/letter_rendering.py.

Each letter is also e-mailed (with its PDF) to the learner and, where the template says so,
the employer, through notifications.email.email_enqueue (sent after the transaction commits)."""

import datetime as dt
import hashlib

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from escalation.models import ACTIVE_STATUSES, EscalationCase, StageLetter
from escalation.services import (
    IllegalMove,
    case_policy,
    case_stage_letter,
    case_stage_notified,
    stage_start_sequence,
)
from learners.models import Learner
from notifications.email import email_enqueue
from notifications.letter_rendering import Letterhead, RenderedLetter, letter_pdf, letter_render
from notifications.models import LetterTemplate
from policies.spec import PolicySpec
from riskcases.attachments import CheckedAttachment
from riskcases.models import ContactLogEntry, ContactType, ContactWith, Direction, Outcome
from riskcases.services import contact_log

__all__ = [
    "case_stage_letter",
    "case_stage_notified",
    "letter_context_for_case",
    "letter_send",
    "stage_letter_skip",
]


def long_date(day: dt.date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def provider_name(preset: PolicySpec) -> str:
    return settings.LETTER_PROVIDER_NAME or preset.name.split(":")[0].strip()


def letter_context_common(learner: Learner, preset: PolicySpec, stage_name: str) -> dict:
    """What every letter is rendered with: the provider, the learner, employer and tutor."""
    employer = learner.employer
    tutor = learner.tutor
    return {
        "provider_name": provider_name(preset),
        "today": timezone.localdate(),
        "learner_first_name": learner.first_name,
        "learner_full_name": learner.full_name,
        "uln": learner.uln,
        "programme": learner.get_programme_type_display().lower(),
        "course": learner.course.title,
        "employer_name": employer.name if employer else "",
        "employer_mentor": employer.mentor_name if employer else "",
        "tutor_name": tutor.get_full_name() or tutor.username,
        "stage_name": stage_name,
    }


def letter_context_for_case(case: EscalationCase) -> dict:
    """The stage letter's data: the learner, employer, stage and its deadline, as a date and
    as the rule in working days ("within 5 working days, by Monday 30 November 2026")."""
    preset = case_policy(case)
    stage = preset.stage(case.stage)
    learner = case.learner
    days = stage.deadline_for(learner.programme_type)
    due = case.stage_due_on
    if due is None:
        rule = ""
    elif days is not None:
        rule = f"within {days} working days, by {long_date(due)}"
    else:
        rule = f"by {long_date(due)}"
    return letter_context_common(learner, preset, stage.name) | {
        "stage_started_on": timezone.localtime(case.stage_started_at).date(),
        "due_on": due or "",
        "working_days": days if days is not None else "",
        "due_rule": rule,
        "copied_to": stage.copied_for(learner.nation),
    }


def letter_template_for(*, policy_key: str, letter_key: str) -> LetterTemplate | None:
    return LetterTemplate.objects.filter(
        policy_key=policy_key, letter_key=letter_key, active=True
    ).first()


def case_letter_template(case: EscalationCase) -> LetterTemplate | None:
    """The active template for the case's current stage letter (None: no letter, or none
    active)."""
    letter_key = case_policy(case).stage(case.stage).letter
    if not letter_key:
        return None
    return letter_template_for(policy_key=case_policy(case).key, letter_key=letter_key)


def _goes_to_employer(template: LetterTemplate, learner: Learner) -> bool:
    return template.send_to_employer and learner.employer_id is not None


def letter_recipients(template: LetterTemplate, learner: Learner, copied_to: str = "") -> list[str]:
    """Who the letter is addressed to, as shown on the preview and the PDF; ``copied_to``: the
    staff the version's stage has the notice copied to (Stage.copied_to)."""
    lines = [f"To: {learner.full_name}"]
    if _goes_to_employer(template, learner):
        employer = learner.employer
        mentor = f" (for the attention of {employer.mentor_name})" if employer.mentor_name else ""
        lines.append(f"Copy: {employer.name}{mentor}")
    if copied_to:
        lines.append(f"Copied to: {copied_to[0].upper()}{copied_to[1:]}")
    return lines


def letter_preview(*, template: LetterTemplate, context: dict) -> RenderedLetter:
    return letter_render(template=template, context=context)


def letter_addresses(*, learner: Learner, to_employer: bool) -> list[str]:
    """Where a letter goes: the learner, and (when the template says so) the workplace mentor,
    or the employer's contact address when no mentor address is held."""
    addresses = [learner.email] if learner.email else []
    employer = learner.employer
    if to_employer and employer is not None:
        address = employer.mentor_email or employer.contact_email
        if address:
            addresses.append(address)
    return list(dict.fromkeys(addresses))


def _deliver(
    *,
    rendered: RenderedLetter,
    pdf: bytes,
    filename: str,
    learner: Learner,
    to_employer: bool,
    dedupe_key: str,
) -> list[str]:
    """E-mail the letter with its PDF to each address. email_enqueue stores a row now and
    sends after the transaction commits, so a rolled-back send e-mails nobody."""
    addresses = letter_addresses(learner=learner, to_employer=to_employer)
    for address in addresses:
        email_enqueue(
            to=address,
            subject=rendered.subject,
            body=rendered.body_text,
            dedupe_key=f"{dedupe_key}:{address}",
            attachments=((filename, pdf, "application/pdf"),),
        )
    return addresses


def letter_store(
    *,
    learner: Learner,
    template: LetterTemplate,
    context: dict,
    by: AbstractBaseUser,
    dedupe_key: str,
    closed_learner: bool = False,
) -> ContactLogEntry:
    """Render the letter, store its copy (the text as the notes, the PDF attached) as a
    "letter" contact-log entry, and e-mail it after the transaction commits. The caller holds
    the transaction and the lock of what the letter is about."""
    rendered = letter_render(template=template, context=context)
    today = timezone.localdate()
    letterhead = Letterhead(
        provider_name=context["provider_name"],
        date=today,
        recipients=tuple(
            letter_recipients(template, learner, copied_to=context.get("copied_to", ""))
        ),
        reference=f"ULN {learner.uln}",
    )
    pdf = letter_pdf(rendered, letterhead=letterhead)
    filename = f"{slugify(template.name)}-{slugify(learner.full_name)}-{today:%Y-%m-%d}.pdf"
    checked = CheckedAttachment(
        upload=SimpleUploadedFile(filename, pdf, content_type="application/pdf"),
        name=filename,
        content_type="application/pdf",
        size=len(pdf),
        sha256=hashlib.sha256(pdf).hexdigest(),
    )
    to_employer = _goes_to_employer(template, learner)
    entry = contact_log(
        learner=learner,
        author=by,
        occurred_at=timezone.now(),
        contact_type=ContactType.LETTER,
        contact_with=ContactWith.BOTH if to_employer else ContactWith.LEARNER,
        direction=Direction.OUTBOUND,
        outcome=Outcome.NOT_APPLICABLE,
        notes=f"{rendered.subject}\n\n{rendered.body_text}"
        + (f"\n\nCopied to: {context['copied_to']}" if context.get("copied_to") else ""),
        attachments=[checked],
        closed_learner_letter=closed_learner,
    )
    _deliver(
        rendered=rendered,
        pdf=pdf,
        filename=filename,
        learner=learner,
        to_employer=to_employer,
        dedupe_key=dedupe_key,
    )
    return entry


def _lock_case(case: EscalationCase) -> EscalationCase:
    return (
        EscalationCase.objects.select_for_update(of=("self",))
        .select_related("learner__employer", "learner__tutor", "learner__course")
        .get(pk=case.pk)
    )


def _stage_for_letter(case: EscalationCase) -> tuple[str, int]:
    if case.status not in ACTIVE_STATUSES:
        raise IllegalMove("The case is closed, so its stage letters are finished.")
    stage = case_policy(case).stage(case.stage)
    if not stage.letter:
        raise IllegalMove(f"{stage.name} has no stage letter.")
    sequence = stage_start_sequence(case)
    if StageLetter.objects.filter(
        case=case, stage_key=case.stage, change_sequence=sequence
    ).exists():
        raise IllegalMove(f"The {stage.name} letter is already recorded for this stage.")
    return stage.letter, sequence


def letter_send(
    *, case: EscalationCase, template: LetterTemplate, by: AbstractBaseUser
) -> ContactLogEntry:
    """Send the case's current stage letter: store its copy (the rendered text as the notes,
    the PDF attached) as a "letter" contact-log entry to the learner, or the learner and
    employer when the template says so, and record it as the stage's letter. All in one
    transaction, under the case's row lock. (The withdrawal's written confirmation:
    withdrawals.letters.withdrawal_confirmation_send.)"""
    with transaction.atomic():
        case = _lock_case(case)
        letter_key, sequence = _stage_for_letter(case)
        if (template.policy_key, template.letter_key) != (case_policy(case).key, letter_key):
            raise IllegalMove("That letter is not this stage's letter.")
        entry = letter_store(
            learner=case.learner,
            template=template,
            context=letter_context_for_case(case),
            by=by,
            dedupe_key=f"letter:case:{case.pk}:{case.stage}:{sequence}",
        )
        StageLetter.objects.create(
            case=case,
            stage_key=case.stage,
            change_sequence=sequence,
            template=template,
            contact_entry=entry,
            by=by,
            at=entry.occurred_at,
        )
        return entry


def stage_letter_skip(*, case: EscalationCase, by: AbstractBaseUser, reason: str) -> StageLetter:
    """Record that the stage letter was not sent, and why: the stage then counts as notified."""
    if not (reason or "").strip():
        raise ValidationError({"reason": "Say why the letter was not sent."})
    with transaction.atomic():
        case = _lock_case(case)
        letter_key, sequence = _stage_for_letter(case)
        return StageLetter.objects.create(
            case=case,
            stage_key=case.stage,
            change_sequence=sequence,
            template=letter_template_for(policy_key=case_policy(case).key, letter_key=letter_key),
            skipped_reason=reason.strip(),
            by=by,
            at=timezone.now(),
        )
