"""The records the hostile-input table's forms act on, each built on first use (a test pays
only for what its form needs). Built through the app's own services, as a user would."""

import datetime as dt
from functools import cached_property

import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from demo.factories import (
    AgreedActionFactory,
    LearnerFactory,
    ManagerFactory,
    SupportRecordFactory,
    TeamFactory,
    TutorFactory,
    UserFactory,
    open_case,
)
from escalation.breaks import break_start
from escalation.case_moves import case_move_make
from escalation.record_imports import records_import_preview
from escalation.services import case_step_down
from escalation.triggers.base import Firing
from escalation.triggers.firing import trigger_fire
from learners.roles import Role
from notifications.models import Notification
from policies.models import Policy
from policies.selectors import default_spec, policy_current_version_id, spec_cache_clear
from policies.services import version_draft_create, version_publish
from riskcases.models import SupportKind
from tests.escalation.withdrawal_steps import agreement, approve, at_withdrawal_stage
from withdrawals.appeals import appeal_lodge
from withdrawals.models import Appeal

# The suite runs on this Monday (frozen); setting-up steps travel back from it.
NOW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)
LATER = dt.date(2026, 12, 18)  # a time plan's due date


def _at(moment: dt.datetime):
    return time_machine.travel(moment, tick=False)


class World:
    def __init__(self) -> None:
        self.team = TeamFactory(name="North Team")
        self.tutor = TutorFactory(username="hostile.tutor", tutored_teams=[self.team])
        self.manager = ManagerFactory(username="hostile.manager")
        self.team.managers.add(self.manager)
        self.director = UserFactory(username="hostile.director", roles=[Role.DIRECTOR])
        self.second_director = UserFactory(username="hostile.director2", roles=[Role.DIRECTOR])
        self.leaver_panel = UserFactory(username="hostile.panel", roles=[Role.LEAVER_PANEL])
        self.safeguarding = UserFactory(username="hostile.safe", roles=[Role.SAFEGUARDING])

    def new_learner(self, **kwargs):
        return LearnerFactory(tutor=self.tutor, team=self.team, **kwargs)

    @cached_property
    def learner(self):
        return self.new_learner(first_name="Lily", last_name="Learner")

    @cached_property
    def case(self):
        """A case at the first stage (no letter): every move is open to the tutor."""
        return open_case(self.new_learner(), by=self.tutor)

    def _contracted(self):
        case = open_case(self.new_learner(), by=self.tutor)
        SupportRecordFactory(
            learner=case.learner, kind=SupportKind.SUPPORT_CONTRACT, created_by=self.tutor
        )
        return case

    @cached_property
    def contracted_case(self):
        """An open case with a support contract agreed: it may step down."""
        return self._contracted()

    @cached_property
    def stepped_down_case(self):
        return case_step_down(case=self._contracted(), by=self.tutor, reason="Contract agreed")

    def _makers_learner(self):
        from tests.policy_helpers import team_follows

        team = team_follows(TeamFactory(name="Makers Team"), "makers")
        return LearnerFactory(tutor=self.tutor, team=team)

    @cached_property
    def makers_case(self):
        """A Makers case at stage 1, which the tutor may move to stage 2."""
        return open_case(self._makers_learner(), by=self.tutor)

    @cached_property
    def mtt_task(self):
        """The dated task an MTT case sets at First risk identified (the directors' 10 days)."""
        from tests.policy_helpers import team_follows

        team = team_follows(TeamFactory(name="MTT Team"), "mtt")
        case = open_case(LearnerFactory(tutor=self.tutor, team=team), by=self.tutor)
        return case.tasks.get()

    @cached_property
    def recommending_case(self):
        """A Makers case at stage 3 (formal), which ends in a recommendation."""
        case = open_case(self._makers_learner(), by=self.tutor)
        for key in ("stage_1_forward", "stage_2_forward"):
            case = case_move_make(
                case=case, by=self.tutor, reason="No change", move_key=key, due_on=LATER
            )
        return case

    @cached_property
    def lettered_case(self):
        """A case at Stage 1, whose letter is still to send or skip."""
        return open_case(self.new_learner(), stage="stage_1", by=self.tutor)

    @cached_property
    def withdrawal_case(self):
        """A case at the last stage whose Notification of Withdrawal the tutor's manager raised
        (so the directors may decide it)."""
        with _at(NOW - dt.timedelta(days=14)):
            return at_withdrawal_stage(self.new_learner(), self.manager)

    @cached_property
    def raise_case(self):
        """A case at the last stage with no live withdrawal request (it was rejected)."""
        from withdrawals.services import withdrawal_reject

        with _at(NOW - dt.timedelta(days=14)):
            case = at_withdrawal_stage(self.new_learner(), self.manager)
            withdrawal_reject(
                request=case.withdrawal_requests.get(), by=self.director, reason="Try again."
            )
        case.refresh_from_db()
        return case

    @cached_property
    def pending_withdrawal(self):
        return self.withdrawal_case.withdrawal_requests.get()

    def _withdrawn(self, approved_at: dt.datetime):
        with _at(approved_at - dt.timedelta(days=14)):
            case = at_withdrawal_stage(self.new_learner(), self.manager)
        request = case.withdrawal_requests.get()
        with _at(approved_at):
            agreement(request, self.manager)
            last_day = approved_at.date() - dt.timedelta(days=1)
            approve(request, self.director, last_day_of_learning=last_day)
        request.refresh_from_db()
        return request

    @cached_property
    def withdrawn(self):
        """Withdrawn two working days ago: the appeal window is open."""
        return self._withdrawn(NOW - dt.timedelta(days=3))

    @cached_property
    def lodged_appeal(self) -> Appeal:
        request = self._withdrawn(NOW - dt.timedelta(days=3))
        return appeal_lodge(
            request=request,
            by=self.manager,
            appellant="learner",
            received_on=timezone.localdate(),
            grounds="I was in hospital.",
        )

    @cached_property
    def late_appeal(self) -> Appeal:
        request = self._withdrawn(NOW - dt.timedelta(days=40))
        return appeal_lodge(
            request=request,
            by=self.manager,
            appellant="learner",
            received_on=timezone.localdate(),
            grounds="I was abroad.",
        )

    @cached_property
    def on_break(self):
        learner = self.new_learner()
        break_start(
            learner=learner,
            started_on=timezone.localdate() - dt.timedelta(days=10),
            expected_return_on=timezone.localdate() + dt.timedelta(days=60),
            reason="Caring responsibilities",
            by=self.tutor,
        )
        learner.refresh_from_db()
        return learner

    @cached_property
    def risk_notification(self):
        return trigger_fire(
            firing=Firing(
                learner_id=self.learner.pk,
                rule=default_spec().trigger("missed_sessions"),
                fingerprint="sessions:hostile",
                evidence="Missed 3 sessions in a row without calling in.",
            ),
            today=timezone.localdate(),
        )

    @cached_property
    def action(self):
        return AgreedActionFactory(
            support_record__learner=self.learner, support_record__created_by=self.tutor
        )

    @cached_property
    def notification(self):
        return Notification.objects.create(
            recipient=self.tutor, kind="test", title="A note", url="/", dedupe_key="hostile"
        )

    @cached_property
    def import_batch(self):
        """A previewed attendance file with one good row, ready to apply."""
        content = f"uln,date,session,attendance\r\n{self.learner.uln},2026-11-20,Maths,attended\r\n"
        return records_import_preview(
            kind="attendance",
            uploaded_file=SimpleUploadedFile("attendance.csv", content.encode()),
            by=self.manager,
        )

    # --- policy versions (the aspiration policy the team follows by default)

    def _current_version(self, key: str):
        policy = Policy.objects.get(key=key)
        return policy.versions.get(pk=policy_current_version_id(policy_id=policy.pk))

    @cached_property
    def draft(self):
        """A draft of the team's policy, written by the director (the second one publishes)."""
        current = self._current_version(settings.DEFAULT_POLICY)
        return version_draft_create(policy=current.policy, based_on=current, by=self.director)

    @cached_property
    def retirable(self):
        """The version in effect of a policy no team follows: it may be retired."""
        policy = Policy.objects.filter(teams__isnull=True).order_by("pk").first()
        return self._current_version(policy.key)

    @cached_property
    def newer_version(self):
        """The team's policy's next version, published today after ``case`` opened."""
        assert self.case.pk  # opened under the version before
        version = version_publish(
            version=self.draft,
            by=self.second_director,
            effective_from=timezone.localdate(),
            reason="Annual review",
        )
        spec_cache_clear()
        return version
