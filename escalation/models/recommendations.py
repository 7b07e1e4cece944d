"""The recommendation a stage ends in (a Makers formal stage's "move back down", "escalate to
stage 4", "recommend a break in learning"...), recorded before the move it recommends."""

from django.conf import settings
from django.db import models

from escalation.models.cases import EscalationCase


class CaseRecommendation(models.Model):
    """One recommendation recorded at a stage of a case: ``outcome`` is one of that stage's
    outcomes in the case's version. Append-only in spirit: a new recommendation is a new row,
    and moves needing one look for a row since the stage began."""

    case = models.ForeignKey(
        EscalationCase, on_delete=models.PROTECT, related_name="recommendations"
    )
    stage_key = models.CharField(max_length=40)
    policy_version = models.ForeignKey(
        "policies.PolicyVersion", on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(max_length=200)
    reason = models.TextField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    # The confirming e-mail ("a confirming email is followed, copying in ..."): when it went,
    # by whom, and to whom (the addresses, and the staff the stage copies in, in its words).
    emailed_at = models.DateTimeField(null=True, blank=True)
    emailed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    emailed_to = models.TextField(blank=True)

    class Meta:
        ordering = ["case", "at", "pk"]
        indexes = [models.Index(fields=["case", "stage_key", "at"])]

    def __str__(self) -> str:
        return f"{self.outcome} ({self.stage_key}, case {self.case_id})"
