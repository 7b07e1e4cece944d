import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q


class ExportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "Excel (XLSX)"
    PDF = "pdf", "PDF"


class RegisterExport(models.Model):
    """Who took a copy of the at-risk register, when, in which format, and of which rows.

    Written before the file is sent and never edited (the admin is read-only), so the record
    of a copy leaving the system stays even if the download is interrupted."""

    exported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="register_exports"
    )
    exported_at = models.DateTimeField()
    export_format = models.CharField(max_length=4, choices=ExportFormat.choices)
    # The register's query string (filters and sort) and the same in words.
    query = models.CharField(max_length=1000, blank=True)
    filters_described = models.TextField(blank=True)
    row_count = models.PositiveIntegerField()

    class Meta:
        ordering = ["-exported_at", "-pk"]
        indexes = [models.Index(fields=["exported_by", "-exported_at"])]

    def __str__(self) -> str:
        return f"{self.get_export_format_display()} of {self.row_count} rows by {self.exported_by}"


class EvidencePackExport(models.Model):
    """Who generated a learner's evidence pack (the full chronology as a PDF), when, whether it
    held the confidential safeguarding entries, and the file's SHA-256 and page count.

    Written before the file is built (the checksum and page count are filled in once it is),
    and never edited from the admin."""

    learner = models.ForeignKey(
        "learners.Learner", on_delete=models.PROTECT, related_name="evidence_packs"
    )
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="evidence_packs"
    )
    generated_at = models.DateTimeField()
    included_confidential = models.BooleanField(
        "included confidential safeguarding entries", default=False
    )
    sha256 = models.CharField("SHA-256 of the PDF", max_length=64, blank=True)
    page_count = models.PositiveIntegerField(null=True, blank=True)
    size = models.PositiveBigIntegerField("size in bytes", null=True, blank=True)

    class Meta:
        ordering = ["-generated_at", "-pk"]
        indexes = [
            models.Index(fields=["learner", "-generated_at"]),
            models.Index(fields=["generated_by", "-generated_at"]),
        ]

    def __str__(self) -> str:
        return f"Evidence pack {self.pk} for learner {self.learner_id} by {self.generated_by}"


class LeaverPanelSettings(models.Model):
    """The one row of leaver panel settings (Django admin). Cycles of 8 weeks are counted
    from ``anchor_date`` (reports/cycles.py); with no row, the default anchor there is used."""

    anchor_date = models.DateField(
        help_text="The first day of a leaver panel cycle. Cycles of 8 weeks run back and "
        "forth from it; changing it moves every cycle (reports already archived keep their "
        "dates)."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "leaver panel settings"
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="leaver_settings_one_row")]

    def __str__(self) -> str:
        return f"Leaver panel cycles from {self.anchor_date:%d %b %Y}"

    def save(self, *args, **kwargs) -> None:
        self.pk = 1
        super().save(*args, **kwargs)


class ReportStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Being built"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


def leaver_report_path(instance: "LeaverReport", filename: str) -> str:
    # A random stored name: nothing about the cycle or the learners reaches the file system.
    return f"leaver-reports/{uuid.uuid4().hex}"


class LeaverReport(models.Model):
    """One leaver panel report of a cycle, built by a Celery task (reports/leaver_services.py):
    queued, running (claimed by one worker), then ready with its PDF and checksum, or failed.
    ``figures`` holds every number the PDF prints, so a regenerated report can be compared."""

    cycle_start = models.DateField()
    cycle_end = models.DateField()
    status = models.CharField(
        max_length=10, choices=ReportStatus.choices, default=ReportStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(default=0)  # percent
    progress_message = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    pdf = models.FileField(upload_to=leaver_report_path, max_length=255, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveIntegerField(null=True, blank=True)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="leaver_reports",
    )
    automatic = models.BooleanField(
        "generated automatically by the scheduler", default=False, editable=False
    )
    created_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    leaver_count = models.PositiveIntegerField(null=True, blank=True)
    figures = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # Two beat runs at once: the second insert fails and finds the first's row.
            models.UniqueConstraint(
                fields=["cycle_start", "cycle_end"],
                condition=Q(automatic=True),
                name="one_automatic_leaver_report_per_cycle",
            ),
            models.CheckConstraint(
                condition=Q(automatic=True, generated_by__isnull=True)
                | Q(automatic=False, generated_by__isnull=False),
                name="leaver_report_has_one_author",
            ),
            models.CheckConstraint(
                condition=Q(cycle_end__gte=models.F("cycle_start")),
                name="leaver_report_cycle_in_order",
            ),
            models.CheckConstraint(
                condition=~Q(status=ReportStatus.READY) | ~Q(sha256=""),
                name="leaver_report_ready_has_checksum",
            ),
        ]
        indexes = [models.Index(fields=["cycle_start", "-created_at"])]

    def __str__(self) -> str:
        return f"Leaver report {self.cycle_start:%d %b %Y} to {self.cycle_end:%d %b %Y}"

    @property
    def is_pending(self) -> bool:
        return self.status in (ReportStatus.QUEUED, ReportStatus.RUNNING)

    @property
    def generated_by_label(self) -> str:
        if self.automatic:
            return "Scheduler (automatic, end of cycle)"
        user = self.generated_by
        return user.get_full_name() or user.get_username() if user else ""

    @property
    def download_name(self) -> str:
        return f"leaver-panel-report-{self.cycle_start:%Y-%m-%d}-to-{self.cycle_end:%Y-%m-%d}.pdf"
