"""The safeguarding canary: unique tokens planted in every safeguarding-confidential place (the
notes, attachment names and contents and risk factors of confidential contact-log entries, on a
learner with an open case, one on a break and one withdrawn) must never reach a page, export,
PDF, error page, notification or e-mail that a non-safeguarding role sees. The safeguarding
role does see them, which proves the test can fail."""

import datetime as dt
import io
import subprocess
import zipfile

import pytest
import time_machine
from django.core import mail
from django.test import RequestFactory
from django.urls import get_resolver, reverse

from config.access_policy import ACCESS_POLICY, Outcome
from escalation.case_moves import case_move
from escalation.letter_sending import letter_send
from notifications.digests import digest_send
from notifications.email import email_deliver
from notifications.models import EmailDelivery, LetterTemplate, Notification
from notifications.services import preference_set
from tests.config.access_urls import ADMIN_URLS, ROUTES, admin_arguments, url_for
from tests.config.access_world import (
    CANARY,
    CANARY_CONTENT,
    CANARY_FACTOR,
    CANARY_FILE,
    CANARY_NOTES,
    NOW,
)
from withdrawals.letters import withdrawal_confirmation_send

pytestmark = pytest.mark.django_db

# A piece of any token, and the words of the notes and the factor, in case one is reworded.
SECRETS = (CANARY, "disclosed a matter", "disclosure at home")
# The factor catalogue itself (the admin's risk factor pages) names every factor, linked to no
# learner; there only the contact-log tokens count.
CATALOGUE_SECRETS = (CANARY_NOTES, CANARY_FILE, CANARY_CONTENT, "disclosed a matter")
NON_SAFEGUARDING = ("tutor", "manager", "director", "leaver-panel", "quality", "admin", "no-role")
OK = Outcome(200)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW + dt.timedelta(hours=1), tick=False):
        yield


@pytest.fixture(scope="module")
def canary(world, django_db_blocker):
    """More ways for a secret to travel, added to the world (rolled back with it): the stage 1
    letter sent (a PDF, e-mailed), the case moved on (notifications and e-mails), the withdrawal
    confirmation sent, and the tutor on the daily digest."""
    users, mine = world.users, world.mine
    with django_db_blocker.unblock(), time_machine.travel(NOW, tick=False):
        preference_set(user=users["tutor"], email_mode="digest")
        template = LetterTemplate.objects.get(policy_key="aspiration", letter_key="stage_1")
        letter_send(case=mine.case, template=template, by=users["tutor"])
    with django_db_blocker.unblock(), time_machine.travel(NOW + dt.timedelta(minutes=30)):
        case_move(
            case=mine.case, move="advance", by=users["manager"], reason="No reply to the letter"
        )
        withdrawal_confirmation_send(request=mine.withdrawal, by=users["manager"])
    return world


# --- reading what a user gets ------------------------------------------------------------------


def pdf_text(content: bytes) -> str:
    """The PDF's text (pdftotext), and its raw bytes: a hand-made PDF with no pages (the
    samples uploaded as attachments) has no text to extract, but holds its strings as is."""
    run = subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True)
    return run.stdout.decode() + content.decode("latin-1")


def xlsx_text(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as book:
        return " ".join(book.read(name).decode() for name in book.namelist())


def file_text(content: bytes, content_type: str) -> str:
    if content_type.startswith("application/pdf"):
        return pdf_text(content)
    if "spreadsheetml" in content_type:
        return xlsx_text(content)
    return content.decode("utf-8", errors="replace")


def response_text(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return file_text(content, response.get("Content-Type", ""))


def leaks(text: str, secrets: tuple[str, ...] = SECRETS) -> list[str]:
    """The secrets in ``text``, also when a PDF or a table wraps them across lines."""
    flat = "".join(text.split())
    return [secret for secret in secrets if "".join(secret.split()) in flat]


# --- what each role can reach -------------------------------------------------------------------


def reachable(world, role: str) -> list[tuple[str, str, str]]:
    """(method, URL, what) of every page and export the matrix lets ``role`` open, built with
    the learners that hold the planted secrets, and the error pages they may meet."""
    pages = []
    for name, rule in ACCESS_POLICY.items():
        for variant, table in rule.variants.items():
            if table[role] == OK:
                pages.append((rule.method, url_for(world, name, variant, role), name))
    mine = world.mine
    learners = (mine.learner, mine.on_break, mine.leaver)
    if role != "no-role":
        for learner in learners:
            pages.append(("GET", reverse("learner_detail", args=[learner.pk]), "learner"))
            pages.append(("POST", reverse("evidence_pack", args=[learner.pk]), "evidence pack"))
            timeline = reverse("learner_detail", args=[learner.pk]) + "?show=contact"
            pages.append(("HTMX", timeline, "timeline"))
    if table_ok("register_export", role):
        for fmt in ("csv", "xlsx", "pdf"):
            pages.append(("GET", reverse("register_export", args=[fmt]), f"register {fmt}"))
        pages.append(("GET", reverse("register") + "?rating=high&rating=medium", "register"))
    if role == "admin":
        for name in ADMIN_URLS:
            if name != "admin:logout":
                url = reverse(name, kwargs=admin_arguments(world, name, ROUTES[name]) or None)
                pages.append(("GET", url, name))
    return pages


def table_ok(name: str, role: str) -> bool:
    return any(table[role] == OK for table in ACCESS_POLICY[name].variants.values())


def fetch(client, method: str, url: str):
    if method == "POST":
        return client.post(url)
    if method == "HTMX":
        return client.get(url, headers={"HX-Request": "true", "HX-Target": "timeline"})
    return client.get(url)


@pytest.mark.parametrize("role", NON_SAFEGUARDING)
def test_rule_no_page_or_export_shows_a_safeguarding_secret(client, canary, role):
    client.force_login(canary.users[role])
    found = []
    for method, url, what in reachable(canary, role):
        response = fetch(client, method, url)
        if what.startswith("admin:") and response.status_code != 200:
            continue  # the admin's log-in redirect, a read-only model's refused add page
        assert response.status_code == 200, (method, url)
        text = response_text(response)
        assert text.strip(), (method, url)  # something to search: an empty read proves nothing
        secrets = CATALOGUE_SECRETS if "riskfactor" in what else SECRETS
        if hit := leaks(text, secrets):
            found.append(f"{method} {url} ({what}): {hit}")
    assert found == []


@pytest.mark.parametrize("role", NON_SAFEGUARDING)
def test_rule_error_pages_show_no_safeguarding_secret(client, canary, role):
    client.force_login(canary.users[role])
    mine = canary.mine
    for url in (
        reverse("attachment_download", args=[mine.learner.pk, mine.confidential_attachment.pk]),
        reverse("learner_detail", args=[999_999]),
        f"/learners/{mine.learner.pk}/no-such-page/",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert leaks(response.content.decode()) == [], url
    request = RequestFactory().get(reverse("learner_detail", args=[mine.learner.pk]))
    request.user = canary.users[role]
    server_error = get_resolver().resolve_error_handler(500)(request)
    assert server_error.status_code == 500
    assert leaks(server_error.content.decode()) == []


@pytest.mark.parametrize("role", NON_SAFEGUARDING)
def test_rule_searching_for_the_secret_finds_no_learner(client, canary, role):
    client.force_login(canary.users[role])
    # One word at a time: the search matches any word of a name, so "a" would find a Casey.
    for words in ("disclosed", "referral", CANARY):
        response = client.get(reverse("learner_list"), {"q": words})
        assert response.status_code == 200
        page = response.content.decode()
        for learner in (canary.mine.learner, canary.mine.on_break, canary.mine.leaver):
            assert learner.uln not in page, (words, learner)


def test_rule_no_notification_or_email_carries_a_safeguarding_secret(canary):
    digest_send(user_id=canary.users["tutor"].pk, now=NOW + dt.timedelta(days=1))
    deliveries = list(EmailDelivery.objects.prefetch_related("attachments"))
    for delivery in deliveries:
        email_deliver(delivery_id=delivery.pk)
    letters = [d for d in deliveries if d.attachments.all()]
    assert len(letters) >= 3  # stage 1 letter and the confirmation to the learner (and mentor)
    assert any("digest" in d.dedupe_key for d in deliveries)
    assert len(mail.outbox) == len(deliveries)
    found = []
    for delivery in deliveries:
        texts = [delivery.subject, delivery.body, delivery.last_error]
        texts += [a.filename for a in delivery.attachments.all()]
        texts += [file_text(bytes(a.content), a.mimetype) for a in delivery.attachments.all()]
        if hit := leaks(" ".join(texts)):
            found.append(f"EmailDelivery {delivery.pk} to {delivery.to_address}: {hit}")
    for message in mail.outbox:
        texts = [message.subject, message.body]
        for name, content, mimetype in message.attachments:
            raw = content if isinstance(content, bytes) else content.encode()
            texts += [name, file_text(raw, mimetype)]
        if hit := leaks(" ".join(texts)):
            found.append(f"sent e-mail to {message.to}: {hit}")
    for note in Notification.objects.exclude(recipient=canary.users["safeguarding"]):
        if hit := leaks(f"{note.title} {note.body} {note.url}"):
            found.append(f"notification {note.pk} to {note.recipient}: {hit}")
    assert found == []


def test_the_safeguarding_team_does_see_every_secret(client, canary):
    """The control: the same reads as the safeguarding lead find the tokens, so the tests above
    would fail if a page let them through."""
    client.force_login(canary.users["safeguarding"])
    mine = canary.mine
    for learner in (mine.learner, mine.on_break, mine.leaver):
        page = client.get(reverse("learner_detail", args=[learner.pk])).content.decode()
        for token in (CANARY_NOTES, CANARY_FILE, CANARY_FACTOR):
            assert token in page, (learner, token)
        pack = response_text(client.post(reverse("evidence_pack", args=[learner.pk])))
        assert leaks(pack, (CANARY_NOTES, CANARY_FILE)) == [CANARY_NOTES, CANARY_FILE]
    url = reverse("attachment_download", args=[mine.learner.pk, mine.confidential_attachment.pk])
    assert CANARY_CONTENT in response_text(client.get(url))
