"""CSV imports as the pages and the import_records command run them: keep the uploaded file and
its dry run as an ImportBatch, then apply it together with what the layers above learners must do
for the learners it touches, in one transaction.

Lives in escalation/ because an applied learners file enrols new learners, and enrolment also
sets the starting risk rating (riskcases) and at Medium or High opens the case (escalation), both
through the Enrol page's action; triggers (escalation) evaluate the touched learners.
learners/imports.py does the reading, checking and writing of learners' own records.
"""

import hashlib
from collections.abc import Callable

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from escalation.learner_actions import learner_enrolment_rate
from escalation.tasks import triggers_evaluate_after_commit
from learners.import_formats import CellError
from learners.imports import (
    ImportRejected,
    ImportReport,
    StartRating,
    import_check_size,
    import_dry_run,
    import_write,
)
from learners.models import ImportBatch, ImportKind, ImportStatus, Learner
from riskcases.attachments import safe_file_name
from riskcases.models import RiskFactor, RiskFactorKind, RiskLevel


class ImportAlreadyApplied(ValidationError):
    """The batch was applied before; applying it again is refused (a second click, say)."""


def _batch_counts(batch: ImportBatch, report: ImportReport) -> None:
    batch.row_count = report.rows
    batch.new_count = report.new
    batch.changed_count = report.changed
    batch.unchanged_count = report.unchanged
    batch.error_row_count = report.error_rows
    batch.errors = [e.as_dict() for e in report.errors]
    batch.notices = list(report.notices)


def _start_factor_finder(kind: str) -> Callable[[str], int] | None:
    """How a learners file's start_risk_factors entry names a risk factor: by its code, else by
    its name (either in any case). As on the Enrol page, only an active start-of-programme factor
    may be chosen. Two factors may share a name (the start- and during-programme "Socio-economic
    issues"): then the start-of-programme one is meant. None for other kinds of file."""
    if kind != ImportKind.LEARNERS:
        return None
    by_code: dict[str, RiskFactor] = {}
    by_name: dict[str, list[RiskFactor]] = {}
    for factor in RiskFactor.objects.order_by("code"):
        by_code[factor.code.lower()] = factor
        by_name.setdefault(" ".join(factor.name.lower().split()), []).append(factor)

    def find(text: str) -> int:
        factor = by_code.get(text.lower())
        if factor is None:
            named = by_name.get(" ".join(text.lower().split()), [])
            start = [f for f in named if f.kind == RiskFactorKind.START]
            candidates = [f for f in start if f.active] or start or named
            if not candidates:
                raise CellError(f"No risk factor has the code or name “{text}”.")
            if len(candidates) > 1:
                codes = ", ".join(f.code for f in candidates)
                raise CellError(
                    f"More than one risk factor is named “{text}”: use its code ({codes})."
                )
            factor = candidates[0]
        if factor.kind != RiskFactorKind.START:
            raise CellError(
                f"“{factor.name}” is a during-programme risk factor: only start-of-programme "
                "factors apply at enrolment."
            )
        if not factor.active:
            raise CellError(f"“{factor.name}” is no longer in use as a risk factor.")
        return factor.pk

    return find


def records_import_preview(*, kind: str, uploaded_file: File, by: AbstractBaseUser) -> ImportBatch:
    """Dry-run an uploaded file and keep it, with what the dry run found, as a batch. A file
    that cannot be read at all raises ImportFileError and is not kept."""
    if kind not in ImportKind.values:
        raise ValidationError(f"There is no “{kind}” import.", code="import_kind")
    import_check_size(size=uploaded_file.size)
    uploaded_file.seek(0)
    content = uploaded_file.read()
    report = import_dry_run(
        kind=kind, content=content, by=by, start_factor=_start_factor_finder(kind)
    )
    batch = ImportBatch(
        kind=kind,
        original_name=safe_file_name(uploaded_file.name, "import.csv"),
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=by,
        status=ImportStatus.REJECTED if report.errors else ImportStatus.PREVIEWED,
    )
    _batch_counts(batch, report)
    batch.file.save("import.csv", ContentFile(content), save=False)
    batch.save()
    return batch


def records_import_apply(*, batch: ImportBatch, by: AbstractBaseUser) -> ImportBatch:
    """Apply a previewed batch all or nothing. The file is checked again inside the
    transaction; if anything is now wrong the batch becomes rejected with every error, and
    nothing is written. New learners from a learners file get the starting rating it gives
    (Low when it gives none), as on the Enrol page."""
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.status == ImportStatus.APPLIED:
            when = timezone.localtime(batch.applied_at)
            who = batch.applied_by.get_full_name() or batch.applied_by.username
            raise ImportAlreadyApplied(
                f"This import was already applied on {when:%d %b %Y at %H:%M} by {who}; "
                "it was not applied again.",
                code="import_already_applied",
            )
        if batch.status == ImportStatus.REJECTED:
            raise ValidationError(
                "This file has errors, so nothing from it can be imported. Correct the rows "
                "listed and upload the file again.",
                code="import_has_errors",
            )
        with batch.file.open("rb") as stored:
            content = stored.read()
        if hashlib.sha256(content).hexdigest() != batch.sha256:
            raise ValidationError(
                "The stored copy of this file has changed since it was uploaded; upload it again.",
                code="import_file_changed",
            )
        try:
            with transaction.atomic():
                report = import_write(
                    kind=batch.kind,
                    content=content,
                    by=by,
                    start_factor=_start_factor_finder(batch.kind),
                )
                _enrol_new_learners(batch=batch, report=report, by=by)
        except ImportRejected as exc:
            _batch_counts(batch, exc.report)
            batch.status = ImportStatus.REJECTED
            batch.save()
            return batch
        _batch_counts(batch, report)
        batch.status = ImportStatus.APPLIED
        batch.applied_at = timezone.now()
        batch.applied_by = by
        batch.touched_learner_ids = report.touched_learner_ids
        batch.save()
        # New records evaluate their learners' triggers at once: a task, after the commit.
        triggers_evaluate_after_commit(learner_ids=records_import_touched_learner_ids(batch=batch))
    return batch


def _enrol_new_learners(*, batch: ImportBatch, report: ImportReport, by: AbstractBaseUser) -> None:
    """Policy (At-risk rating): every learner is rated Low at enrolment unless a
    start-of-programme risk factor applies. The file's start_rating columns (checked as the
    Enrol page checks them) give the rating, reason and factors; a row without them starts Low.
    Each goes through the Enrol page's action, so at Medium or High the same case opens."""
    if batch.kind != ImportKind.LEARNERS or not report.new_learner_ids:
        return
    low_reason = f"Rated Low at enrolment (imported from {batch.original_name})."
    factor_ids = {i for start in report.start_ratings.values() for i in start.factor_ids}
    factors = RiskFactor.objects.in_bulk(factor_ids)
    for learner in Learner.objects.filter(pk__in=report.new_learner_ids).order_by("pk"):
        start = report.start_ratings.get(learner.pk, StartRating())
        reason = start.reason or (low_reason if start.level == RiskLevel.LOW else "")
        learner_enrolment_rate(
            learner=learner,
            by=by,
            level=start.level,
            reason=reason,
            start_factors=[factors[i] for i in start.factor_ids],
        )


def records_import_touched_learner_ids(*, batch: ImportBatch) -> list[int]:
    """The learners an applied batch created or changed: the ones triggers should evaluate.
    Empty for a batch not applied, or one whose apply changed nothing."""
    if batch.status != ImportStatus.APPLIED:
        return []
    return list(batch.touched_learner_ids)
