"""Import a CSV file of learners, attendance or progress from the command line (for scheduled
imports, e.g. a nightly e-portfolio export). Same checks and all-or-nothing apply as the
Imports page; every run is kept as an import batch."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from escalation.record_imports import records_import_apply, records_import_preview
from learners.models import ImportBatch, ImportKind, ImportStatus


class Command(BaseCommand):
    help = (
        "Import a CSV of learners, attendance or progress: check every row, then apply the "
        "file all or nothing (or only report, with --dry-run). Exits non-zero when the file "
        "has errors; nothing is written then."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("kind", choices=ImportKind.values)
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--by",
            required=True,
            metavar="USERNAME",
            help="the staff member the import is recorded as (their teams limit what it may "
            "touch; a director or superuser may touch every team)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="check and count only; write nothing"
        )

    def handle(self, *args: object, **options) -> None:
        user = get_user_model().objects.filter(username=options["by"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active user is called {options['by']!r}.")
        path: Path = options["path"]
        if not path.is_file():
            raise CommandError(f"No file at {path}.")
        try:
            with path.open("rb") as handle:
                batch = records_import_preview(
                    kind=options["kind"], uploaded_file=File(handle, name=path.name), by=user
                )
            self._report(batch, heading="Checked")
            if batch.status == ImportStatus.PREVIEWED and not options["dry_run"]:
                batch = records_import_apply(batch=batch, by=user)
                self._report(batch, heading="Applied")
        except ValidationError as exc:
            raise CommandError(f"{path.name}: {' '.join(exc.messages)}") from exc
        if batch.status == ImportStatus.REJECTED:
            raise CommandError(
                f"{batch.error_row_count} row(s) with errors; nothing was imported "
                f"(import batch {batch.pk})."
            )
        if options["dry_run"]:
            self.stdout.write("Dry run: nothing was written.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Imported (import batch {batch.pk})."))

    def _report(self, batch: ImportBatch, *, heading: str) -> None:
        if heading == "Applied" and batch.status != ImportStatus.APPLIED:
            heading = "Apply refused"
        rows = f"{batch.row_count} row{'s' if batch.row_count != 1 else ''}"
        self.stdout.write(
            f"{heading} {batch.original_name} ({batch.kind}): {rows}, "
            f"{batch.new_count} new, {batch.changed_count} changed, "
            f"{batch.unchanged_count} unchanged, {batch.error_row_count} with errors."
        )
        if heading == "Checked":  # the apply's notices repeat the check's
            for notice in batch.notices:
                self.stdout.write(f"Note: {notice}")
        for error in batch.errors:
            column = error["column"] or "-"
            self.stderr.write(f"row {error['row']}, {column}: {error['message']}")
