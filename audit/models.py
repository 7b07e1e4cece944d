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
    REDACT = "redact", "Redacted"  # personal data erased from a learner's trail (retention)


ACCESS_OPERATIONS = (Operation.VIEW, Operation.DOWNLOAD)
ACCESS_KIND = "access"  # the audit page's "Record" choice for views and downloads


# The only columns a redaction may change; the guard trigger checks every other stays the same.
REDACTABLE = ("before", "after", "detail", "redacted_at")


class AuditEvent(models.Model):
    """Who did what to which row, when (UTC), with the row before and after.

    The actor and learner are foreign keys without database constraints: the trail must outlive
    the user or learner it names (and a trigger must never fail on a missing one). The database
    refuses UPDATE and DELETE on this table (audit/triggers.py), with one exception: a retention
    erasure, inside a transaction flagged for it, may overwrite the content columns
    (``REDACTABLE``) and must stamp ``redacted_at`` (audit/redaction.py)."""

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
    # When a retention erasure replaced the personal data in before, after and detail.
    redacted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["learner", "-at"], name="audit_learner_at"),
            models.Index(fields=["actor", "-at"], name="audit_actor_at"),
            models.Index(fields=["table_name", "row_id"], name="audit_table_row"),
        ]

    def __str__(self) -> str:
        return f"{self.actor_label} {self.operation} {self.table_name} #{self.row_id}"
