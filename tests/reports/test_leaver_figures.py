"""The leaver panel report's figures against the database: who is a leaver, the summary tables,
the pipeline and the trend, and regenerating a past cycle."""

import datetime as dt
from collections import Counter

import pytest
from django.utils import timezone

from escalation.models import ACTIVE_STATUSES, CaseStatus, EscalationCase
from reports.leaver_figures import leaver_figures_build, pipeline_as_at
from tests.reports.leaver_steps import CYCLE, build_known_cycle
from withdrawals.models import RequestStatus
from withdrawals.models import WithdrawalRequest as Withdrawal

TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def known(db):
    return build_known_cycle()


@pytest.fixture
def figures(known):
    return leaver_figures_build(cycle=CYCLE, today=TODAY)


def db_leavers():
    start, end = CYCLE.bounds()
    return Withdrawal.objects.filter(
        status=RequestStatus.WITHDRAWN, withdrawn_at__gte=start, withdrawn_at__lt=end
    ).select_related("learner__team", "ilr_reason")


def table(rows):
    return {row["label"]: row["count"] for row in rows}


class TestLeavers:
    def test_rule_a_leaver_is_placed_by_the_day_the_withdrawal_completed(self, known, figures):
        ulns = [lv["uln"] for lv in figures.leavers]
        assert sorted(ulns) == sorted(r.learner.uln for r in db_leavers())
        assert sorted(ulns) == sorted(lr.uln for lr in known.leavers)
        assert not {lr.uln for lr in known.outside} & set(ulns)

    def test_rule_the_last_day_of_the_cycle_is_in_it_and_the_next_day_is_not(self, known, figures):
        ben, eve = known.leavers[2], known.outside[1]
        assert timezone.localtime(ben.request.withdrawn_at).date() == CYCLE.end
        assert timezone.localtime(eve.request.withdrawn_at).date() == CYCLE.end + dt.timedelta(1)
        assert ben.uln in [lv["uln"] for lv in figures.leavers]
        following = leaver_figures_build(cycle=CYCLE.next(), today=TODAY)
        assert [lv["uln"] for lv in following.leavers] == [eve.uln]

    def test_rule_a_learner_withdrawn_on_a_break_counts_once_flagged(self, known, figures):
        cat = known.leavers[1]
        rows = [lv for lv in figures.leavers if lv["uln"] == cat.uln]
        assert len(rows) == 1 and rows[0]["from_break"]
        assert figures.from_break == 1 and figures.total == 3

    def test_it_gives_each_leaver_their_details_and_case_history(self, known, figures):
        ada = known.leavers[0]
        row = next(lv for lv in figures.leavers if lv["uln"] == ada.uln)
        request = ada.request
        assert row["name"] == "Ada Apprentice" and row["team"] == "North Team"
        assert row["course"] == "Team Leader Level 3" and row["employer"] == ada.employer.name
        assert row["tutor"] == "Tina Tutor" and row["programme"] == "Apprenticeship"
        assert row["days_on_programme"] == (request.last_day_of_learning - ada.start_date).days + 1
        assert (row["ilr_code"], row["ilr_description"]) == (44, "Other personal reasons")
        assert row["themes"] == ["Employer support or relationship", "Workload or time to study"]
        steps = {step["label"]: step["date"] for step in row["history"]}
        changes = {}  # the first day the case reached each stage
        for change in request.case.changes.order_by("sequence"):
            changes.setdefault(change.to_stage, timezone.localdate(change.at))
        assert steps["First risk (case opened)"] == str(timezone.localdate(request.case.opened_at))
        for stage, label in (("stage_1", "Stage 1"), ("stage_2", "Stage 2")):
            assert steps[label] == str(changes[stage])
        assert steps["Stage 3: Notification of Withdrawal"] == str(changes["stage_3"])
        assert steps["Director's approval"] == "2026-10-05"


class TestSummaries:
    def test_it_counts_by_reason_programme_team_and_month_as_the_database_does(self, figures):
        leavers = list(db_leavers())
        reasons = Counter(f"{r.ilr_reason.code} {r.ilr_reason.description}" for r in leavers)
        assert (
            table(figures.by_reason)
            == reasons
            == {
                "44 Other personal reasons": 2,
                "3 Learner injury / illness": 1,
            }
        )
        programmes = Counter(r.learner.get_programme_type_display() for r in leavers)
        assert table(figures.by_programme) == programmes
        assert table(figures.by_team) == Counter(r.learner.team.name for r in leavers)
        months = Counter(f"{timezone.localtime(r.withdrawn_at):%B %Y}" for r in leavers)
        assert table(figures.by_month) == months == {"October 2026": 2, "November 2026": 1}
        assert [row["percent"] for row in figures.by_reason] == [67, 33]

    def test_it_counts_exit_review_themes_and_quotes_the_learners(self, figures):
        assert table(figures.themes) == {
            "Workload or time to study": 2,
            "Employer support or relationship": 1,
            "Health or wellbeing": 1,
        }
        assert figures.without_review == 1
        assert [q["text"] for q in figures.quotes] == [
            "Extra shifts left no time to study.",
            "I was too ill to carry on.",
        ]

    def test_it_counts_the_pipeline_as_it_stood_at_the_end_of_the_cycle(self, figures):
        assert table(figures.pipeline) == {
            "First risk identified": 1,
            "Stage 1": 1,
            "Stage 2": 0,
            "Stage 3: Notification of Withdrawal": 1,  # Eve, withdrawn the day after
            "Stepped down (support contract)": 1,
        }
        assert figures.pipeline_total == 4

    def test_the_pipeline_today_equals_the_cases_in_the_database(self, known):
        pipeline, total = pipeline_as_at(TODAY)
        active = EscalationCase.objects.filter(status__in=ACTIVE_STATUSES)
        assert total == active.count() == 3
        stepped = active.filter(status=CaseStatus.STEPPED_DOWN).count()
        assert table(pipeline)["Stepped down (support contract)"] == stepped
        assert table(pipeline)["Stage 3: Notification of Withdrawal"] == 0

    def test_it_compares_with_the_five_cycles_before(self, figures):
        assert len(figures.trend) == 6
        assert [row["total"] for row in figures.trend] == [0, 0, 0, 0, 1, 3]
        assert figures.trend[-1]["start"] == str(CYCLE.start)
        assert figures.trend_programmes == ["Apprenticeship", "Traineeship", "Short course"]
        assert figures.trend[-2]["by_programme"] == [1, 0, 0]  # Dan, the day before


def test_it_regenerates_a_past_cycle_with_the_same_figures(known, figures, time_machine):
    time_machine.move_to(dt.datetime(2027, 1, 15, 9, 0, tzinfo=dt.UTC), tick=False)
    again = leaver_figures_build(cycle=CYCLE, today=timezone.localdate())
    assert again.as_json() == figures.as_json()
