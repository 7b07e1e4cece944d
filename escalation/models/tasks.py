from django.conf import settings
from django.db import models
from django.db.models import Q


class CaseTask(models.Model):
    """A dated task a stage sets on the case when it starts (policies.spec.DatedTask: "The team
    and Directors will discuss further interventions within 10 days"). Done once, with what
    was agreed; the stage's start it belongs to (``change_sequence``) makes setting it again
    for the same start a no-op."""

    case = models.ForeignKey(
        "escalation.EscalationCase", on_delete=models.PROTECT, related_name="tasks"
    )
    stage_key = models.CharField(max_length=40)
    change_sequence = models.PositiveIntegerField()
    label = models.CharField(max_length=300)
    due_on = models.DateField()
    set_at = models.DateTimeField()
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    done_note = models.TextField(blank=True)
    # The day its people were told it is overdue (the daily check tells them once).
    overdue_told_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "change_sequence", "label"], name="one_task_per_stage_start"
            )
        ]
        indexes = [
            models.Index(fields=["due_on"], condition=Q(done_at__isnull=True), name="open_tasks")
        ]

    def __str__(self) -> str:
        return f"{self.label} (due {self.due_on:%d %b %Y})"

    @property
    def is_done(self) -> bool:
        return self.done_at is not None
