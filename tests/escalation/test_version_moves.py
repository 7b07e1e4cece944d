"""Open cases keep the version they opened under; a manager may move them to a newer version of
the same policy, stage by stage."""

import copy

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from demo.factories import (
    LearnerFactory,
    SupportRecordFactory,
    TutorFactory,
    open_case,
    stage_letter_not_sent,
)
from escalation.calendar import add_working_days
from escalation.models import CaseStatus, ChangeKind
from escalation.services import case_advance, case_policy, case_step_down
from escalation.triggers.base import Firing
from escalation.triggers.firing import trigger_fire
from escalation.version_moves import cases_version_change
from policies.models import Policy
from policies.selectors import (
    policy_current_spec,
    policy_current_version_id,
    spec_cache_clear,
    version_spec,
    version_specs,
)
from policies.services import version_draft_create, version_publish
from riskcases.models import SupportKind
from tests.policy_helpers import team_follows

pytestmark = pytest.mark.usefixtures("monday")


@pytest.fixture
def aspiration(db, team):
    team_follows(team, "aspiration")
    return Policy.objects.get(key="aspiration")


@pytest.fixture
def publish_newer(aspiration, director, user_with_role):
    """Publish Aspiration's next version, in effect today (cases opened before stay on the
    older one): Stage 1 takes 7 working days and the first stage is called "identified"."""

    def publish():
        current = aspiration.versions.get(pk=policy_current_version_id(policy_id=aspiration.pk))
        draft = version_draft_create(policy=aspiration, based_on=current, by=director)
        document = copy.deepcopy(draft.document)
        document["stages"][0]["key"] = "identified"
        for move in document["moves"]:
            move["from_stages"] = [
                "identified" if key == "first_risk" else key for key in move.get("from_stages", [])
            ]
        document["stages"][1]["default_deadline"] = 7
        draft.document = document
        draft.save()
        version = version_publish(
            version=draft,
            by=user_with_role("director", username="second.director"),
            effective_from=timezone.localdate(),
            reason="Longer Stage 1",
        )
        spec_cache_clear()  # as publishing does once it commits
        return version

    return publish


def _open_cases(count: int, team, *, stage: str | None = "stage_1") -> list:
    return [open_case(LearnerFactory(team=team), stage=stage) for _ in range(count)]


def move(cases, to_version, by, mapping=None, reason="The new policy applies from today"):
    return cases_version_change(
        cases=cases,
        to_version=to_version,
        stage_mapping={"stage_1": "stage_1"} if mapping is None else mapping,
        by=by,
        reason=reason,
    )


def test_a_case_moves_to_the_mapped_stage_and_its_deadline_restarts(
    aspiration, publish_newer, learner, manager
):
    case = open_case(learner, stage="stage_1")
    older = case.policy_version
    newer = publish_newer()
    [moved] = move([case], newer, manager)
    moved.refresh_from_db()
    assert moved.policy_version == newer and moved.stage == "stage_1"
    today = timezone.localdate()
    assert moved.stage_due_on == add_working_days(today, 7, nation=learner.nation)
    assert moved.due_rule == "7 working days: Aspiration Stage 1, apprenticeship"

    change = moved.changes.order_by("-sequence").first()
    assert change.kind == ChangeKind.VERSION_CHANGED
    assert (change.from_stage, change.to_stage) == ("stage_1", "stage_1")
    assert change.policy_version == newer and change.by == manager
    assert change.reason == "The new policy applies from today"
    assert older != newer


def test_a_stage_the_new_version_lacks_must_be_mapped(aspiration, publish_newer, learner, manager):
    case = open_case(learner)
    newer = publish_newer()
    with pytest.raises(ValidationError) as refused:
        move([case], newer, manager, mapping={})
    assert refused.value.messages == ["Choose the stage of the new version for: first_risk."]
    with pytest.raises(ValidationError, match="has no stage first_risk"):
        move([case], newer, manager, mapping={"first_risk": "first_risk"})

    move([case], newer, manager, mapping={"first_risk": "identified"})
    case.refresh_from_db()
    assert (case.policy_version, case.stage) == (newer, "identified")


def test_moving_many_cases_takes_as_many_queries_as_moving_one(
    aspiration, publish_newer, team, manager
):
    one, six = _open_cases(1, team), _open_cases(6, team)
    newer = publish_newer()
    version_specs([newer.pk, one[0].policy_version_id])  # both versions read once per process
    counts = []
    for cases in (one, six):
        with CaptureQueriesContext(connection) as queries:
            move(cases, newer, manager)
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_stepped_down_case_stays_stepped_down(aspiration, publish_newer, learner, manager):
    case = open_case(learner, stage="stage_1")
    SupportRecordFactory(learner=learner, kind=SupportKind.SUPPORT_CONTRACT, created_by=manager)
    case = case_step_down(case=case, by=manager, reason="Contract agreed")
    newer = publish_newer()
    move([case], newer, manager)
    case.refresh_from_db()
    assert case.status == CaseStatus.STEPPED_DOWN and case.stage_due_on is None
    assert case.policy_version == newer


def test_a_closed_case_or_one_already_there_is_not_moved(
    aspiration, publish_newer, learner, manager, team
):
    case = open_case(learner, stage="stage_1")
    case.status = CaseStatus.CLOSED_ON_TRACK
    case.save(update_fields=["status"])
    newer = publish_newer()
    with pytest.raises(ValidationError, match="closed, on another policy or already on"):
        move([case], newer, manager)
    [already] = _open_cases(1, team)
    with pytest.raises(ValidationError, match="closed, on another policy or already on"):
        move([already], newer, manager)


def test_the_page_proposes_a_mapping_and_moves_the_managers_cases(
    client, aspiration, publish_newer, team, other_team, manager
):
    [mine] = _open_cases(1, team)
    first = open_case(LearnerFactory(team=team, first_name="Fay", last_name="First"))
    team_follows(other_team, "aspiration")
    [theirs] = _open_cases(1, other_team)
    older_id = theirs.policy_version_id
    newer = publish_newer()
    client.force_login(manager)

    version_page = client.get(reverse("policy_version", args=[newer.pk]))
    assert b"2 open cases you look after run under an older version" in version_page.content
    url = reverse("policy_version_move_cases", args=[newer.pk])
    page = client.get(url)
    form = page.context["form"]
    assert form["stage_first_risk"].initial == "identified"  # same place in the ladder
    assert form["stage_stage_1"].initial == "stage_1"  # same key
    assert {c.pk for c in form.fields["cases"].queryset} == {mine.pk, first.pk}

    response = client.post(
        url,
        {
            "cases": [mine.pk, first.pk],
            "reason": "New policy",
            "stage_first_risk": "identified",
            "stage_stage_1": "stage_1",
        },
    )
    assert response.status_code == 302
    for case in (mine, first, theirs):
        case.refresh_from_db()
    assert mine.policy_version == newer and first.stage == "identified"
    assert theirs.policy_version_id == older_id  # another team's: not the manager's to move


def test_a_refused_move_is_a_form_error(client, aspiration, publish_newer, team, manager):
    [case] = _open_cases(1, team)
    newer = publish_newer()
    client.force_login(manager)
    response = client.post(
        reverse("policy_version_move_cases", args=[newer.pk]),
        {"cases": [case.pk], "reason": " ", "stage_stage_1": "stage_1"},
    )
    assert response.status_code == 200 and response.context["form"].errors["reason"]


def test_a_tutor_cannot_move_cases(client, aspiration, tutor):
    client.force_login(tutor)
    version = aspiration.versions.order_by("-number").first()
    url = reverse("policy_version_move_cases", args=[version.pk])
    assert client.get(url).status_code == 403


def test_switching_a_teams_policy_leaves_its_open_cases_on_their_pinned_version(
    team, tutor, manager
):
    team_follows(team, "aspiration")
    aspiration_id = policy_current_version_id(policy_id=Policy.objects.get(key="aspiration").pk)
    old_learner = LearnerFactory(team=team, tutor=tutor)
    case = open_case(old_learner, stage="stage_1")

    team_follows(team, "mtt")

    case.refresh_from_db()
    assert case.policy_version_id == aspiration_id
    assert case_policy(case).key == "aspiration"
    assert case.due_rule == "5 working days: Aspiration Stage 1, apprenticeship"
    # Aspiration's moves: a tutor moves Stage 1 on (under MTT only a director may).
    [forward] = [m for m in case_policy(case).moves_from("stage_1", kind="forward") if m.people]
    assert "tutor" in forward.by_roles
    stage_letter_not_sent(case, by=tutor)
    case = case_advance(case=case, by=tutor, reason="No reply to the Stage 1 letter")
    assert case.stage == "stage_2" and case.policy_version_id == aspiration_id
    assert case.due_rule == "5 working days: Aspiration Stage 2, apprenticeship"  # MTT: 10

    new_case = open_case(LearnerFactory(team=team, tutor=TutorFactory()))
    assert case_policy(new_case).key == "mtt"

    # A trigger evaluated under the team's policy now (MTT) fires for the old case's learner:
    # it joins the case without moving it into MTT's stages.
    mtt = policy_current_spec(policy_id=Policy.objects.get(key="mtt").pk)
    note = trigger_fire(
        firing=Firing(
            learner_id=old_learner.pk,
            rule=mtt.trigger("missed_sessions"),
            fingerprint="sessions:after-switch",
            evidence="Missed 3 sessions in a row without calling in.",
        ),
        today=timezone.localdate(),
    )
    case.refresh_from_db()
    assert note.case_id == case.pk
    assert case.policy_version_id == aspiration_id and case.stage == "stage_2"
    assert version_spec(case.policy_version_id).has_stage(case.stage)
