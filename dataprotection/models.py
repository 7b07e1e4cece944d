"""Data protection audit: subject access exports (who took a copy of everything held on a
learner, and its checksum) and retention erasures (which learner records were anonymised, when
and by whom). Both are written by the services and never edited (the admin is read-only)."""

from django.conf import settings
from django.db import models


class SubjectAccessExport(models.Model):
    """One subject access export of one learner. Written before the zip is built; the checksum,
    size and counts are filled in once it is. The learner is kept by id as well, so the row
    still says which record it was after the learner is anonymised."""

    learner = models.ForeignKey(
        "learners.Learner", on_delete=models.PROTECT, related_name="subject_access_exports"
    )
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="subject_access_exports"
    )
    generated_at = models.DateTimeField()
    included_confidential = models.BooleanField(
        "included confidential safeguarding entries", default=True
    )
    withheld_reason = models.TextField(
        blank=True, help_text="The exemption relied on when confidential entries were withheld."
    )
    sha256 = models.CharField("SHA-256 of the zip", max_length=64, blank=True)
    size = models.PositiveBigIntegerField("size in bytes", null=True, blank=True)
    record_count = models.PositiveIntegerField(null=True, blank=True)
    file_count = models.PositiveIntegerField("attachments", null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-generated_at", "-pk"]
        indexes = [models.Index(fields=["learner", "-generated_at"])]

    def __str__(self) -> str:
        return f"Subject access export {self.pk} of learner {self.learner_id}"


class RetentionErasure(models.Model):
    """A learner record anonymised because its retention period had passed. Holds no personal
    data: the learner's id (the anonymised row stays), the dates the decision rested on, who
    ran it and what was removed."""

    learner = models.OneToOneField(
        "learners.Learner", on_delete=models.PROTECT, related_name="retention_erasure"
    )
    erased_at = models.DateTimeField()
    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty when the scheduled job erased it.",
    )
    last_activity_on = models.DateField(help_text="The last thing recorded about the learner.")
    retention_years = models.PositiveSmallIntegerField()
    # What was removed or blanked, per kind of record: {"contacts": 12, "files": 3, ...}.
    summary = models.JSONField(default=dict)

    class Meta:
        ordering = ["-erased_at", "-pk"]

    def __str__(self) -> str:
        return f"Learner {self.learner_id} anonymised on {self.erased_at:%d %b %Y}"
