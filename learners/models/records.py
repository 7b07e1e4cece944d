"""What happens on a learner's programme, as the e-portfolio or the tutor records it. Triggers
(escalation/triggers/) read these; nothing here decides risk.

Every record has a natural key (learner, date and what it is), held by a unique constraint, so
importing the same export twice finds the rows already there and changes nothing.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q

from learners.models.organisation import Learner


class RecordSource(models.TextChoices):
    TUTOR = "tutor", "Recorded by staff"
    IMPORT = "import", "Imported"


class LearnerRecord(models.Model):
    """Shared columns. ``occurred_on`` is the record's date: the day a session was held, a
    visit booked, homework due, a snapshot taken, an absence or an employment change."""

    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="+")
    occurred_on = models.DateField("date")
    source = models.CharField(max_length=10, choices=RecordSource.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["-occurred_on", "-pk"]


class SessionKind(models.TextChoices):
    SESSION = "session", "Training session"
    WORKSHOP = "workshop", "Workshop"


class Attendance(models.TextChoices):
    ATTENDED = "attended", "Attended"
    MISSED = "missed", "Missed"
    MISSED_CALLED_IN = "missed_called_in", "Missed, called in"
    CANCELLED = "cancelled", "Cancelled by us"


class ScheduledSession(LearnerRecord):
    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="sessions")
    kind = models.CharField(max_length=10, choices=SessionKind.choices, default=SessionKind.SESSION)
    title = models.CharField(max_length=200)
    attendance = models.CharField(max_length=20, choices=Attendance.choices)

    class Meta(LearnerRecord.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "occurred_on", "title"],
                name="one_session_per_title_and_day",
                violation_error_message="This session is already recorded for that day.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} on {self.occurred_on:%d %b %Y}: {self.get_attendance_display()}"


class VisitKind(models.TextChoices):
    VISIT = "visit", "Workplace visit"
    REVIEW = "review", "Progress review"


class VisitOutcome(models.TextChoices):
    HELD = "held", "Held"
    CANCELLED_BY_LEARNER = "cancelled_by_learner", "Cancelled by the learner"
    CANCELLED_BY_EMPLOYER = "cancelled_by_employer", "Cancelled by the employer"


VISIT_CANCELLATIONS = (VisitOutcome.CANCELLED_BY_LEARNER, VisitOutcome.CANCELLED_BY_EMPLOYER)


class Visit(LearnerRecord):
    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="visits")
    kind = models.CharField(max_length=10, choices=VisitKind.choices, default=VisitKind.VISIT)
    outcome = models.CharField(max_length=30, choices=VisitOutcome.choices)

    class Meta(LearnerRecord.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "occurred_on", "kind"],
                name="one_visit_per_kind_and_day",
                violation_error_message="A visit of this kind is already recorded for that day.",
            )
        ]

    def __str__(self) -> str:
        when = f"{self.occurred_on:%d %b %Y}"
        return f"{self.get_kind_display()} on {when}: {self.get_outcome_display()}"


class SubmissionOutcome(models.TextChoices):
    SUBMITTED = "submitted", "Handed in"
    MISSED = "missed", "Not handed in"


class Submission(LearnerRecord):
    """Homework or an assignment; ``occurred_on`` is its due date."""

    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="submissions")
    title = models.CharField(max_length=200)
    outcome = models.CharField(max_length=10, choices=SubmissionOutcome.choices)

    class Meta(LearnerRecord.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "occurred_on", "title"],
                name="one_submission_per_title_and_day",
                violation_error_message="This homework is already recorded for that due date.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} due {self.occurred_on:%d %b %Y}: {self.get_outcome_display()}"


class ProgressSnapshot(LearnerRecord):
    """Per cent of the programme complete against the per cent planned by that date."""

    learner = models.ForeignKey(
        Learner, on_delete=models.CASCADE, related_name="progress_snapshots"
    )
    actual_percent = models.PositiveSmallIntegerField(
        "actual % complete", validators=[MaxValueValidator(100)]
    )
    planned_percent = models.PositiveSmallIntegerField(
        "planned % complete", validators=[MaxValueValidator(100)]
    )

    class Meta(LearnerRecord.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "occurred_on"],
                name="one_progress_snapshot_per_day",
                violation_error_message="Progress is already recorded for that day.",
            ),
            models.CheckConstraint(
                condition=Q(actual_percent__lte=100, planned_percent__lte=100),
                name="progress_percent_at_most_100",
                violation_error_message="A percentage cannot be more than 100.",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"Progress on {self.occurred_on:%d %b %Y}: {self.actual_percent}% "
            f"against {self.planned_percent}% planned"
        )


class ProgressEventKind(models.TextChoices):
    UNIT_COMPLETED = "unit_completed", "Unit or module completed"
    EVIDENCE_SUBMITTED = "evidence_submitted", "Portfolio evidence submitted"
    ASSESSMENT_PASSED = "assessment_passed", "Assessment passed"
    OFF_THE_JOB_LOGGED = "otj_logged", "Off-the-job training logged"
    OTHER = "other", "Other progress"


class ProgressEvent(LearnerRecord):
    """Recorded progress: what the "no recorded progress within 42 days" rule looks for."""

    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="progress_events")
    kind = models.CharField(max_length=20, choices=ProgressEventKind.choices)
    description = models.CharField(max_length=200)

    class Meta(LearnerRecord.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "occurred_on", "description"],
                name="one_progress_event_per_description_and_day",
                violation_error_message="This progress is already recorded for that day.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.description} on {self.occurred_on:%d %b %Y}"


class WorkAbsence(LearnerRecord):
    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="work_absences")
    explained = models.BooleanField(default=False)
    notes = models.CharField(max_length=300, blank=True)

    class Meta(LearnerRecord.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "occurred_on"],
                name="one_work_absence_per_day",
                violation_error_message="An absence is already recorded for that day.",
            )
        ]

    def __str__(self) -> str:
        how = "explained" if self.explained else "unexplained"
        return f"Absent from work on {self.occurred_on:%d %b %Y} ({how})"


class EmploymentChangeKind(models.TextChoices):
    LEFT = "left", "Left the employer"
    STARTED = "started", "Started with a new employer"


class EmploymentChange(LearnerRecord):
    learner = models.ForeignKey(
        Learner, on_delete=models.CASCADE, related_name="employment_changes"
    )
    kind = models.CharField(max_length=10, choices=EmploymentChangeKind.choices)
    employer_name = models.CharField(max_length=200)

    class Meta(LearnerRecord.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "occurred_on", "kind"],
                name="one_employment_change_per_kind_and_day",
                violation_error_message="This employment change is already recorded for that day.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.employer_name}) on {self.occurred_on:%d %b %Y}"


class BreakInLearning(LearnerRecord):
    """A temporary break in learning (suspension); ``occurred_on`` is the day it began. The
    policies require regular contact during the break: those contacts are contact-log entries."""

    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="breaks")
    expected_return_on = models.DateField("expected return date", null=True, blank=True)
    reason = models.CharField(max_length=300)
    returned_on = models.DateField(null=True, blank=True)

    class Meta(LearnerRecord.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["learner"],
                condition=Q(returned_on__isnull=True),
                name="one_open_break_per_learner",
                violation_error_message="This learner is already on a break in learning.",
            ),
            models.CheckConstraint(
                condition=Q(returned_on__isnull=True) | Q(returned_on__gte=models.F("occurred_on")),
                name="break_returns_after_it_starts",
                violation_error_message="The return date must be on or after the start date.",
            ),
        ]

    def __str__(self) -> str:
        return f"Break in learning from {self.occurred_on:%d %b %Y}"
