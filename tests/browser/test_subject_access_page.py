"""The subject access export in a browser: the safeguarding lead opens it from the learner
page, reads the default (confidential entries included), downloads the zip, and its index.html
reads well and passes axe's WCAG 2.2 AA checks too. Screenshots: tour-subject-access-*.png and
subject-access-index.png."""

import io
import zipfile

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from demo.factories import SessionFactory, UserFactory
from riskcases.services import contact_log
from tests.browser.accessibility import axe_violations
from tests.browser.pages import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_safeguarding_exports_a_learner_from_the_learner_page(
    browser, live_server, learner, tutor, artifacts_dir, tmp_path
):
    contact_log(
        learner=learner,
        author=tutor,
        occurred_at=timezone.now(),
        contact_type="phone",
        outcome="responded",
        notes="Talked through the catch-up plan.\nAgreed a weekly call.",
    )
    SessionFactory(learner=learner)
    UserFactory(username="safe", roles=["safeguarding"])
    for width, label in ((1280, "desktop"), (390, "phone")):
        context = browser.new_context(
            viewport={"width": width, "height": 900}, accept_downloads=True
        )
        page = context.new_page()
        log_in(page, live_server.url, "safe")
        page.goto(f"{live_server.url}/learners/{learner.pk}/")
        page.get_by_role("link", name="Subject access export").click()
        expect(page.get_by_role("heading", name="Subject access export")).to_be_visible()
        expect(page.get_by_label("Include confidential safeguarding entries")).to_be_checked()
        page.screenshot(path=artifacts_dir / f"tour-subject-access-{label}.png", full_page=True)
        assert axe_violations(page) == []
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        with page.expect_download() as download:
            page.get_by_role("button", name="Build and download the export (zip)").click()
        content = download.value.path().read_bytes()
        index = zipfile.ZipFile(io.BytesIO(content)).read("index.html")
        (tmp_path / "index.html").write_bytes(index)
        page.goto((tmp_path / "index.html").as_uri())
        expect(page.get_by_role("heading", name="Contact log (1)")).to_be_visible()
        page.screenshot(path=artifacts_dir / f"subject-access-index-{label}.png", full_page=True)
        assert axe_violations(page) == []
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        context.close()
