"""Hostile values, by the kind of field they are aimed at, and hostile files built in memory.

Every text payload is also sent to every field of every kind (a date field gets a script tag
too); the kind-specific lists add what only makes sense there (impossible dates, huge numbers).
"""

import io
import struct
import zipfile

SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE_BREAK = '"><img src=x onerror=alert(1)>'
# What must never come back unescaped in any response body.
ECHO_MARKERS = (SCRIPT, "<img src=x onerror=alert(1)>")

TEXT = {
    "oversize": "A" * 100_000,
    "nul": "before\x00after",
    "control": "bell\x07vertical\x0bescape\x1b[31m",
    "rtl_override": "invoice\u202egnp.exe",
    "bidi_isolate": "\u2067\u05e9\u05dc\u05d5\u05dd\u2069 name",
    "zero_width": "zero\u200bwidth\u200d\ufeffjoiner",
    "script": SCRIPT,
    "attribute_break": ATTRIBUTE_BREAK,
    "replacement_char": "bad \ufffd utf-8",
    "crlf": "/x\r\nSet-Cookie: hijack=1",
}
# What a field that is not free text (a date, a number, a choice) gets besides its own list.
TEXT_CORE = {k: TEXT[k] for k in ("oversize", "nul", "control", "script", "attribute_break")}
DATES = {
    "feb_30": "2026-02-30",
    "year_zero": "0000-01-01",
    "year_one": "0001-01-01",
    "year_9999": "9999-12-31",
    "five_digit_year": "99999-12-31",
    "word": "yesterday",
}
DATETIMES = {
    "feb_30": "2026-02-30T10:00",
    "year_one": "0001-01-01T00:00",
    "year_9999": "9999-12-31T23:59",
    "word": "yesterday",
}
NUMBERS = {
    "negative": "-1",
    "huge": "9" * 30,
    "int64_overflow": "9223372036854775808",
    "float": "1e309",
    "nan": "NaN",
}
# A multiple choice also gets a number past any primary key and more ticks than any catalogue:
# 900 reach the form (its error), 5,000 go past Django's 1,000 fields (a 400 before any form).
MULTI = {
    **NUMBERS,
    "past_bigint": "99999999999999999999999",
    "nine_hundred": [str(n) for n in range(1, 901)],
    "five_thousand": [str(n) for n in range(1, 5001)],
}
# A file field gets its row's valid file under names no person picks (hostile contents are
# tried in test_hostile_uploads.py).
FILE_NAMES = {
    "long_name": "x" * 5000 + ".pdf",
    "reserved_con": "CON.pdf",
    "reserved_nul": "nul.pdf",
    "reserved_com1": "COM1",
    "trailing_dots": "report.pdf...",
    "trailing_space": "report.pdf ",
    "only_extension": ".pdf",
    "rtl_name": "evil\u202efdp.pdf",
    "nul_name": "a\x00b.pdf",
    "control_name": "bell\x07.pdf",
    "script_name": f"{SCRIPT}.pdf",
}
KIND_PAYLOADS = {
    "text": {},
    "date": DATES,
    "datetime": DATETIMES,
    "number": NUMBERS,
    "choice": NUMBERS,  # choices and model choices (primary keys)
    "multi": MULTI,
    "uuid": NUMBERS,
    "bool": {},
    "file": FILE_NAMES,
}


def payloads_for(kind: str) -> dict:
    if kind == "file":
        return FILE_NAMES
    return (TEXT if kind == "text" else TEXT_CORE) | KIND_PAYLOADS[kind]


# Raw bytes that are not UTF-8: a lone continuation byte, an overlong "/" and a truncated
# sequence.
BAD_UTF8 = b"\xff\xfe\xc0\xaf\xe2\x82"

# --- files -------------------------------------------------------------------------------------

ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + b"\x00" * 200
PE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 100 + b"PE\x00\x00"
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
PDF = b"%PDF-1.4\n1 0 obj<< /Type /Catalog >>endobj\ntrailer<< /Root 1 0 R >>\n%%EOF\n"


def zip_bomb_docx(expanded_mb: int = 512) -> bytes:
    """A .docx (libmagic calls it Word) whose one big part expands to ``expanded_mb`` MB of
    zeros from well under a megabyte: a reader that unpacks it runs out of memory."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/'
            '2006/content-types"></Types>',
        )
        archive.writestr("_rels/.rels", "<Relationships/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            block = b"\x00" * (1 << 20)
            for _ in range(expanded_mb):
                part.write(block)
    return buf.getvalue()


def csv_with(value: str) -> bytes:
    """An attendance CSV whose session title carries ``value``."""
    return (
        "uln,date,session,attendance\r\n" + f"1234567890,2026-10-01,{value},attended\r\n"
    ).encode("utf-8", "surrogatepass")


PNG_HEADER = b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR"

# name -> (file name, content, expected: "refused" or "stored")
HOSTILE_UPLOADS = {
    "elf_named_pdf": ("report.pdf", ELF, "refused"),
    "pe_named_pdf": ("report.pdf", PE, "refused"),
    "html": ("letter.html", HTML, "refused"),
    "html_named_pdf": ("letter.pdf", HTML, "refused"),
    "svg": ("logo.svg", SVG, "refused"),
    "svg_named_png": ("logo.png", SVG, "refused"),
    "zip_bomb_docx": ("notes.docx", None, "refused"),  # built per test: it is large-ish
    "rtl_exe": ("invoice\u202efdp.exe", PE, "refused"),
    "dot_dot_pdf": ("../../etc/passwd.pdf", PDF, "stored"),
    "backslash_pdf": ("..\\..\\windows\\win.pdf", PDF, "stored"),
    "etc_passwd": ("../../etc/passwd", PDF, "refused"),
    "long_name_pdf": ("x" * 5000 + ".pdf", PDF, "stored"),
    "rtl_name_pdf": ("evil\u202efdp.pdf", PDF, "stored"),
    "nul_name_pdf": ("a\x00b.pdf", PDF, "stored"),
    "script_name_pdf": (f"{SCRIPT}.pdf", PDF, "stored"),
}
