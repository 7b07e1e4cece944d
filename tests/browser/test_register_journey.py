"""A manager filters the at-risk register to High and overdue, exports it as CSV, and the file
holds exactly those rows; screenshots at desktop and phone widths, checked with axe."""

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from demo.factories import AgreedActionFactory, LearnerFactory, SupportRecordFactory
from tests.browser.accessibility import axe_violations
from tests.browser.pages import log_in
from tests.reports.conftest import at_risk, days_ago

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def register(tutor, colleague, team, other_team, manager):
    today = timezone.localdate()
    late = {"stage_started_at": days_ago(9), "stage_due_on": today - dt.timedelta(days=2)}
    for first, level, fields in (
        ("Hugo", "high", late),
        ("Hattie", "high", late),
        ("Harry", "high", {}),  # High, but nothing overdue
        ("Mabel", "medium", late),  # overdue, but Medium
    ):
        learner = LearnerFactory(tutor=tutor, team=team, first_name=first, last_name="North")
        at_risk(learner, level=level, stage="stage_2", **fields)
    actions = LearnerFactory(tutor=colleague, team=team, first_name="Hope", last_name="North")
    at_risk(actions, level="high", stage="first_risk")
    AgreedActionFactory(
        support_record=SupportRecordFactory(learner=actions), due_on=today - dt.timedelta(days=5)
    )
    hidden = LearnerFactory(team=other_team, first_name="Hilda", last_name="South")
    at_risk(hidden, level="high", stage="stage_2", **late)


def test_a_manager_filters_high_and_overdue_and_exports_those_rows(
    page: Page, live_server, manager, register, artifacts_dir
):
    log_in(page, live_server.url, manager.username)
    page.get_by_role("link", name="At-risk register").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("At-risk register")
    page.get_by_label("High", exact=True).check()
    page.get_by_label("Overdue only").check()
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(f"{live_server.url}/register/?sort=-rating&rating=high&overdue=true")
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(3)
    expect(page.get_by_text("3 learners · Rating: High; Overdue only")).to_be_visible()
    for name in ("Hugo North", "Hattie North", "Hope North"):
        expect(page.get_by_role("link", name=name)).to_be_visible()
    page.screenshot(path=artifacts_dir / "register-high-overdue.png", full_page=True)
    assert axe_violations(page) == []

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Export CSV").click()
    download = download_info.value
    assert download.suggested_filename.startswith("at-risk-register-")
    text = download.path().read_text(encoding="utf-8")
    heading, table = text.split("\n\n", 1) if "\r\n\r\n" not in text else text.split("\r\n\r\n", 1)
    rows = list(csv.DictReader(io.StringIO(table)))
    assert sorted(row["Learner"] for row in rows) == ["Hattie North", "Hope North", "Hugo North"]
    assert all(row["Rating"] == "High" and row["Overdue"] for row in rows)
    assert manager.username in heading and "Rating: High; Overdue only" in heading

    page.set_viewport_size({"width": 390, "height": 900})
    page.reload()
    page.screenshot(path=artifacts_dir / "register-high-overdue-phone.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert axe_violations(page) == []
