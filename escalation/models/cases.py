from django.conf import settings
from django.db import models
from django.db.models import Q

from learners.models import Learner


class CaseStatus(models.TextChoices):
    OPEN = "open", "Open"
    STEPPED_DOWN = "stepped_down", "Stepped down (support contract)"
    CLOSED_ON_TRACK = "closed_on_track", "Closed: back on track"
    WITHDRAWN = "withdrawn", "Withdrawn"


ACTIVE_STATUSES = (CaseStatus.OPEN, CaseStatus.STEPPED_DOWN)


class EscalationCase(models.Model):
    """A learner's journey through the active policy's stages. Its changes are recorded in
    StageChange rows; the case row holds the current position for fast reads."""

    learner = models.ForeignKey(Learner, on_delete=models.PROTECT, related_name="cases")
    # The policy version the case runs under, from opening to the end (deadlines, letters,
    # moves, appeal windows); it changes only when a manager moves the case to a newer version.
    policy_version = models.ForeignKey(
        "policies.PolicyVersion", on_delete=models.PROTECT, related_name="cases"
    )
    stage = models.CharField(max_length=40)
    status = models.CharField(max_length=20, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    opened_at = models.DateTimeField()
    stage_started_at = models.DateTimeField()
    stage_due_on = models.DateField(null=True, blank=True)
    due_rule = models.CharField(max_length=200, blank=True)
    # The sequence number of the latest StageChange; reminders remember which one they served.
    change_count = models.PositiveIntegerField(default=0)
    reminded_for_change = models.PositiveIntegerField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Back on track: the day the triggers sweep proposed removal from the register (a manager
    # confirms by closing the case). Cleared when a trigger holds again.
    removal_proposed_on = models.DateField(null=True, blank=True)
    # Opened by the inactivity clock (its version's drivers.inactivity_days): the day the
    # silence began (the last activity, or the start, a return or a closed case before it).
    # Activity recorded after it stops the ladder; the sweep moves the case on only while there
    # is none. None: opened by a rating, a trigger or a person.
    inactive_since = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["stage_due_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["learner"],
                condition=Q(status__in=ACTIVE_STATUSES),
                name="one_active_case_per_learner",
                violation_error_message="This learner already has an open case.",
            )
        ]
        indexes = [models.Index(fields=["status", "stage_due_on"])]

    def __str__(self) -> str:
        return f"Case {self.pk} for {self.learner}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


class ChangeKind(models.TextChoices):
    OPENED = "opened", "Opened"
    ADVANCED = "advanced", "Advanced"
    STEPPED_DOWN = "stepped_down", "Stepped down"
    RE_ESCALATED = "re_escalated", "Re-escalated"
    CLOSED = "closed", "Closed back on track"
    # The withdrawal process at the last stage (the withdrawals app).
    WITHDRAWAL_REJECTED = "withdrawal_rejected", "Withdrawal rejected by a director"
    WITHDRAWN = "withdrawn", "Learner withdrawn"
    REINSTATED = "reinstated", "Reinstated on appeal"
    # A manager moved the open case to a newer version of its policy (stage by stage mapping).
    VERSION_CHANGED = "version_changed", "Moved to a new policy version"
    MOVED = "moved", "Moved"
    # Moves a version declares (policies/spec.py MOVE_KINDS) beyond the four above.
    MOVED_BACK = "moved_back", "Moved back"
    EXTENDED = "extended", "Stage extended"
    BREAK_STARTED = "break_started", "Break in learning started"
    WITHDRAWAL_RAISED = "withdrawal_raised", "Withdrawal raised"
    TERMINATION_NOTIFIED = "termination_notified", "Termination notified"


class StageChange(models.Model):
    """Append-only history of a case: the database refuses updates and deletes (migration
    0002 installs the trigger)."""

    case = models.ForeignKey(EscalationCase, on_delete=models.PROTECT, related_name="changes")
    sequence = models.PositiveIntegerField()
    kind = models.CharField(max_length=20, choices=ChangeKind.choices)
    from_stage = models.CharField(max_length=40, blank=True)
    to_stage = models.CharField(max_length=40)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    at = models.DateTimeField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    by_sweep = models.BooleanField(default=False)
    reason = models.TextField()
    due_on = models.DateField(null=True, blank=True)
    due_rule = models.CharField(max_length=200, blank=True)
    # The version ``to_stage`` belongs to (``from_stage`` belongs to the previous row's).
    policy_version = models.ForeignKey(
        "policies.PolicyVersion", on_delete=models.PROTECT, related_name="+", null=True
    )
    # The version's move that made this change (its key), where a declared move did.
    move_key = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["case", "sequence"]
        constraints = [
            # Two writers that both think they are making change N: the second fails.
            models.UniqueConstraint(fields=["case", "sequence"], name="one_change_per_sequence"),
            models.CheckConstraint(
                condition=Q(by__isnull=False) | Q(by_sweep=True), name="change_has_an_author"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} #{self.sequence} {self.kind} → {self.to_stage}"


class Decision(models.TextChoices):
    PENDING = "pending", "Awaiting the tutor's decision"
    ACCEPTED = "accepted", "Rating accepted"
    OVERRIDDEN = "overridden", "Overridden with a reason"


class RiskNotification(models.Model):
    """A trigger fired on a learner: which rule, on which records, what rating it proposes,
    and what the tutor decided. Triggers suggest; people decide.

    ``fingerprint`` names the records the rule fired on (for example the run of missed
    sessions after the last attended one), so the same rule on the same records never fires
    twice: the unique constraint refuses the second row even from two sweeps at once."""

    learner = models.ForeignKey(
        Learner, on_delete=models.PROTECT, related_name="risk_notifications"
    )
    rule_key = models.CharField(max_length=40)
    rule_name = models.CharField(max_length=200)
    fingerprint = models.CharField(max_length=120)
    evidence = models.TextField()
    fired_at = models.DateTimeField()
    fired_on = models.DateField(help_text="The day the rule was evaluated.")
    case = models.ForeignKey(
        EscalationCase,
        on_delete=models.PROTECT,
        related_name="risk_notifications",
        null=True,
        blank=True,
    )
    within_first_days = models.BooleanField(
        default=False, help_text="Fired inside the first days on programme: directors told."
    )
    proposed_level = models.CharField(max_length=10)
    status = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decided_level = models.CharField(max_length=10, blank=True)
    decision_reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-fired_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "rule_key", "fingerprint"], name="trigger_fires_once_per_records"
            ),
            models.CheckConstraint(
                condition=Q(status=Decision.PENDING)
                | Q(decided_by__isnull=False, decided_at__isnull=False),
                name="decision_has_author",
            ),
        ]
        indexes = [models.Index(fields=["learner", "status"])]

    def __str__(self) -> str:
        return f"{self.rule_name} for {self.learner}"
