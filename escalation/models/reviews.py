"""The review meetings a stage holds on top of normal visits (a Makers formal stage's "2 stage 3
review meetings ... run by the apprentice"), each with what it recorded under the points the
stage's version names."""

from django.conf import settings
from django.db import models

from escalation.models.cases import EscalationCase


class StageReview(models.Model):
    """One review meeting held at a stage of a case. ``points`` maps each of the stage's
    review points (in its version, when recorded) to what was said; a move's
    ``requires.review_meetings`` counts the rows since the stage began."""

    case = models.ForeignKey(EscalationCase, on_delete=models.PROTECT, related_name="reviews")
    stage_key = models.CharField(max_length=40)
    policy_version = models.ForeignKey(
        "policies.PolicyVersion", on_delete=models.PROTECT, related_name="+"
    )
    held_on = models.DateField()
    points = models.JSONField(default=dict)
    employer_attended = models.BooleanField(default=False)
    # Absent, the employer is sent the record: the addresses it went to ("" : none held).
    record_sent_to = models.CharField(max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["case", "held_on", "pk"]
        indexes = [models.Index(fields=["case", "stage_key", "recorded_at"])]

    def __str__(self) -> str:
        return f"Review on {self.held_on} ({self.stage_key}, case {self.case_id})"
