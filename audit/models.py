"""The audit trail: one append-only table of changes (written by database triggers) and access
events (written by the views that show confidential entries or hand out files)."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Now


class Operation(models.TextChoices):
    INSERT = "insert", "Created"
    UPDATE = "update", "Changed"
    DELETE = "delete", "Deleted"
    VIEW = "view", "Viewed"
    DOWNLOAD = "download", "Downloaded"


ACCESS_OPERATIONS = (Operation.VIEW, Operation.DOWNLOAD)
ACCESS_KIND = "access"  # the audit page's "Record" choice for views and downloads


class AuditEvent(models.Model):
    """Who did what to which row, when (UTC), with the row before and after.

    The actor and learner are foreign keys without database constraints: the trail must outlive
    the user or learner it names (and a trigger must never fail on a missing one). The database
    refuses UPDATE and DELETE on this table (migration 0002)."""

    at = models.DateTimeField(db_default=Now(), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    # The username at the time, or "system" for Celery, beat and management commands.
    actor_label = models.CharField(max_length=150)
    operation = models.CharField(max_length=10, choices=Operation.choices)
    table_name = models.CharField(max_length=100)
    row_id = models.BigIntegerField(null=True, blank=True)
    learner = models.ForeignKey(
        "learners.Learner",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    detail = models.CharField(max_length=300, blank=True, default="")

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["learner", "-at"], name="audit_learner_at"),
            models.Index(fields=["actor", "-at"], name="audit_actor_at"),
            models.Index(fields=["table_name", "row_id"], name="audit_table_row"),
        ]

    def __str__(self) -> str:
        return f"{self.actor_label} {self.operation} {self.table_name} #{self.row_id}"
