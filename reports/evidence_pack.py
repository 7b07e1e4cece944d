"""The per-learner evidence pack: the learner's full chronology as an A4 PDF, recorded in the
EvidencePackExport audit before the file is built (its checksum and page count once it is)."""

import hashlib
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.template.loader import render_to_string
from django.utils import timezone

from learners.models import Learner
from learners.record_kinds import EVIDENCE_SECTIONS
from reports.evidence import learner_evidence, person
from reports.evidence_rows import Evidence
from reports.models import EvidencePackExport

MARKING = "CONFIDENTIAL: learner personal data"
MARKING_SAFEGUARDING = "CONFIDENTIAL: includes safeguarding information, safeguarding team only"


@dataclass(frozen=True)
class EvidencePack:
    export: EvidencePackExport
    pdf: bytes

    @property
    def filename(self) -> str:
        # The ULN is ten validated digits: nothing in the name needs quoting or escaping.
        stamp = timezone.localtime(self.export.generated_at)
        return f"evidence-pack-{self.export.learner.uln}-{stamp:%Y%m%d-%H%M}.pdf"


@dataclass(frozen=True)
class PackSection:
    title: str
    rows: list
    template: str  # the section's body (reports/evidence/_<key>.html)


def pack_sections(evidence: Evidence) -> list[PackSection]:
    """The numbered sections, in the order and with the titles learners/record_kinds.py gives;
    each record kind there names the section holding it."""
    return [
        PackSection(s.title, getattr(evidence, s.key), f"reports/evidence/_{s.key}.html")
        for s in EVIDENCE_SECTIONS
    ]


def evidence_pack_html(*, evidence: Evidence, export: EvidencePackExport) -> str:
    marking = MARKING_SAFEGUARDING if evidence.includes_confidential else MARKING
    user = export.generated_by
    return render_to_string(
        "reports/evidence_pack.html",
        {
            "evidence": evidence,
            "sections": pack_sections(evidence),
            "learner": evidence.learner,
            "export": export,
            "generated_by": f"{person(user)} ({user.get_username()})",
            "marking": marking,
        },
    )


def evidence_pack_generate(*, learner: Learner, user: AbstractBaseUser) -> EvidencePack:
    """Read the learner's record as ``user`` may see it, record the generation, and build the
    PDF. The caller has checked that the user may see the learner (learners.access)."""
    from weasyprint import HTML  # imported here: WeasyPrint is slow to import

    evidence = learner_evidence(learner=learner, user=user)
    export = EvidencePackExport.objects.create(
        learner=learner,
        generated_by=user,
        generated_at=timezone.now(),
        included_confidential=evidence.includes_confidential,
    )
    document = HTML(string=evidence_pack_html(evidence=evidence, export=export)).render()
    pdf = document.write_pdf()
    export.sha256 = hashlib.sha256(pdf).hexdigest()
    export.page_count = len(document.pages)
    export.size = len(pdf)
    export.save(update_fields=["sha256", "page_count", "size"])
    return EvidencePack(export=export, pdf=pdf)
