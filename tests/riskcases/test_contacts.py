import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from demo.factories import ContactLogEntryFactory, LearnerFactory
from riskcases.models import ContactAttachment, ContactLogEntry
from riskcases.services import contact_log
from tests import samples


def form_data(client, learner, **overrides) -> dict:
    form = client.get(reverse("contact_create", args=[learner.pk])).context["form"]
    data = {
        "submission_token": form.initial["submission_token"],
        "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "contact_type": "phone",
        "contact_with": "learner",
        "direction": "outbound",
        "outcome": "no_response",
        "notes": "Rang twice, no answer; voicemail full.",
    }
    data.update(overrides)
    return data


def post_contact(client, learner, **overrides):
    return client.post(
        reverse("contact_create", args=[learner.pk]), form_data(client, learner, **overrides)
    )


class TestLoggingAContact:
    def test_a_tutor_logs_a_phone_call_with_no_response(self, client, tutor, learner):
        client.force_login(tutor)
        response = post_contact(client, learner)
        assert response.status_code == 302
        entry = learner.contacts.get()
        assert (entry.contact_type, entry.outcome, entry.author) == ("phone", "no_response", tutor)
        page = client.get(reverse("learner_detail", args=[learner.pk])).content.decode()
        assert "Rang twice, no answer" in page and "No response" in page

    def test_a_double_submit_stores_one_entry(self, client, tutor, learner):
        client.force_login(tutor)
        data = form_data(client, learner)
        url = reverse("contact_create", args=[learner.pk])
        client.post(url, data)
        client.post(url, data)
        assert learner.contacts.count() == 1

    def test_bad_input_gets_field_errors_and_keeps_what_was_typed(self, client, tutor, learner):
        client.force_login(tutor)
        future = (timezone.localtime() + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
        response = post_contact(
            client,
            learner,
            occurred_at=future,
            contact_type="carrier-pigeon",
            notes="Keep this text",
        )
        assert response.status_code == 200
        page = response.content.decode()
        assert "A contact cannot be logged in the future." in page
        assert "Select a valid choice" in page
        assert "Keep this text" in page
        assert not learner.contacts.exists()

    def test_an_employer_contact_needs_an_employer(self, tutor, team):
        from django.core.exceptions import ValidationError

        learner = LearnerFactory(tutor=tutor, team=team, programme_type="short_course")
        with pytest.raises(ValidationError):
            contact_log(
                learner=learner,
                author=tutor,
                occurred_at=timezone.now(),
                contact_type="phone",
                contact_with="employer",
            )

    def test_rule_archived_learners_take_no_new_contacts(self, client, tutor, learner):
        learner.archived = True
        learner.save()
        client.force_login(tutor)
        response = client.post(
            reverse("contact_create", args=[learner.pk]), {"contact_type": "phone"}, follow=True
        )
        assert response.status_code == 200
        assert "takes no new entries" in response.content.decode()
        assert not learner.contacts.exists()

    def test_a_tutor_cannot_read_or_post_to_another_tutors_learner(
        self, client, tutor, colleague, team
    ):
        other = LearnerFactory(tutor=colleague, team=team)
        client.force_login(tutor)
        assert client.get(reverse("contact_create", args=[other.pk])).status_code == 404
        response = client.post(
            reverse("contact_create", args=[other.pk]),
            {"contact_type": "phone", "occurred_at": "2026-11-20T10:00"},
        )
        assert response.status_code == 404
        assert not other.contacts.exists()


@pytest.fixture
def confidential_entry(learner, tutor, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    client_upload = samples.upload("disclosure.pdf", samples.PDF)
    from riskcases.attachments import attachment_check

    return contact_log(
        learner=learner,
        author=tutor,
        occurred_at=timezone.now(),
        contact_type="meeting",
        notes="Learner disclosed something serious at home.",
        confidential=True,
        attachments=[attachment_check(client_upload)],
    )


class TestConfidentialEntries:
    def page(self, client, user, learner) -> str:
        client.force_login(user)
        return client.get(reverse("learner_detail", args=[learner.pk])).content.decode()

    @pytest.mark.parametrize("who", ["tutor", "manager"])
    def test_rule_confidential_entries_are_hidden_from_tutors_and_managers(
        self, request, client, learner, confidential_entry, who
    ):
        page = self.page(client, request.getfixturevalue(who), learner)
        assert "disclosed something serious" not in page
        assert "disclosure.pdf" not in page
        assert "A confidential safeguarding entry recorded by Olive Owner" in page

    def test_rule_confidential_entries_are_shown_to_safeguarding(
        self, client, learner, confidential_entry, user_with_role
    ):
        page = self.page(client, user_with_role("safeguarding"), learner)
        assert "disclosed something serious" in page
        assert "disclosure.pdf" in page

    def test_rule_confidential_attachments_download_only_for_safeguarding(
        self, client, learner, confidential_entry, tutor, user_with_role
    ):
        attachment = confidential_entry.attachments.get()
        url = reverse("attachment_download", args=[learner.pk, attachment.pk])
        client.force_login(tutor)
        assert client.get(url).status_code == 404
        client.force_login(user_with_role("safeguarding"))
        response = client.get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == samples.PDF
        assert response["Content-Type"] == "application/pdf"
        assert "attachment" in response["Content-Disposition"]

    def test_confidential_factors_stay_hidden_too(self, client, learner, tutor, user_with_role):
        from riskcases.models import RiskFactor

        entry = ContactLogEntryFactory(learner=learner, confidential=True)
        entry.risk_factors.set([RiskFactor.objects.get(code="safeguarding-referral")])
        assert "Referral to the safeguarding team" not in self.page(client, tutor, learner)
        assert "Referral to the safeguarding team" in self.page(
            client, user_with_role("safeguarding"), learner
        )


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


class TestAttachments:
    @pytest.mark.parametrize(
        ("name", "content"),
        [
            ("letter.pdf", samples.PDF),
            ("photo.png", samples.PNG),
            ("reply.eml", samples.EML),
            ("plan.docx", samples.docx_bytes()),
        ],
    )
    def test_it_keeps_copies_of_correspondence(self, client, tutor, learner, media, name, content):
        client.force_login(tutor)
        response = post_contact(client, learner, attachments=[samples.upload(name, content)])
        assert response.status_code == 302, response.content.decode()[:2000]
        attachment = ContactAttachment.objects.get()
        assert attachment.original_name == name
        stored = Path(attachment.file.path)
        assert stored.read_bytes() == content
        # Stored under a random name outside the static files, never under the upload's name.
        assert name not in stored.name
        assert not str(stored).startswith(str(settings.STATIC_ROOT))
        url = reverse("attachment_download", args=[learner.pk, attachment.pk])
        download = client.get(url)
        assert b"".join(download.streaming_content) == content

    @pytest.mark.parametrize(
        ("name", "content", "message"),
        [
            ("invoice.pdf", samples.EXE, "not a file type we keep (application/x-dosexec)"),
            ("letter.pdf", samples.HTML, "not a file type we keep (text/html)"),
            ("logo.png", samples.SVG, "not a file type we keep (image/svg+xml)"),
            ("letter.docx", samples.PDF, "is really a PDF, but its name ends in .docx"),
        ],
    )
    def test_rule_a_wrong_type_disguised_by_its_extension_is_refused(
        self, client, tutor, learner, media, name, content, message
    ):
        client.force_login(tutor)
        response = post_contact(client, learner, attachments=[samples.upload(name, content)])
        assert response.status_code == 200
        assert message in response.content.decode()
        assert not ContactLogEntry.objects.exists()

    @override_settings(ATTACHMENT_MAX_BYTES=1024 * 1024)
    def test_rule_an_oversize_attachment_is_refused(self, client, tutor, learner, media):
        client.force_login(tutor)
        big = samples.PDF + b"0" * (1024 * 1024)
        response = post_contact(client, learner, attachments=[samples.upload("big.pdf", big)])
        assert response.status_code == 200
        assert "the limit is 1 MB" in response.content.decode()
        assert not ContactLogEntry.objects.exists()

    def test_another_tutor_cannot_download_it(self, client, tutor, colleague, learner, media):
        client.force_login(tutor)
        post_contact(client, learner, attachments=[samples.upload("a.pdf", samples.PDF)])
        attachment = ContactAttachment.objects.get()
        client.force_login(colleague)
        url = reverse("attachment_download", args=[learner.pk, attachment.pk])
        assert client.get(url).status_code == 404

    def test_there_is_no_public_url_for_uploads(self, client, tutor, learner, media):
        client.force_login(tutor)
        post_contact(client, learner, attachments=[samples.upload("a.pdf", samples.PDF)])
        attachment = ContactAttachment.objects.get()
        assert client.get("/media/" + attachment.file.name).status_code == 404
