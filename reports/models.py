from django.conf import settings
from django.db import models


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
