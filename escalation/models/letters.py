"""Which stage letter went out for which stage of a case (or why it did not)."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from escalation.models.cases import EscalationCase


class StageLetter(models.Model):
    """Policy: a stage is notified when its letter has been sent or a reason given for not
    sending it. One row per case, stage and stage start (``change_sequence``: the StageChange
    that started the stage), so a stage reached again (after a reinstatement, say) needs its
    letter again, and two people sending at once store one letter."""

    case = models.ForeignKey(EscalationCase, on_delete=models.PROTECT, related_name="letters")
    stage_key = models.CharField(max_length=40)
    change_sequence = models.PositiveIntegerField()
    template = models.ForeignKey(
        "notifications.LetterTemplate",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    contact_entry = models.OneToOneField(
        "riskcases.ContactLogEntry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="stage_letter",
    )
    skipped_reason = models.TextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["case", "change_sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "stage_key", "change_sequence"],
                name="one_stage_letter_per_stage_start",
            ),
            models.CheckConstraint(
                condition=(Q(contact_entry__isnull=False) & Q(skipped_reason=""))
                | (Q(contact_entry__isnull=True) & ~Q(skipped_reason="")),
                name="stage_letter_sent_or_skipped_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.stage_key} letter for case {self.case_id}"

    @property
    def sent(self) -> bool:
        return self.contact_entry_id is not None
