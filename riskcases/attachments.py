"""Checks on uploaded copies of correspondence: type from the content (libmagic), never the
name; a size limit; the name's extension must agree with what the content is."""

import email
import hashlib
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

import magic
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse

# Detected MIME type -> (what users call it, the extensions such a file may carry)
ALLOWED_TYPES: dict[str, tuple[str, frozenset[str]]] = {
    "application/pdf": ("PDF", frozenset({".pdf"})),
    "image/png": ("PNG image", frozenset({".png"})),
    "image/jpeg": ("JPEG image", frozenset({".jpg", ".jpeg"})),
    "message/rfc822": ("e-mail", frozenset({".eml"})),
    "application/vnd.ms-outlook": ("Outlook e-mail", frozenset({".msg"})),
    "application/msword": ("Word document", frozenset({".doc"})),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (
        "Word document",
        frozenset({".docx"}),
    ),
}
ALLOWED_DESCRIPTION = "PDF, PNG or JPEG images, e-mails (.eml, .msg) or Word documents"
SNIFF_BYTES = 8192
# A .docx is a zip: refuse one that would unpack to far more than it weighs (a "zip bomb"),
# before anything (a preview, a virus scanner, a user's Word) tries to.
ARCHIVE_TYPES = frozenset(
    {"application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
)
EXPANDED_MAX_BYTES = 100 * 1024 * 1024
EXPANSION_MAX_RATIO = 100
NAME_MAX_CHARS = 200
RESERVED_IN_NAMES = frozenset('<>:"|?*')  # not allowed in Windows file names


def safe_file_name(raw: str | None, default: str) -> str:
    """The user's file name as we show it and offer it back: no folders (``../``, ``C:\\``),
    no control, right-to-left override or zero-width characters (Unicode category C, which
    can disguise ``exe.pdf`` as ``fdp.exe``), none of ``<>:"|?*``, no leading dots, and at
    most NAME_MAX_CHARS characters with the extension kept. The stored file always has a
    random name."""
    name = PurePath((raw or "").replace("\\", "/")).name
    name = "".join(
        ch for ch in name if unicodedata.category(ch)[0] != "C" and ch not in RESERVED_IN_NAMES
    )
    name = name.strip().lstrip(".")
    if len(name) > NAME_MAX_CHARS:
        suffix = PurePath(name).suffix[:20]
        name = name[: NAME_MAX_CHARS - len(suffix)] + suffix
    return name or default


@dataclass(frozen=True)
class CheckedAttachment:
    upload: UploadedFile
    name: str
    content_type: str
    size: int
    sha256: str


def _looks_like_email(upload: UploadedFile) -> bool:
    upload.seek(0)
    head = upload.read(64 * 1024)
    message = email.message_from_bytes(head)
    return bool(message.get("From")) and bool(message.get("Date") or message.get("Subject"))


def _detect(upload: UploadedFile) -> str:
    upload.seek(0)
    detected = magic.from_buffer(upload.read(SNIFF_BYTES), mime=True)
    # libmagic calls some e-mails plain text (those that start with MIME-Version, say);
    # accept them when they parse as a message with the headers an e-mail has.
    if detected == "text/plain" and _looks_like_email(upload):
        detected = "message/rfc822"
    if detected == "application/CDFV2" and PurePath(upload.name or "").suffix.lower() == ".msg":
        detected = "application/vnd.ms-outlook"
    return detected


def _archive_check(upload: UploadedFile, name: str) -> None:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            expanded = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ValidationError(
            f"{name} is damaged: it cannot be opened as a Word document.",
            code="attachment_damaged",
        ) from None
    if expanded > EXPANDED_MAX_BYTES or expanded > EXPANSION_MAX_RATIO * upload.size:
        raise ValidationError(
            f"{name} unpacks to {expanded / 1_048_576:.0f} MB from {upload.size / 1_048_576:.1f}"
            " MB, which no real document does; it is refused as unsafe.",
            code="attachment_archive",
        )


def attachment_check(upload: UploadedFile) -> CheckedAttachment:
    name = safe_file_name(upload.name, "attachment")
    limit = settings.ATTACHMENT_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            f"{name} is {upload.size / 1_048_576:.1f} MB; the limit is {limit // 1_048_576} MB.",
            code="attachment_too_large",
        )
    if upload.size == 0:
        raise ValidationError(f"{name} is empty.", code="attachment_empty")
    detected = _detect(upload)
    if detected not in ALLOWED_TYPES:
        raise ValidationError(
            f"{name} is not a file type we keep ({detected}). Attach {ALLOWED_DESCRIPTION}.",
            code="attachment_type",
        )
    label, extensions = ALLOWED_TYPES[detected]
    extension = PurePath(name).suffix.lower()
    if extension not in extensions:
        raise ValidationError(
            f"{name} is really a {label}, but its name ends in {extension or 'nothing'}; "
            f"rename it to end in {sorted(extensions)[0]} and attach it again.",
            code="attachment_extension_mismatch",
        )
    if detected in ARCHIVE_TYPES:
        _archive_check(upload, name)
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return CheckedAttachment(upload, name, detected, upload.size, digest.hexdigest())


def download_response(*, file, filename: str, content_type: str) -> FileResponse:
    """A stored upload, always as a download (never rendered inline) and never cached."""
    response = FileResponse(
        file.open("rb"), as_attachment=True, filename=filename, content_type=content_type
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"  # never sniffed into HTML or script
    return response
