"""The leaver panel's pages: who may see them, generating a report, its status fragment, the
download, and query counts that do not grow with cycles or reports."""

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from config.celery import app as celery_app
from demo.factories import UserFactory
from learners.roles import Role
from reports.cycles import cycle_containing
from reports.models import LeaverReport, ReportStatus

pytestmark = pytest.mark.django_db
CYCLES = reverse("leaver_cycles")


@pytest.fixture
def panel(db):
    return UserFactory(username="pat.panel", roles=[Role.LEAVER_PANEL])


@pytest.fixture
def eager_celery():
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


def report_row(*, status=ReportStatus.READY, by=None, days_ago: int = 0, **fields) -> LeaverReport:
    cycle = cycle_containing(timezone.localdate() - dt.timedelta(days=days_ago))
    report = LeaverReport(
        cycle_start=cycle.start,
        cycle_end=cycle.end,
        status=status,
        generated_by=by,
        automatic=by is None,
        created_at=timezone.now(),
        sha256="ab" * 32 if status == ReportStatus.READY else "",
        leaver_count=2,
        **fields,
    )
    if status == ReportStatus.READY:
        report.pdf.save("x.pdf", ContentFile(b"%PDF-1.4 test"), save=False)
    report.save()
    return report


class TestWhoMaySee:
    @pytest.mark.parametrize("role", [Role.LEAVER_PANEL, Role.DIRECTOR, Role.QUALITY])
    def test_it_shows_the_pages_to_the_panel_directors_and_quality(self, client, role):
        client.force_login(UserFactory(roles=[role]))
        report = report_row()
        for url in (
            CYCLES,
            reverse("leaver_archive"),
            reverse("leaver_report_detail", args=[report.pk]),
            reverse("leaver_report_status", args=[report.pk]),
            reverse("leaver_report_download", args=[report.pk]),
        ):
            assert client.get(url).status_code == 200, url

    @pytest.mark.parametrize("role", [Role.MANAGER, Role.TUTOR, Role.SAFEGUARDING])
    def test_it_refuses_everyone_else(self, client, role):
        client.force_login(UserFactory(roles=[role]))
        report = report_row()
        assert client.get(CYCLES).status_code == 403
        assert client.get(reverse("leaver_archive")).status_code == 403
        assert client.get(reverse("leaver_report_download", args=[report.pk])).status_code == 403

    def test_it_sends_anonymous_users_to_log_in(self, client, db):
        response = client.get(CYCLES)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))

    def test_superusers_may_see_and_generate(self, client, db):
        client.force_login(UserFactory(is_superuser=True, is_staff=True))
        assert b"Generate" in client.get(CYCLES).content

    def test_only_the_leaver_panel_generates(self, client, panel):
        director = UserFactory(roles=[Role.DIRECTOR])
        client.force_login(director)
        assert b"Generate" not in client.get(CYCLES).content
        start = cycle_containing(timezone.localdate()).start.isoformat()
        response = client.post(reverse("leaver_generate"), {"cycle_start": start})
        assert response.status_code == 403 and not LeaverReport.objects.exists()

    def test_the_nav_shows_the_leaver_panel_to_its_readers(self, client, panel):
        client.force_login(panel)
        assert b'href="/leaver-panel/"' in client.get(reverse("register")).content


class TestGenerating:
    def test_it_queues_builds_after_commit_and_shows_the_download(
        self, client, panel, eager_celery, django_capture_on_commit_callbacks
    ):
        client.force_login(panel)
        cycle = cycle_containing(timezone.localdate()).previous()
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            response = client.post(reverse("leaver_generate"), {"cycle_start": str(cycle.start)})
        report = LeaverReport.objects.get()
        assert response.url == reverse("leaver_report_detail", args=[report.pk])
        assert any("leaver_report_build" in c.__qualname__ for c in callbacks)
        report.refresh_from_db()
        assert report.status == ReportStatus.READY and report.generated_by == panel
        page = client.get(response.url).content.decode()
        assert reverse("leaver_report_download", args=[report.pk]) in page
        assert 'aria-live="polite"' in page

    def test_a_second_click_finds_the_queued_report(self, client, panel):
        client.force_login(panel)
        start = str(cycle_containing(timezone.localdate()).start)
        first = client.post(reverse("leaver_generate"), {"cycle_start": start})
        second = client.post(reverse("leaver_generate"), {"cycle_start": start})
        assert first.url == second.url and LeaverReport.objects.count() == 1

    def test_a_report_stuck_for_half_an_hour_does_not_block_asking_again(self, client, panel):
        client.force_login(panel)
        start = str(cycle_containing(timezone.localdate()).start)
        client.post(reverse("leaver_generate"), {"cycle_start": start})
        LeaverReport.objects.update(
            status=ReportStatus.RUNNING, created_at=timezone.now() - dt.timedelta(minutes=31)
        )
        client.post(reverse("leaver_generate"), {"cycle_start": start})
        assert LeaverReport.objects.filter(status=ReportStatus.QUEUED).count() == 1

    @pytest.mark.parametrize("start", ["2026-11-24", "nonsense", "2026-12-21"])
    def test_it_refuses_a_day_that_is_not_a_cycle_start_or_a_future_cycle(
        self, client, panel, start
    ):
        client.force_login(panel)
        response = client.post(reverse("leaver_generate"), {"cycle_start": start}, follow=True)
        assert not LeaverReport.objects.exists()
        assert "not a cycle start" in response.content.decode()


class TestStatusFragment:
    def test_it_polls_every_two_seconds_while_the_report_is_built(self, client, panel):
        client.force_login(panel)
        report = report_row(status=ReportStatus.RUNNING, by=panel)
        LeaverReport.objects.filter(pk=report.pk).update(
            progress=45, progress_message="Counting the at-risk pipeline"
        )
        html = client.get(reverse("leaver_report_status", args=[report.pk])).content.decode()
        assert 'hx-trigger="every 2s"' in html and 'max="100" value="45"' in html
        assert "Counting the at-risk pipeline (45%)" in html
        assert f'href="{reverse("leaver_report_detail", args=[report.pk])}"' in html  # no JS

    def test_it_stops_polling_once_ready_or_failed(self, client, panel):
        client.force_login(panel)
        ready = report_row(by=panel)
        html = client.get(reverse("leaver_report_status", args=[ready.pk])).content.decode()
        assert "hx-trigger" not in html and "Download the PDF" in html
        failed = report_row(status=ReportStatus.FAILED, by=panel, error="RuntimeError: boom")
        html = client.get(reverse("leaver_report_status", args=[failed.pk])).content.decode()
        assert "hx-trigger" not in html and "RuntimeError: boom" in html


def test_the_download_is_an_attachment_never_cached_or_sniffed(client, panel):
    client.force_login(panel)
    report = report_row()
    response = client.get(reverse("leaver_report_download", args=[report.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert report.download_name in response["Content-Disposition"]
    assert response["Cache-Control"] == "no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    queued = report_row(status=ReportStatus.QUEUED, by=panel)
    assert client.get(reverse("leaver_report_download", args=[queued.pk])).status_code == 404


class TestQueryCounts:
    def count(self, client, url) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    def test_the_cycles_page_runs_the_same_queries_for_more_reports(self, client, panel):
        client.force_login(panel)
        report_row(by=panel)
        few = self.count(client, CYCLES)
        for days in range(0, 400, 30):
            report_row(by=panel, days_ago=days)
            report_row(status=ReportStatus.QUEUED, by=panel, days_ago=days)
        assert self.count(client, CYCLES) == few

    def test_the_archive_runs_the_same_queries_for_more_reports(self, client, panel):
        client.force_login(panel)
        report_row(by=panel)
        few = self.count(client, reverse("leaver_archive"))
        for days in range(0, 400, 20):
            report_row(by=UserFactory(), days_ago=days)
        assert self.count(client, reverse("leaver_archive")) == few
