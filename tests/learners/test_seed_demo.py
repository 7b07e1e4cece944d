import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from escalation.models import ACTIVE_STATUSES, EscalationCase, StageChange
from learners.models import (
    BreakInLearning,
    Employer,
    Learner,
    LearnerStatus,
    Nation,
    ProgrammeType,
    RecordSource,
    Team,
)
from learners.policy_reading import team_policy
from learners.roles import Role
from reports.models import LeaverReport, RegisterExport
from riskcases.models import AgreedAction, ContactLogEntry, RiskRating, SupportRecord


def counts() -> dict[str, int]:
    return {
        "users": get_user_model().objects.count(),
        "teams": Team.objects.count(),
        "employers": Employer.objects.count(),
        "learners": Learner.objects.count(),
        "ratings": RiskRating.objects.count(),
        "contacts": ContactLogEntry.objects.count(),
        "support": SupportRecord.objects.count(),
        "actions": AgreedAction.objects.count(),
        "cases": EscalationCase.objects.count(),
        "stage_changes": StageChange.objects.count(),
        "breaks": BreakInLearning.objects.count(),
        "register_exports": RegisterExport.objects.count(),
        "leaver_reports": LeaverReport.objects.count(),
    }


@pytest.mark.django_db
class TestSeedDemo:
    def test_running_it_twice_adds_nothing_twice(self):
        call_command("seed_demo", stdout=io.StringIO())
        first = counts()
        call_command("seed_demo", stdout=io.StringIO())
        assert counts() == first

    def test_it_builds_a_realistic_organisation(self):
        out = io.StringIO()
        call_command("seed_demo", stdout=out)
        assert Learner.objects.count() == 250
        assert Team.objects.count() == 5
        # The four shipped policies each run a team, with a case at every stage of its ladder.
        assert set(Team.objects.values_list("policy__key", flat=True)) == {
            "aspiration",
            "mtt",
            "bpn",
            "makers",
        }
        for team in Team.objects.all():
            ladder = [stage.key for stage in team_policy(team=team).stages]
            active = EscalationCase.objects.filter(
                learner__team=team, status__in=ACTIVE_STATUSES
            ).values_list("stage", flat=True)
            assert set(ladder) <= set(active), team.name
        assert set(Learner.objects.values_list("nation", flat=True)) == set(Nation.values)
        assert set(Learner.objects.values_list("programme_type", flat=True)) == set(
            ProgrammeType.values
        )
        assert set(Learner.objects.values_list("status", flat=True)) == set(LearnerStatus.values)
        for role in Role.values:
            assert get_user_model().objects.filter(groups__name=role).exists(), role
        # Every learner has exactly one current rating, and every rating appears.
        assert RiskRating.objects.filter(ended_at__isnull=True).count() == 250
        assert set(
            RiskRating.objects.filter(ended_at__isnull=True).values_list("level", flat=True)
        ) == {"low", "medium", "high"}
        assert ContactLogEntry.objects.filter(confidential=True).exists()
        assert AgreedAction.objects.filter(done_at__isnull=True).exists()
        # Cases at several stages, some stepped down, some overdue.
        stages = set(EscalationCase.objects.values_list("stage", flat=True))
        assert {"first_risk", "stage_1", "stage_2"} <= stages
        assert EscalationCase.objects.filter(status="stepped_down").exists()
        # Breaks recorded through the services: one past its return date, one returned.
        recorded = BreakInLearning.objects.filter(source=RecordSource.TUTOR)
        assert recorded.filter(returned_on__isnull=False).exists()
        assert recorded.filter(
            returned_on__isnull=True, expected_return_on__lt=timezone.localdate()
        ).exists()
        assert Learner.objects.filter(breaks__in=recorded, tutor__username="tutor").exists()
        # Withdrawals raised outside the ladder: one withdrawn (MTT), one waiting (Makers).
        from withdrawals.models import WithdrawalRequest

        outside = WithdrawalRequest.objects.filter(grounds__startswith="Withdraw: ")
        assert set(outside.values_list("status", flat=True)) == {"withdrawn", "pending"}
        # Makers: the informal stages moved back and forth; formal stages hold review meetings,
        # one missed by the employer (its record e-mailed), and a recommendation e-mailed.
        from escalation.models import CaseRecommendation, StageReview

        back_and_forth = StageChange.objects.filter(move_key="stage_2_back")
        assert back_and_forth.filter(case__learner__team__name__startswith="London").exists()
        assert StageReview.objects.filter(stage_key="stage_3").count() >= 3
        assert StageReview.objects.filter(employer_attended=False).exclude(record_sent_to="")
        assert CaseRecommendation.objects.filter(emailed_at__isnull=False).exists()
        # The demo passwords are printed for the person running it.
        # The register's export audit shows copies taken by a manager and a director.
        exporters = set(RegisterExport.objects.values_list("exported_by__username", flat=True))
        assert exporters == {"manager", "director"}
        # The safeguarding lead answered a subject access request; the audit trail has rows.
        from audit.models import AuditEvent
        from dataprotection.models import SubjectAccessExport

        [sar] = SubjectAccessExport.objects.all()
        assert sar.generated_by.username == "safeguarding" and sar.learner.status == "withdrawn"
        assert AuditEvent.objects.filter(learner_id__isnull=False).exists()
        assert "demo-learners-2026" in out.getvalue()
        assert "tutor" in out.getvalue() and "director" in out.getvalue()

    def test_every_demo_login_works(self, client):
        from demo.learners import DEMO_PASSWORD, DEMO_USERS

        call_command("seed_demo", stdout=io.StringIO())
        for user in DEMO_USERS:
            # Through the login page, as a person would (and as the lock-out counts).
            response = client.post(
                reverse("login"), {"username": user.username, "password": DEMO_PASSWORD}
            )
            assert response.status_code == 302, user.username
            client.post(reverse("logout"))
