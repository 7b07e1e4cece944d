"""Access events: a confidential entry shown, an attachment or a report downloaded."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent, Operation
from tests.riskcases import test_contacts

pytestmark = pytest.mark.django_db
confidential_entry = test_contacts.confidential_entry  # the contact tests' fixture


def accesses(**filters) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(operation__in=[Operation.VIEW, Operation.DOWNLOAD], **filters)
    )


def test_it_records_safeguarding_reading_a_confidential_entry(
    client,
    learner,
    confidential_entry,
    tutor,
    user_with_role,
):
    client.force_login(tutor)  # the author sees that it exists, not what it says: no event
    client.get(reverse("learner_detail", args=[learner.pk]))
    assert accesses() == []
    lead = user_with_role("safeguarding", username="sam.safeguarding")
    client.force_login(lead)
    page = client.get(reverse("learner_detail", args=[learner.pk])).content.decode()
    assert "disclosed something serious" in page
    (event,) = accesses()
    assert (event.operation, event.actor_id, event.actor_label) == ("view", lead.pk, lead.username)
    assert (event.table_name, event.row_id) == ("riskcases_contactlogentry", confidential_entry.pk)
    assert event.learner_id == learner.pk and event.at is not None


def test_it_records_an_attachment_download(
    client,
    learner,
    confidential_entry,
    user_with_role,
):
    attachment = confidential_entry.attachments.get()
    lead = user_with_role("safeguarding")
    client.force_login(lead)
    response = client.get(reverse("attachment_download", args=[learner.pk, attachment.pk]))
    assert response.status_code == 200
    (event,) = accesses(operation=Operation.DOWNLOAD)
    assert (event.table_name, event.row_id, event.actor_id) == (
        "riskcases_contactattachment",
        attachment.pk,
        lead.pk,
    )
    assert "disclosure.pdf" in event.detail and event.learner_id == learner.pk


def test_a_refused_download_records_nothing(client, learner, confidential_entry, tutor):
    attachment = confidential_entry.attachments.get()
    client.force_login(tutor)
    assert client.get(reverse("attachment_download", args=[learner.pk, attachment.pk])).status_code
    assert accesses() == []


def test_it_records_a_register_export_download(client, user_with_role, learner):
    director = user_with_role("director")
    client.force_login(director)
    response = client.get(reverse("register_export", args=["csv"]))
    assert response.status_code == 200
    b"".join(response.streaming_content)
    (event,) = accesses(operation=Operation.DOWNLOAD)
    assert event.table_name == "reports_registerexport" and event.actor_id == director.pk
    assert event.detail.startswith("At-risk register export")
    # The export's own row was inserted by the director too (the trigger).
    assert (
        AuditEvent.objects.get(
            table_name="reports_registerexport", operation=Operation.INSERT
        ).actor_id
        == director.pk
    )


def test_it_records_an_evidence_pack_download(client, tutor, learner):
    client.force_login(tutor)
    response = client.post(reverse("evidence_pack", args=[learner.pk]))
    assert response.status_code == 200
    (event,) = accesses(operation=Operation.DOWNLOAD)
    assert (event.table_name, event.learner_id, event.actor_id) == (
        "reports_evidencepackexport",
        learner.pk,
        tutor.pk,
    )


def test_it_records_safeguarding_reading_a_withdrawals_evidence(
    client, learner, manager, tutor, user_with_role
):
    from django.utils import timezone

    from riskcases.services import contact_log
    from tests.escalation.withdrawal_steps import at_withdrawal_stage

    case = at_withdrawal_stage(learner, manager)
    entry = contact_log(
        learner=learner,
        author=tutor,
        occurred_at=timezone.now(),
        contact_type="meeting",
        confidential=True,
        notes="AUDIT-evidence",
    )
    request = case.withdrawal_requests.get()
    client.force_login(user_with_role("director"))  # sees that it exists, not what it says
    client.get(reverse("withdrawal_detail", args=[request.pk]))
    assert accesses() == []
    lead = user_with_role("safeguarding")
    client.force_login(lead)
    page = client.get(reverse("withdrawal_detail", args=[request.pk]))
    assert "AUDIT-evidence" in page.content.decode()
    (event,) = accesses()
    assert (event.row_id, event.actor_id, event.operation) == (entry.pk, lead.pk, "view")
