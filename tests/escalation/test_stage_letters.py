"""Stage letters on cases: sending stores a "letter" contact entry (the rendered text and a PDF
copy); a stage is notified once its letter is sent or skipped with a reason; people cannot move
a case on before that, the sweep still does; the withdrawal's written confirmation."""

import datetime as dt
import subprocess

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from demo.factories import LearnerFactory, open_case
from escalation.letter_sending import (
    letter_context_for_case,
    letter_send,
    stage_letter_skip,
)
from escalation.models import StageLetter
from escalation.selectors import case_checklist
from escalation.services import IllegalMove, case_advance, case_stage_notified
from escalation.sweeps.overdue import case_advance_if_overdue
from learners.services import LearnerClosedError
from notifications.letter_rendering import letter_render
from notifications.models import EmailDelivery, LetterTemplate
from riskcases.models import ContactLogEntry
from riskcases.services import contact_log
from tests.conftest import ARTIFACTS
from withdrawals.letters import withdrawal_confirmation_send

pytestmark = pytest.mark.usefixtures("monday")  # tests/conftest.py


@pytest.fixture
def case(learner, tutor):
    return case_advance(case=open_case(learner), by=tutor, reason="No reply to calls")


def stage_1_letter() -> LetterTemplate:
    return LetterTemplate.objects.get(policy_key="aspiration", letter_key="stage_1")


def pdf_text(path) -> str:
    return subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


class TestSending:
    def test_it_stores_a_letter_entry_with_the_rendered_text_and_a_pdf_copy(
        self, case, learner, tutor
    ):
        rendered = letter_render(template=stage_1_letter(), context=letter_context_for_case(case))
        entry = letter_send(case=case, template=stage_1_letter(), by=tutor)
        entry = ContactLogEntry.objects.get(pk=entry.pk)
        assert (entry.contact_type, entry.direction, entry.author) == ("letter", "outbound", tutor)
        assert entry.notes == f"{rendered.subject}\n\n{rendered.body_text}"
        assert "within 5 working days, by Monday 30 November 2026" in entry.notes
        attachment = entry.attachments.get()
        assert attachment.content_type == "application/pdf"
        assert attachment.file.name.startswith(f"contact-attachments/{learner.pk}/")
        data = attachment.file.read()
        assert data.startswith(b"%PDF") and attachment.size == len(data)
        assert attachment.original_name.endswith("-2026-11-23.pdf")
        path = attachment.file.path
        assert learner.full_name in pdf_text(path)
        out = ARTIFACTS / "letters"
        out.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["pdftoppm", "-png", "-r", "70", "-singlefile", path, str(out / "stage-1-sent")],
            check=True,
        )
        letter = StageLetter.objects.get(case=case)
        assert (letter.stage_key, letter.contact_entry, letter.by) == ("stage_1", entry, tutor)
        assert case_stage_notified(case)
        # The stage's checklist ticks the letter off from the contact log.
        assert case_checklist(case=case)[0].complete

    def test_it_goes_to_the_employer_too_when_the_template_says_so(self, case, tutor):
        entry = letter_send(case=case, template=stage_1_letter(), by=tutor)
        assert entry.contact_with == "both"
        assert "Copy: " + case.learner.employer.name in pdf_text(entry.attachments.get().file.path)

    def test_it_is_e_mailed_with_its_pdf_to_the_learner_and_the_mentor_after_commit(
        self, case, tutor, django_capture_on_commit_callbacks
    ):
        learner = case.learner
        with django_capture_on_commit_callbacks() as callbacks:
            letter_send(case=case, template=stage_1_letter(), by=tutor)
        deliveries = EmailDelivery.objects.order_by("to_address")
        assert sorted(d.to_address for d in deliveries) == sorted(
            [learner.email, learner.employer.mentor_email]
        )
        for delivery in deliveries:
            assert learner.first_name in delivery.body
            assert delivery.attachments.get().content[:4] == b"%PDF"
        assert len(callbacks) == 2  # the sends wait for the commit

    def test_a_rolled_back_letter_e_mails_nobody(self, case, tutor, monkeypatch):
        import escalation.letter_sending as letters

        def broken(**kwargs):
            raise ValidationError("StageLetter could not be stored")

        monkeypatch.setattr(letters, "_record_stage_letter", broken, raising=False)
        with pytest.raises(ValidationError), transaction.atomic():
            letter_send(case=case, template=stage_1_letter(), by=tutor)
            raise ValidationError("something later in the request failed")
        assert not EmailDelivery.objects.exists()
        assert not ContactLogEntry.objects.filter(contact_type="letter").exists()

    def test_learner_only_when_the_template_says_so_or_there_is_no_employer(
        self, case, tutor, team
    ):
        template = stage_1_letter()
        template.send_to_employer = False
        template.save()
        assert letter_send(case=case, template=template, by=tutor).contact_with == "learner"
        trainee = LearnerFactory(tutor=tutor, team=team, programme_type="traineeship")
        other = case_advance(case=open_case(trainee), by=tutor, reason="r")
        template.send_to_employer = True
        template.save()
        assert letter_send(case=other, template=template, by=tutor).contact_with == "learner"

    def test_a_stage_letter_is_stored_once(self, case, tutor):
        letter_send(case=case, template=stage_1_letter(), by=tutor)
        with pytest.raises(IllegalMove, match="already recorded"):
            letter_send(case=case, template=stage_1_letter(), by=tutor)
        with pytest.raises(IllegalMove, match="already recorded"):
            stage_letter_skip(case=case, by=tutor, reason="x")
        assert ContactLogEntry.objects.filter(contact_type="letter").count() == 1

    def test_another_stages_letter_is_refused(self, case, tutor):
        stage_2 = LetterTemplate.objects.get(policy_key="aspiration", letter_key="stage_2")
        with pytest.raises(IllegalMove, match="not this stage's letter"):
            letter_send(case=case, template=stage_2, by=tutor)
        assert not ContactLogEntry.objects.filter(contact_type="letter").exists()


class TestNotified:
    def test_a_skipped_letter_needs_a_reason(self, case, tutor):
        assert not case_stage_notified(case)
        with pytest.raises(ValidationError):
            stage_letter_skip(case=case, by=tutor, reason="  ")
        assert not case_stage_notified(case)
        stage_letter_skip(case=case, by=tutor, reason="Told at the three-way meeting")
        assert case_stage_notified(case)
        letter = StageLetter.objects.get(case=case)
        assert letter.contact_entry is None and letter.skipped_reason.startswith("Told")

    def test_advancing_by_a_person_is_refused_until_notified(self, case, tutor):
        with pytest.raises(IllegalMove, match="Stage 1 has not been notified"):
            case_advance(case=case, by=tutor, reason="No reply")
        letter_send(case=case, template=stage_1_letter(), by=tutor)
        assert case_advance(case=case, by=tutor, reason="No reply").stage == "stage_2"
        # Stage 2 starts un-notified: its own letter is due.
        case.refresh_from_db()
        assert not case_stage_notified(case)

    def test_the_sweep_still_advances_an_overdue_case(self, case):
        assert not case_stage_notified(case)
        assert case_advance_if_overdue(case_id=case.pk, today=dt.date(2026, 12, 1))
        case.refresh_from_db()
        assert case.stage == "stage_2"

    def test_a_stage_without_a_letter_needs_nothing(self, learner, tutor):
        first = open_case(learner)
        assert case_stage_notified(first)
        with pytest.raises(IllegalMove, match="no stage letter"):
            stage_letter_skip(case=first, by=tutor, reason="x")


class TestPages:
    def test_the_case_page_shows_the_card_and_the_preview_sends(self, client, case, tutor):
        client.force_login(tutor)
        page = client.get(reverse("case_detail", args=[case.pk])).content.decode()
        assert "Stage letter" in page and "Not yet notified" in page
        preview = client.get(reverse("case_letter", args=[case.pk]))
        html = preview.content.decode()
        assert preview.status_code == 200 and case.learner.full_name in html
        assert "by Monday 30 November 2026" in html and "Send and store in the contact log" in html
        # It says where it will be e-mailed (the learner and the workplace mentor).
        assert f"e-mailed, with the PDF, to {case.learner.email}" in html
        assert "<p>Dear " in html and "&lt;p&gt;" not in html
        response = client.post(
            reverse("case_letter", args=[case.pk]), {"expected_stage": "stage_1"}
        )
        assert response.status_code == 302
        assert StageLetter.objects.get(case=case).contact_entry.contact_type == "letter"
        page = client.get(reverse("case_detail", args=[case.pk])).content.decode()
        assert "Notified" in page and "Open the PDF copy" in page
        entry = StageLetter.objects.get(case=case).contact_entry
        pdf = client.get(
            reverse("attachment_download", args=[case.learner.pk, entry.attachments.get().pk])
        )
        assert b"".join(pdf.streaming_content).startswith(b"%PDF")

    def test_advancing_on_the_page_before_notifying_is_refused_with_a_message(
        self, client, case, tutor
    ):
        client.force_login(tutor)
        url = reverse("case_move", args=[case.pk, "advance"])
        response = client.post(
            url, {"reason": "No reply", "expected_stage": "stage_1"}, follow=True
        )
        assert "has not been notified" in response.content.decode()
        case.refresh_from_db()
        assert case.stage == "stage_1"

    def test_skipping_without_a_reason_is_a_form_error(self, client, case, tutor):
        client.force_login(tutor)
        url = reverse("case_letter_skip", args=[case.pk])
        response = client.post(url, {"reason": "", "expected_stage": "stage_1"})
        assert response.status_code == 200
        assert "This field is required" in response.content.decode()
        assert not StageLetter.objects.exists()
        response = client.post(url, {"reason": "Told in person", "expected_stage": "stage_1"})
        assert response.status_code == 302 and case_stage_notified(case)

    def test_bad_input_is_refused_without_a_500(self, client, case, tutor):
        client.force_login(tutor)
        url = reverse("case_letter", args=[case.pk])
        response = client.post(url, {}, follow=True)
        assert response.status_code == 200 and "moved on" in response.content.decode()
        response = client.post(url, {"expected_stage": "stage_2"}, follow=True)
        assert "moved on" in response.content.decode()
        skip = reverse("case_letter_skip", args=[case.pk])
        response = client.post(skip, {"reason": "x" * 20_000, "expected_stage": "stage_1"})
        assert response.status_code == 200 and not StageLetter.objects.exists()
        # A stage with no letter: the preview sends the user back with a message.
        first = open_case(LearnerFactory(tutor=tutor, team=case.learner.team))
        response = client.get(reverse("case_letter", args=[first.pk]), follow=True)
        assert "has no active stage letter" in response.content.decode()

    def test_quality_reads_the_preview_but_cannot_send_or_skip(self, client, case, user_with_role):
        client.force_login(user_with_role("quality"))
        html = client.get(reverse("case_letter", args=[case.pk])).content.decode()
        assert "can read the letter but not send it" in html
        assert "Send and store" not in html
        url = reverse("case_letter", args=[case.pk])
        assert client.post(url, {"expected_stage": "stage_1"}).status_code == 403
        skip = reverse("case_letter_skip", args=[case.pk])
        assert client.post(skip, {"reason": "r", "expected_stage": "stage_1"}).status_code == 403
        assert not StageLetter.objects.exists()

    def test_a_director_may_send_and_other_tutors_get_404(
        self, client, case, user_with_role, colleague
    ):
        client.force_login(colleague)
        url = reverse("case_letter", args=[case.pk])
        assert client.get(url).status_code == 404
        client.force_login(user_with_role("director"))
        assert client.post(url, {"expected_stage": "stage_1"}).status_code == 302
        assert StageLetter.objects.filter(case=case).exists()


class TestWithdrawalConfirmation:
    def test_the_letter_is_stored_for_the_withdrawn_learner_and_confirmation_recorded(
        self, client, withdrawn, manager
    ):
        client.force_login(manager)
        page = client.get(reverse("withdrawal_detail", args=[withdrawn.pk])).content.decode()
        assert "Send the written confirmation" in page
        url = reverse("withdrawal_confirmation_letter", args=[withdrawn.pk])
        response = client.post(url, follow=True)
        assert "recorded as sent today" in response.content.decode()
        withdrawn.refresh_from_db()
        assert withdrawn.confirmation_sent_on == dt.date(2026, 11, 23)
        assert withdrawn.events.filter(kind="confirmation_sent").exists()
        entry = ContactLogEntry.objects.get(learner=withdrawn.learner, contact_type="letter")
        assert entry.contact_with == "both" and entry.author == manager
        assert "44 Other personal reasons" in entry.notes
        assert "Friday 30 October 2026" in entry.notes  # the last day of learning
        assert withdrawn.learner.full_name in pdf_text(entry.attachments.get().file.path)
        # Once only: a second press changes nothing.
        client.post(url)
        assert ContactLogEntry.objects.filter(contact_type="letter").count() == 1

    def test_the_allowance_for_withdrawn_learners_is_for_letters_only(self, withdrawn, manager):
        with pytest.raises(LearnerClosedError):
            contact_log(
                learner=withdrawn.learner,
                author=manager,
                occurred_at=timezone.now(),
                contact_type="phone",
            )
        with pytest.raises(ValueError):
            contact_log(
                learner=withdrawn.learner,
                author=manager,
                occurred_at=timezone.now(),
                contact_type="phone",
                closed_learner_letter=True,
            )

    def test_a_failed_letter_records_no_confirmation(self, withdrawn, manager, monkeypatch):
        import escalation.letter_sending

        def broken(*args, **kwargs):
            raise RuntimeError("PDF failed")

        monkeypatch.setattr(escalation.letter_sending, "letter_pdf", broken)
        with pytest.raises(RuntimeError):
            withdrawal_confirmation_send(request=withdrawn, by=manager)
        withdrawn.refresh_from_db()
        assert withdrawn.confirmation_sent_on is None
        assert not ContactLogEntry.objects.filter(contact_type="letter").exists()

    def test_quality_cannot_send_it(self, client, withdrawn, user_with_role):
        client.force_login(user_with_role("quality"))
        url = reverse("withdrawal_confirmation_letter", args=[withdrawn.pk])
        assert client.post(url).status_code == 403
