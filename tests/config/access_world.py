"""One small organisation for the URL x role matrix and the safeguarding canary: a user per
role, and for "mine" (the matrix tutor's caseload, the matrix manager's team) and "other"
(another tutor and team) a learner with an open case, a pending risk notification, a support
plan, contacts with attachments (one safeguarding-confidential), a learner on a break and a
withdrawn learner with the employer's agreement and an appeal. Built through the services, as
the app builds them, once per test module (``world_fixture``), inside a transaction that is
rolled back at the end of the module."""

import datetime as dt
import hashlib
from contextlib import contextmanager
from importlib import import_module
from types import SimpleNamespace

import time_machine
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from demo.factories import (
    ImportBatchFactory,
    LearnerFactory,
    TeamFactory,
    TutorFactory,
    UserFactory,
)
from escalation.breaks import break_start
from escalation.models import CaseRecommendation, CaseTask, EscalationCase
from escalation.triggers.base import Firing
from escalation.triggers.firing import trigger_fire
from learners.roles import Role
from notifications.models import Notification
from policies.selectors import default_spec
from reports.cycles import cycle_containing
from reports.models import LeaverReport, ReportStatus
from riskcases.attachments import CheckedAttachment
from riskcases.models import RiskFactor
from riskcases.services import contact_log, support_record_create
from tests.conftest import REFERENCE_DATA_LOADERS
from tests.escalation.withdrawal_steps import agreement, approve, at_withdrawal_stage
from tests.samples import PDF
from withdrawals.appeals import appeal_lodge

# Monday 23 November 2026, 10:00 UTC: the learners started on 7 September.
NOW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)

# Unique strings planted only in safeguarding-confidential places (see test_canary.py). Each
# contains CANARY, so a page holding any of them, or a piece of one, is caught by one search.
CANARY = "Zq8CANARYx5"
CANARY_NOTES = f"{CANARY}-notes: disclosed a matter at home; referral made"
CANARY_FILE = f"{CANARY}-referral.pdf"
CANARY_CONTENT = f"{CANARY}-file-content"
CANARY_FACTOR = f"{CANARY}-factor: disclosure at home"

ROLE_GROUPS = {
    "tutor": [Role.TUTOR],
    "manager": [Role.MANAGER],
    "director": [Role.DIRECTOR],
    "safeguarding": [Role.SAFEGUARDING],
    "leaver-panel": [Role.LEAVER_PANEL],
    "quality": [Role.QUALITY],
    "admin": [],
    "no-role": [],
}


def checked(name: str, content: bytes) -> CheckedAttachment:
    return CheckedAttachment(
        upload=SimpleUploadedFile(name, content, content_type="application/pdf"),
        name=name,
        content_type="application/pdf",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )


def _users() -> dict:
    users = {
        role: UserFactory(username=f"matrix.{role}", roles=groups)
        for role, groups in ROLE_GROUPS.items()
    }
    users["admin"].is_superuser = users["admin"].is_staff = True
    users["admin"].save(update_fields=["is_superuser", "is_staff"])
    return users


def _confidential_entry(learner, *, author, factor) -> None:
    contact_log(
        learner=learner,
        author=author,
        occurred_at=timezone.now(),
        contact_type="meeting",
        outcome="responded",
        welfare_check=True,
        notes=CANARY_NOTES,
        confidential=True,
        risk_factors=[factor],
        attachments=[checked(CANARY_FILE, PDF + f"% {CANARY_CONTENT}\n".encode())],
    )


def _side(label: str, *, tutor, manager, director, safeguarding, factor) -> SimpleNamespace:
    """One side's learners and objects: ``label`` keeps names and ULNs apart."""
    team = TeamFactory(name=f"{label.title()} Matrix Team", managers=[manager])
    main = LearnerFactory(tutor=tutor, team=team, first_name="Casey", last_name=label.title())
    note = trigger_fire(
        firing=Firing(
            learner_id=main.pk,
            rule=default_spec().trigger("missed_sessions"),
            fingerprint=f"sessions:{label}",
            evidence="Missed 3 sessions in a row without calling in.",
        ),
        today=timezone.localdate(),
    )
    case = EscalationCase.objects.get(learner=main)
    support = support_record_create(
        learner=main,
        created_by=tutor,
        kind="support_plan",
        summary="Weekly catch-up calls.",
        agreed_on=timezone.localdate(),
        actions=[{"description": "Submit unit 3", "owner": "learner", "due_on": NOW.date()}],
    )
    contact = contact_log(
        learner=main,
        author=tutor,
        occurred_at=timezone.now(),
        contact_type="phone",
        outcome="left_message",
        notes="Rang about the missed sessions.",
        attachments=[checked("call-record.pdf", PDF)],
    )
    _confidential_entry(main, author=safeguarding, factor=factor)

    on_break = LearnerFactory(tutor=tutor, team=team, first_name="Bea", last_name=label.title())
    break_start(
        learner=on_break,
        started_on=timezone.localdate(),
        expected_return_on=dt.date(2027, 1, 4),
        reason="Short illness",
        by=tutor,
    )
    _confidential_entry(on_break, author=safeguarding, factor=factor)

    leaver = LearnerFactory(tutor=tutor, team=team, first_name="Wren", last_name=label.title())
    _confidential_entry(leaver, author=safeguarding, factor=factor)
    withdrawal = at_withdrawal_stage(leaver, manager).withdrawal_requests.get()
    agreement(withdrawal, manager)
    approve(withdrawal, director)
    withdrawal.refresh_from_db()
    appeal = appeal_lodge(
        request=withdrawal,
        by=manager,
        appellant="learner",
        received_on=timezone.localdate(),
        grounds="I did not get the letters.",
    )
    return SimpleNamespace(
        tutor=tutor,
        manager=manager,
        team=team,
        learner=main,
        case=case,
        task=CaseTask.objects.create(
            case=case,
            stage_key=case.stage,
            change_sequence=case.change_count,
            label="Team and Directors discuss further interventions",
            due_on=NOW.date(),
            set_at=timezone.now(),
        ),
        recommendation=CaseRecommendation.objects.create(
            case=case,
            stage_key=case.stage,
            policy_version_id=case.policy_version_id,
            outcome="Back on track",
            reason="Attending again",
            by=manager,
            at=timezone.now(),
        ),
        risk_notification=note,
        action=support.actions.get(),
        attachment=contact.attachments.get(),
        confidential_attachment=main.contacts.get(confidential=True).attachments.get(),
        on_break=on_break,
        leaver=leaver,
        withdrawal=withdrawal,
        appeal=appeal,
        batch=ImportBatchFactory(uploaded_by=manager),
    )


def _leaver_report(by) -> LeaverReport:
    cycle = cycle_containing(timezone.localdate() - dt.timedelta(days=60))
    report = LeaverReport(
        cycle_start=cycle.start,
        cycle_end=cycle.end,
        status=ReportStatus.READY,
        generated_by=by,
        created_at=timezone.now(),
        sha256="ab" * 32,
        leaver_count=0,
    )
    report.pdf.save("matrix.pdf", ContentFile(PDF), save=False)
    report.save()
    return report


def world_build() -> SimpleNamespace:
    users = _users()
    # Inactive, so the forms' lists of factors leave it out: it may show only where it is
    # linked to a learner, through the confidential entries it is recorded on.
    factor = RiskFactor.objects.create(
        code="matrix-canary", name=CANARY_FACTOR, kind="during", active=False
    )
    common = {
        "director": users["director"],
        "safeguarding": users["safeguarding"],
        "factor": factor,
    }
    mine = _side("mine", tutor=users["tutor"], manager=users["manager"], **common)
    other = _side(
        "other",
        tutor=TutorFactory(username="other.tutor"),
        manager=UserFactory(username="other.manager", roles=[Role.MANAGER]),
        **common,
    )
    # Each role user's own notification, and one of someone else's.
    notes = {
        role: Notification.objects.create(
            recipient=user, kind="test", title="A case moved", url="/cases/", dedupe_key="m"
        )
        for role, user in users.items()
    }
    others_note = Notification.objects.create(
        recipient=other.tutor, kind="test", title="Not yours", url="/cases/", dedupe_key="o"
    )
    return SimpleNamespace(
        users=users,
        mine=mine,
        other=other,
        notifications=notes,
        others_notification=others_note,
        leaver_report=_leaver_report(users["leaver-panel"]),
        factor=factor,
    )


@contextmanager
def world_in_transaction(django_db_blocker):
    """The world, built at NOW under a frozen clock, rolled back when the block ends. Each
    test's own transaction (pytest-django's ``db``) nests inside it as a savepoint."""
    with (
        django_db_blocker.unblock(),
        time_machine.travel(NOW, tick=False),
        transaction.atomic(),
    ):
        if not RiskFactor.objects.exists():  # flushed by a transactional test
            for module, function in REFERENCE_DATA_LOADERS:
                getattr(import_module(module), function)(apps, None)
        yield world_build()
        transaction.set_rollback(True)
