"""Every page as each role that uses it: a screenshot to look at, and axe-core's WCAG 2.2 AA
checks. Screenshots land in test-artifacts/screenshots/tour-*.png."""

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from playwright.sync_api import expect

from demo.factories import (
    AgreedActionFactory,
    LearnerFactory,
    ProgressSnapshotFactory,
    SessionFactory,
    SupportRecordFactory,
    UserFactory,
    open_case,
)
from escalation.breaks import break_start
from escalation.record_imports import records_import_preview
from escalation.services import case_advance
from escalation.triggers.evaluate import triggers_evaluate
from learners.roles import Role
from reports.cycles import cycle_containing
from reports.models import LeaverReport, ReportStatus
from riskcases.models import RiskFactor
from riskcases.services import contact_log, rating_change
from tests.browser.accessibility import axe_violations
from tests.browser.pages import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def story(tutor, learner, manager):
    rating_change(
        learner=learner,
        level="medium",
        reason="Two units late",
        set_by=tutor,
        risk_factors=[RiskFactor.objects.get(code="increased-workload")],
    )
    contact_log(
        learner=learner,
        author=tutor,
        occurred_at=timezone.now() - dt.timedelta(days=1),
        contact_type="phone",
        outcome="no_response",
        notes="No answer at 10:00.",
    )
    contact_log(
        learner=learner,
        author=tutor,
        occurred_at=timezone.now(),
        contact_type="meeting",
        outcome="responded",
        confidential=True,
        notes="Disclosure recorded; referred.",
    )
    record = SupportRecordFactory(learner=learner, created_by=tutor)
    today = timezone.localdate()
    AgreedActionFactory(support_record=record, due_on=today - dt.timedelta(days=2))
    AgreedActionFactory(support_record=record, description="Three-way review", owner="tutor")
    learner.case = case_advance(case=open_case(learner), by=tutor, reason="No reply to calls")
    for days_ago in (9, 5, 2):
        SessionFactory(
            learner=learner, occurred_on=today - dt.timedelta(days=days_ago), attendance="missed"
        )
    ProgressSnapshotFactory(
        learner=learner, occurred_on=today, actual_percent=25, planned_percent=40
    )
    triggers_evaluate(today=today, learner_ids=[learner.pk])
    # A second learner, on a break past its return date with no contact: the reminder list's
    # flags and the learner page's break panel.
    learner.on_break = LearnerFactory(
        tutor=tutor, team=learner.team, first_name="Bea", last_name="Breakwell"
    )
    break_start(
        learner=learner.on_break,
        started_on=today - dt.timedelta(days=40),
        expected_return_on=today - dt.timedelta(days=3),
        reason="Caring responsibilities",
        by=tutor,
    )

    attendance = (
        "uln,date,session,attendance,notes\n"
        f"{learner.uln},2026-09-14,Week 1: Leading teams,attended,\n"
        f"{learner.uln},14/09/2026,Week 1: Leading teams,attended,\n"
        f"{learner.uln},2026-09-31,Week 2: Managing change,attended,\n"
        "1234567890,2026-09-21,Week 2: Managing change,late,\n"
    )
    learner.batch = records_import_preview(
        kind="attendance",
        uploaded_file=SimpleUploadedFile("september-attendance.csv", attendance.encode()),
        by=manager,
    )
    # The leaver panel's archive: a report built by the scheduler and one being built.
    cycle = cycle_containing(today).previous()
    learner.report = LeaverReport(
        cycle_start=cycle.start,
        cycle_end=cycle.end,
        automatic=True,
        status=ReportStatus.READY,
        created_at=timezone.now(),
        finished_at=timezone.now(),
        sha256="0" * 64,
        leaver_count=3,
    )
    learner.report.pdf.save("tour.pdf", ContentFile(b"%PDF-1.4 tour"), save=True)
    learner.building = LeaverReport.objects.create(
        cycle_start=cycle.start,
        cycle_end=cycle.end,
        generated_by=manager,
        status=ReportStatus.RUNNING,
        progress=45,
        progress_message="Counting the at-risk pipeline",
        created_at=timezone.now(),
    )
    return learner


def visit(page, url, name, artifacts_dir):
    page.goto(url)
    expect(page.locator("h1")).to_be_visible()
    page.screenshot(path=artifacts_dir / f"tour-{name}.png", full_page=True)
    assert axe_violations(page) == [], name
    # Nothing wider than the screen: a phone user scrolls tables, never the page.
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


@pytest.mark.parametrize(
    ("role", "pages"),
    [
        (
            "tutor",
            [
                "learners/",
                "learners/{l}/",
                "learners/{l}/contacts/new/",
                "learners/{l}/rating/",
                "learners/{l}/support/new/",
                "learners/{l}/records/session/new/",
                "learners/{l}/records/progress/new/",
                "learners/{l}/break/start/",
                "learners/breaks/",
                "learners/{k}/",
                "learners/{k}/break/return/",
                "cases/{c}/",
                "notifications/",
                "notifications/preferences/",
                "cases/{c}/letter/",
            ],
        ),
        (
            "manager",
            [
                "learners/",
                "learners/enrol/",
                "learners/{l}/",
                "cases/",
                "cases/{c}/",
                "imports/",
                "imports/{b}/",
                "register/",
                "register/overdue/",
                "register/workload/",
            ],
        ),
        (
            "director",
            ["learners/", "learners/{l}/", "cases/", "policy/", "imports/", "register/workload/"],
        ),
        ("safeguarding", ["learners/{l}/", "cases/{c}/"]),
        (
            "quality",
            ["learners/{l}/", "cases/{c}/", "cases/{c}/letter/", "learners/breaks/", "audit/"],
        ),
        (
            "leaver panel",
            [
                "learners/",
                "register/",
                "leaver-panel/",
                "leaver-panel/archive/",
                "leaver-panel/reports/{r}/",
                "leaver-panel/reports/{p}/",
            ],
        ),
    ],
)
def test_each_role_sees_accessible_pages(
    browser, live_server, story, tutor, manager, role, pages, artifacts_dir
):
    user = {"tutor": tutor, "manager": manager}.get(role) or UserFactory(
        username=role.replace(" ", "-"), roles=[role]
    )
    for width, label in ((1280, "desktop"), (390, "phone")):
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        log_in(page, live_server.url, user.username)
        for path in pages:
            slug = path.format(
                l="learner", c="case", b="batch", k="learner-on-break", r="ready", p="building"
            )
            slug = slug.strip("/").replace("/", "-")
            name = f"{role.replace(' ', '-')}-{slug}-{label}"
            ids = {
                "l": story.pk,
                "c": story.case.pk,
                "b": story.batch.pk,
                "k": story.on_break.pk,
                "r": story.report.pk,
                "p": story.building.pk,
            }
            url = f"{live_server.url}/{path.format(**ids)}"
            visit(page, url, name, artifacts_dir)
        context.close()


def test_the_login_and_error_pages_are_accessible(page, live_server, tutor, artifacts_dir):
    visit(page, f"{live_server.url}/accounts/login/", "login", artifacts_dir)
    log_in(page, live_server.url, tutor.username)
    visit(page, f"{live_server.url}/learners/999999/", "404", artifacts_dir)


def test_safeguarding_reads_what_a_tutor_cannot(page, live_server, story, artifacts_dir):
    user = UserFactory(username="sg", roles=[Role.SAFEGUARDING])
    log_in(page, live_server.url, user.username)
    page.goto(f"{live_server.url}/learners/{story.pk}/")
    expect(page.get_by_text("Disclosure recorded; referred.")).to_be_visible()
