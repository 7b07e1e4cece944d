"""The subject access export of one learner: a zip with a readable index (index.html), one JSON
and one CSV file per kind of record, and the attachments (contact-log files, letter PDFs, the
employer's agreement, e-mailed files). Recorded in SubjectAccessExport before it is built, with
its SHA-256, size and counts once it is.

Memory stays bounded: the zip is written to an anonymous temporary file on disk, rows are read
with ``iterator()`` and written as they come, the index's tables go to a second temporary file
until the contents (with counts) can head them, and files are copied in 1 MB chunks."""

import csv
import datetime as dt
import hashlib
import json
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from typing import IO, Any

from django.contrib.auth.models import AbstractBaseUser
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import escape

from dataprotection import sar_activity as activity
from dataprotection import sar_cases as cases
from dataprotection import sar_records as records
from dataprotection.models import SubjectAccessExport
from dataprotection.sar_records import Scope
from learners.models import Learner
from learners.record_kinds import subject_access_kinds

COPY_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    rows: Any  # Callable[[Scope], Iterator[dict]]


# Each section's rows, by record kind (learners/record_kinds.py gives the sections, their
# titles and their order).
ROWS = {
    "personal_details": records.personal_details,
    "ratings": records.ratings,
    "contacts": records.contacts,
    "contact_attachments": records.contact_attachments,
    "support": records.support,
    "agreed_actions": records.actions,
    "cases": cases.cases,
    "stage_changes": cases.stage_changes,
    "recommendations": cases.recommendations,
    "case_tasks": cases.case_tasks,
    "stage_reviews": cases.stage_reviews,
    "risk_notifications": cases.risk_notifications,
    "letters": cases.letters,
    "withdrawals": cases.withdrawals,
    "withdrawal_events": cases.withdrawal_events,
    "employer_agreements": cases.employer_agreements,
    "exit_reviews": cases.exit_reviews,
    "appeals": cases.appeals,
    **{key: activity.record_rows(key)[1] for key in activity.RECORD_COLUMNS_OWN},
    "notifications": activity.notifications,
    "emails": activity.emails,
    "imports": activity.imports,
    "earlier_exports": activity.earlier_exports,
}

# A kind declared for the export with no rows here fails at import, not in a learner's zip.
SECTIONS: tuple[Section, ...] = tuple(
    Section(kind.key, kind.label, ROWS[kind.key]) for kind in subject_access_kinds()
)


@dataclass
class ExportFile:
    export: SubjectAccessExport
    file: IO[bytes]  # the zip, positioned at its start; closing it deletes it

    @property
    def filename(self) -> str:
        stamp = timezone.localtime(self.export.generated_at)
        return f"subject-access-{self.export.learner.uln}-{stamp:%Y%m%d-%H%M}.zip"


def _plain(value: Any) -> Any:
    """A value as JSON holds it: dates in ISO 8601 (local time with its offset)."""
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _text(value: Any) -> str:
    value = _plain(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _write_section(zf: zipfile.ZipFile, html: IO[str], section: Section, scope: Scope) -> int:
    """One pass over the section's rows: JSON straight into the zip, CSV and the index's table
    into temporary files (a zip takes one entry at a time), copied in once the JSON is done."""
    count = 0
    with (
        tempfile.TemporaryFile("w+", encoding="utf-8", newline="") as csv_file,
        tempfile.TemporaryFile("w+", encoding="utf-8") as rows_html,
    ):
        writer = csv.writer(csv_file)
        with zf.open(f"json/{section.key}.json", "w") as raw:
            raw.write(b"[")
            for row in section.rows(scope):
                if count == 0:
                    writer.writerow(row.keys())
                    heads = "".join(f'<th scope="col">{escape(k)}</th>' for k in row)
                    rows_html.write(f"<table><thead><tr>{heads}</tr></thead><tbody>")
                raw.write(b",\n" if count else b"\n")
                plain = {k: _plain(v) for k, v in row.items()}
                raw.write(json.dumps(plain, ensure_ascii=False).encode())
                texts = [_text(v) for v in row.values()]
                writer.writerow(texts)
                rows_html.write("<tr>" + "".join(f"<td>{escape(t)}</td>" for t in texts) + "</tr>")
                count += 1
            raw.write(b"\n]\n")
        csv_file.seek(0)
        with zf.open(f"csv/{section.key}.csv", "w") as out:
            for chunk in iter(lambda: csv_file.read(COPY_CHUNK), ""):
                out.write(chunk.encode())
        html.write(f'<section id="{section.key}"><h2>{escape(section.title)} ({count})</h2>')
        if count:
            rows_html.write("</tbody></table>")
            rows_html.seek(0)
            html.write(
                f'<div class="t" tabindex="0" role="region" aria-label="{escape(section.title)}">'
            )
            shutil.copyfileobj(rows_html, html)
            html.write("</div>")
        else:
            html.write("<p>None held.</p>")
        html.write("</section>\n")
    return count


def _copy_files(zf: zipfile.ZipFile, scope: Scope) -> list[str]:
    """Copy every named file in; returns the paths whose file could not be found."""
    missing = []
    for ref in scope.files:
        try:
            source = ref.open()
        except FileNotFoundError:
            missing.append(ref.zip_path)
            continue
        with source, zf.open(ref.zip_path, "w") as target:
            shutil.copyfileobj(source, target, COPY_CHUNK)
    return missing


def subject_access_export(
    *,
    learner: Learner,
    user: AbstractBaseUser,
    include_confidential: bool = True,
    withheld_reason: str = "",
) -> ExportFile:
    """Build the export of everything held about ``learner``. The caller has checked that
    ``user`` may run it (web.subject_access). Confidential safeguarding entries are included
    unless the user withheld them, with the exemption relied on as ``withheld_reason``."""
    started = timezone.now()
    export = SubjectAccessExport.objects.create(
        learner=learner,
        generated_by=user,
        generated_at=started,
        included_confidential=include_confidential,
        withheld_reason="" if include_confidential else withheld_reason,
    )
    note = "" if include_confidential else f"Withheld under an exemption: {withheld_reason}"
    scope = Scope(learner=learner, include_confidential=include_confidential, withheld_note=note)
    # Not a context manager: the file is handed to the response, which closes (and so
    # deletes) it once sent.
    archive = tempfile.TemporaryFile()  # noqa: SIM115
    counts = []
    with (
        zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf,
        tempfile.TemporaryFile("w+", encoding="utf-8") as body,
    ):
        for section in SECTIONS:
            counts.append((section, _write_section(zf, body, section, scope)))
        missing = _copy_files(zf, scope)
        head = render_to_string(
            "dataprotection/sar_index_head.html",
            {
                "learner": learner,
                "export": export,
                "generated_by": records.person(user),
                "counts": counts,
                "file_count": len(scope.files) - len(missing),
                "missing": missing,
            },
        )
        body.seek(0)
        with zf.open("index.html", "w") as index:
            index.write(head.encode())
            for chunk in iter(lambda: body.read(COPY_CHUNK), ""):
                index.write(chunk.encode())
            index.write(b"</main></body></html>\n")
    digest = hashlib.sha256()
    archive.seek(0)
    for chunk in iter(lambda: archive.read(COPY_CHUNK), b""):
        digest.update(chunk)
    export.sha256 = digest.hexdigest()
    export.size = archive.tell()
    export.record_count = sum(n for _, n in counts)
    export.file_count = len(scope.files) - len(missing)
    export.finished_at = timezone.now()
    export.save(update_fields=["sha256", "size", "record_count", "file_count", "finished_at"])
    archive.seek(0)
    return ExportFile(export=export, file=archive)
