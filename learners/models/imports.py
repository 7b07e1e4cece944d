"""A record of each CSV import: the file as uploaded, what its dry run found and whether it was
applied. Kept so a manager can see what came in, when and from whom, and so the learners an
import touched can be handed on (e.g. to trigger evaluation)."""

import uuid

from django.conf import settings
from django.db import models


def import_file_path(instance: "ImportBatch", filename: str) -> str:
    # Private media, a random stored name: the user's file name never reaches the file system.
    return f"imports/{uuid.uuid4().hex}.csv"


class ImportKind(models.TextChoices):
    LEARNERS = "learners", "Learners"
    ATTENDANCE = "attendance", "Attendance"
    PROGRESS = "progress", "Progress"


class ImportStatus(models.TextChoices):
    PREVIEWED = "previewed", "Previewed: ready to apply"
    REJECTED = "rejected", "Rejected: has errors"
    APPLIED = "applied", "Applied"


class ImportBatch(models.Model):
    kind = models.CharField(max_length=20, choices=ImportKind.choices)
    original_name = models.CharField("file name", max_length=255)
    file = models.FileField(upload_to=import_file_path, max_length=255)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=ImportStatus.choices)
    row_count = models.PositiveIntegerField("rows", default=0)
    new_count = models.PositiveIntegerField("new", default=0)
    changed_count = models.PositiveIntegerField("changed", default=0)
    unchanged_count = models.PositiveIntegerField("unchanged", default=0)
    error_row_count = models.PositiveIntegerField("rows with errors", default=0)
    # Every error: [{"row": 3, "column": "date", "message": "..."}], in row order.
    errors = models.JSONField(default=list, blank=True)
    notices = models.JSONField(default=list, blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Learners created or changed by the apply (for triggers to evaluate).
    touched_learner_ids = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name_plural = "import batches"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status=ImportStatus.APPLIED, applied_at__isnull=False)
                | (~models.Q(status=ImportStatus.APPLIED) & models.Q(applied_at__isnull=True)),
                name="import_applied_batches_have_applied_at",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} import of {self.original_name}"

    @property
    def applicable_rows(self) -> int:
        """Rows an apply writes (new plus changed)."""
        return self.new_count + self.changed_count
