"""The withdrawal process after the last stage: the Notification of Withdrawal a director
decides, the employer's agreement (apprentices), the ILR reason, the exit review, the written
confirmation and appeals. Each request keeps an append-only list of events (who, when, what).

These models began in the escalation app and keep its table names (``db_table``): the audit
trail's triggers and rows, and the append-only trigger on the events, name the tables."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from escalation.models import EscalationCase
from learners.models import Learner


class WithdrawalReason(models.Model):
    """The ILR "Withdrawal reason" codes, one set per ILR year (1 August to 31 July), loaded by
    migration and kept by admins: a new year's codes are added, old years stay for old records."""

    ilr_year = models.CharField(max_length=7, help_text="The ILR year, as 2026/27.")
    code = models.PositiveSmallIntegerField()
    description = models.CharField(max_length=200)
    guidance = models.CharField(max_length=300, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        db_table = "escalation_withdrawalreason"
        ordering = ["-ilr_year", "code"]
        constraints = [
            models.UniqueConstraint(fields=["ilr_year", "code"], name="one_reason_per_code_year")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.description}"


class ExitTheme(models.Model):
    """Why learners leave, grouped for the leaver panel's trends (loaded by migration)."""

    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120)
    active = models.BooleanField(default=True)

    class Meta:
        db_table = "escalation_exittheme"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class RequestStatus(models.TextChoices):
    PENDING = "pending", "Awaiting a director's decision"
    AWAITING_EMPLOYER = "awaiting_employer", "Approved: awaiting the employer's agreement"
    REJECTED = "rejected", "Rejected by a director"
    CANCELLED = "cancelled", "Cancelled: the case moved on"
    WITHDRAWN = "withdrawn", "Learner withdrawn"
    REINSTATED = "reinstated", "Overturned on appeal: learner reinstated"


LIVE_REQUEST_STATUSES = (RequestStatus.PENDING, RequestStatus.AWAITING_EMPLOYER)
DECIDED_STATUSES = (
    RequestStatus.AWAITING_EMPLOYER,
    RequestStatus.REJECTED,
    RequestStatus.WITHDRAWN,
    RequestStatus.REINSTATED,
)


class WithdrawalRequest(models.Model):
    """Stage 3 "Notification of Withdrawal": raised when a case reaches the preset's withdrawal
    stage, decided by a director who did not raise it (four eyes, also a database check)."""

    case = models.ForeignKey(
        EscalationCase, on_delete=models.PROTECT, related_name="withdrawal_requests"
    )
    learner = models.ForeignKey(
        Learner, on_delete=models.PROTECT, related_name="withdrawal_requests"
    )
    status = models.CharField(
        max_length=20, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    grounds = models.TextField(help_text="Why the case reached the Notification of Withdrawal.")
    raised_at = models.DateTimeField()
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    ilr_reason = models.ForeignKey(
        WithdrawalReason, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    last_day_of_learning = models.DateField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    # The day the learner (and employer) were told: the appeal window counts from it.
    notified_on = models.DateField(null=True, blank=True)
    appeal_by = models.DateField(null=True, blank=True)
    confirmation_due_on = models.DateField(null=True, blank=True)
    confirmation_sent_on = models.DateField(null=True, blank=True)
    # Why a director approved without the contact attempts the version requires before
    # withdrawal (withdrawals/requirements.py); "" when they were on the record.
    contact_override_reason = models.TextField(blank=True)
    # Two directors pressing "approve" at once: the second finds the row no longer pending.
    submission_token = models.UUIDField(default=uuid.uuid4, editable=False)

    class Meta:
        db_table = "escalation_withdrawalrequest"
        ordering = ["raised_at", "pk"]  # the approvals queue: oldest first
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(status__in=LIVE_REQUEST_STATUSES),
                name="one_live_withdrawal_request_per_case",
                violation_error_message="This case already has a withdrawal request in progress.",
            ),
            models.CheckConstraint(
                condition=~Q(decided_by=F("raised_by")),
                name="withdrawal_four_eyes",
                violation_error_message="The person who raised a withdrawal cannot decide it.",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=DECIDED_STATUSES)
                | Q(decided_by__isnull=False, decided_at__isnull=False),
                name="withdrawal_decision_has_author",
            ),
            models.CheckConstraint(
                condition=~Q(status=RequestStatus.WITHDRAWN)
                | Q(
                    ilr_reason__isnull=False,
                    last_day_of_learning__isnull=False,
                    withdrawn_at__isnull=False,
                ),
                name="withdrawal_has_ilr_reason_and_last_day",
            ),
        ]
        indexes = [models.Index(fields=["status", "raised_at"])]

    def __str__(self) -> str:
        return f"Withdrawal request for {self.learner}"

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_REQUEST_STATUSES


class EventKind(models.TextChoices):
    RAISED = "raised", "Notification of Withdrawal raised"
    APPROVED = "approved", "Approved by a director"
    REJECTED = "rejected", "Rejected by a director"
    CANCELLED = "cancelled", "Cancelled"
    EMPLOYER_AGREED = "employer_agreed", "Employer agreed to the withdrawal"
    WITHDRAWN = "withdrawn", "Learner withdrawn"
    EXIT_REVIEW = "exit_review", "Exit review recorded"
    CONFIRMATION_SENT = "confirmation_sent", "Written confirmation sent"
    APPEAL_LODGED = "appeal_lodged", "Appeal lodged"
    APPEAL_REFUSED_LATE = "appeal_refused_late", "Appeal refused: received late"
    APPEAL_ACCEPTED_LATE = "appeal_accepted_late", "Late appeal accepted by a director"
    APPEAL_UPHELD = "appeal_upheld", "Appeal decided: withdrawal upheld"
    APPEAL_OVERTURNED = "appeal_overturned", "Appeal decided: withdrawal overturned"


class WithdrawalEvent(models.Model):
    """Append-only history of a withdrawal request (the learner timeline and case page read it)."""

    request = models.ForeignKey(WithdrawalRequest, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=30, choices=EventKind.choices)
    at = models.DateTimeField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    note = models.TextField(blank=True)

    class Meta:
        db_table = "escalation_withdrawalevent"
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.request_id})"


class AgreementMethod(models.TextChoices):
    EMAIL = "email", "E-mail"
    LETTER = "letter", "Letter"
    SIGNED_FORM = "signed_form", "Signed form"
    PHONE = "phone", "Phone call (with a file note)"
    MEETING = "meeting", "Meeting (with notes)"


def agreement_path(instance: "EmployerAgreement", filename: str) -> str:
    # A random stored name: the user's file name never reaches the file system.
    return f"employer-agreements/{instance.request.learner_id}/{uuid.uuid4().hex}"


class EmployerAgreement(models.Model):
    """Policy: "In the case of an apprenticeship learner, agreement must be sought from the
    employer to remove the learner from the programme." Who agreed, when, how, and the proof."""

    request = models.OneToOneField(
        WithdrawalRequest, on_delete=models.PROTECT, related_name="employer_agreement"
    )
    agreed_by_name = models.CharField("who agreed", max_length=200)
    agreed_by_role = models.CharField("their role at the employer", max_length=200)
    agreed_on = models.DateField("date agreed")
    method = models.CharField("how they agreed", max_length=20, choices=AgreementMethod.choices)
    notes = models.TextField(blank=True)
    file = models.FileField(upload_to=agreement_path, max_length=255)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        db_table = "escalation_employeragreement"

    def __str__(self) -> str:
        return f"{self.agreed_by_name} agreed on {self.agreed_on:%d %b %Y}"


class ExitReview(models.Model):
    """The Learner Withdrawal and Exit Review: why the learner left, in their words and as
    themes the leaver panel counts, and what might have kept them."""

    request = models.OneToOneField(
        WithdrawalRequest, on_delete=models.PROTECT, related_name="exit_review"
    )
    reasons = models.TextField("reasons for leaving, in the learner's words")
    themes = models.ManyToManyField(ExitTheme, related_name="exit_reviews")
    might_have_kept = models.TextField("what might have kept the learner on programme")
    learner_took_part = models.BooleanField("the learner took part in the review", default=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    completed_at = models.DateTimeField()

    class Meta:
        db_table = "escalation_exitreview"

    def __str__(self) -> str:
        return f"Exit review for {self.request.learner}"


class Appellant(models.TextChoices):
    LEARNER = "learner", "Learner"
    EMPLOYER = "employer", "Employer"


class AppealStatus(models.TextChoices):
    LODGED = "lodged", "Awaiting a director's decision"
    REFUSED_LATE = "refused_late", "Refused: received after the appeal window"
    UPHELD = "upheld", "Withdrawal upheld"
    OVERTURNED = "overturned", "Overturned: learner reinstated"


class Appeal(models.Model):
    """An appeal against a withdrawal: lodged within the preset's working days of the
    notification (or accepted late by a director with a reason), decided within as many."""

    request = models.ForeignKey(WithdrawalRequest, on_delete=models.PROTECT, related_name="appeals")
    appellant = models.CharField(max_length=10, choices=Appellant.choices)
    received_on = models.DateField()
    grounds = models.TextField()
    status = models.CharField(max_length=20, choices=AppealStatus.choices)
    refusal_reason = models.TextField(blank=True)
    late_accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    late_accepted_reason = models.TextField(blank=True)
    decision_due_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    reinstated_at_stage = models.CharField(max_length=40, blank=True)

    class Meta:
        db_table = "escalation_appeal"
        ordering = ["received_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["request"],
                condition=Q(status=AppealStatus.LODGED),
                name="one_open_appeal_per_withdrawal",
                violation_error_message="An appeal against this withdrawal is already open.",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[AppealStatus.UPHELD, AppealStatus.OVERTURNED])
                | Q(decided_by__isnull=False, decided_at__isnull=False),
                name="appeal_decision_has_author",
            ),
        ]

    def __str__(self) -> str:
        return f"Appeal by the {self.get_appellant_display().lower()} ({self.request.learner})"
