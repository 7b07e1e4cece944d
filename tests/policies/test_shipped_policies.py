"""What each shipped policy says, by the policy rule it encodes (policies/seeds/)."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from policies.models import Policy, PolicyVersion
from policies.seeding import shipped_keys, shipped_spec
from policies.selectors import policy_current_spec
from policies.spec import RISK_LEVELS
from tests.policy_helpers import team_follows

PRESETS = {key: shipped_spec(key) for key in shipped_keys()}


def days(preset: str, stage: str, programme: str) -> int | None:
    return PRESETS[preset].stage(stage).deadline_for(programme)


def test_rule_aspiration_stage_1_is_5_working_days_3_for_traineeships():
    assert days("aspiration", "stage_1", "apprenticeship") == 5
    assert days("aspiration", "stage_1", "short_course") == 5
    assert days("aspiration", "stage_1", "traineeship") == 3


def test_rule_aspiration_stage_2_is_5_working_days_2_for_traineeships():
    assert days("aspiration", "stage_2", "apprenticeship") == 5
    assert days("aspiration", "stage_2", "traineeship") == 2


def test_rule_aspiration_stage_3_hands_over_to_withdrawal():
    stage = PRESETS["aspiration"].stage("stage_3")
    assert stage.withdrawal and stage.deadline_for("apprenticeship") is None
    assert stage.actor_title("WLS") == "Operational Support Coordinator"
    assert stage.actor_title("ENG") == "Sector Manager"


def test_rule_aspiration_stages_need_two_further_welfare_attempts():
    for key in ("stage_1", "stage_2"):
        welfare = [c for c in PRESETS["aspiration"].stage(key).contacts if c.welfare_check]
        assert [c.count for c in welfare] == [2]


def test_rule_mtt_stage_1_director_5_days_and_stage_2_10_working_days():
    mtt = PRESETS["mtt"]
    assert days("mtt", "stage_1", "apprenticeship") == 5
    assert mtt.stage("stage_1").actor_roles == ("director",)
    assert days("mtt", "stage_2", "apprenticeship") == 10
    assert [(t.days, t.tell_roles) for t in mtt.stage("first_risk").dated_tasks] == [
        (10, ("director",))
    ]


def test_rule_bpn_inactivity_ladder_weeks_2_3_4_5_8():
    bpn = PRESETS["bpn"]
    assert [s.key for s in bpn.stages] == ["week_2", "week_3", "week_4", "week_5", "week_8"]
    # Weeks 2->3->4->5 are a week (5 working days) each; week 5 -> 8 is three weeks.
    assert [s.deadline_for("apprenticeship") for s in bpn.stages] == [5, 5, 5, 15, None]
    assert bpn.stages[-1].withdrawal
    assert bpn.label("low") == "Green" and bpn.label("high") == "Red"
    # Two weeks' inactivity starts the ladder itself (10 working days), not as a trigger; the
    # Green/Amber/Red rating runs beside it and opens no case.
    assert bpn.drivers.inactivity_days == 10 and bpn.drivers.rating_levels == frozenset()
    assert "inactivity" not in {rule.key for rule in bpn.triggers}


def test_rule_makers_five_stages_two_informal_two_reviews_per_formal_stage():
    makers = PRESETS["makers"]
    assert len(makers.stages) == 5
    assert [s.informal for s in makers.stages] == [True, True, False, False, False]
    for stage in makers.stages[2:]:
        assert stage.deadline_set_by_person and makers.automatic_forward(stage.key) is None
        assert stage.review_meetings == 2 and len(stage.review_points) == 5


@pytest.mark.parametrize("key", sorted(PRESETS))
def test_every_preset_labels_every_rating_and_ends_in_withdrawal_or_a_recommendation(key):
    preset = PRESETS[key]
    assert set(preset.rating_labels) == set(RISK_LEVELS) == set(preset.rating_meanings)
    # Makers' formal stages end in a recommendation (terminate, extend, break, back a stage).
    assert preset.stages[-1].withdrawal_effect in ("raise", "recommend")
    assert sum(s.withdrawal for s in preset.stages) <= 1


def test_the_database_holds_each_shipped_policy_as_the_seed_says(db):
    for key, preset in PRESETS.items():
        stored = policy_current_spec(policy_id=Policy.objects.get(key=key).pk)
        assert stored.version_id == preset_version_id(key)
        assert stored.stages == preset.stages and stored.moves == preset.moves
        assert stored.rating_labels == preset.rating_labels


def preset_version_id(key: str) -> int:
    return PolicyVersion.objects.filter(policy__key=key, status="published").latest("number").pk


def test_aspiration_has_two_versions_the_2021_one_retired(db):
    versions = PolicyVersion.objects.filter(policy__key="aspiration").order_by("number")
    assert [(v.label, v.status) for v in versions] == [
        ("2021 (ATL 1.0)", "retired"),
        ("2022 (ATL 1.2)", "published"),
    ]


@pytest.mark.parametrize("key", sorted(PRESETS))
def test_the_policy_page_says_what_the_preset_runs(client, tutor, key):
    client.force_login(tutor)
    page = client.get(reverse("policy_version", args=[preset_version_id(key)])).content.decode()
    preset = PRESETS[key]
    assert preset.name in page
    for stage in preset.stages:
        assert stage.name in page
        if stage.default_deadline:
            assert f"{stage.default_deadline} working days" in page
    for rule in preset.triggers:
        assert escape(rule.name) in page


@pytest.mark.parametrize(
    ("key", "says", "does_not_say"),
    [
        ("aspiration", "A rating of Medium or High opens an escalation case.", "runs beside"),
        ("mtt", "opens an escalation case.", "No recorded activity for"),
        (
            "bpn",
            "The rating does not open a case: it runs beside the ladder. No recorded activity "
            "for 10 working days starts the ladder; it moves on only while the inactivity "
            "lasts, and activity recorded stops it",
            "opens (or joins) the learner",
        ),
    ],
)
def test_the_policy_page_says_what_drives_the_ladder(client, tutor, key, says, does_not_say):
    client.force_login(tutor)
    page = client.get(reverse("policy_version", args=[preset_version_id(key)])).content.decode()
    assert escape(says) in page
    assert escape(does_not_say) not in page


def test_rule_aspiration_stage_1_triggers_open_cases_at_stage_1():
    aspiration = PRESETS["aspiration"]
    at_stage_1 = {r.key for r in aspiration.triggers if r.opens_at == "stage_1"}
    # 5.3.2: non-attendance, no recorded progress in 42/49 days, 2 cancelled visits in 4 weeks,
    # no response on a break for 3 months (or no return date).
    assert at_stage_1 == {
        "missed_sessions",
        "no_progress",
        "cancelled_visits",
        "break_silence",
        "break_no_return",
    }
    assert aspiration.trigger("no_progress").days_by_nation == {"ENG": 42, "WLS": 49}
    assert aspiration.directors_told_within_days == 60


def test_the_learner_page_names_the_policy_version_that_applies(client, tutor, learner):
    from escalation.services import case_open

    client.force_login(tutor)
    url = reverse("learner_detail", args=[learner.pk])
    assert "Aspiration 2022 (ATL 1.2)" in client.get(url).content.decode()
    case_open(learner=learner, by=tutor, reason="Behind plan")
    team_follows(learner.team, "mtt")
    page = client.get(url).content.decode()
    # The open case keeps its version; a new case would open under the team's new policy.
    assert "Case under" in page and "Aspiration 2022 (ATL 1.2)" in page and "MTT 2025" in page


def test_an_admin_sets_a_teams_policy_and_the_default_for_new_teams(admin_client, team):
    from learners.models import Team

    mtt = Policy.objects.get(key="mtt")
    response = admin_client.post(
        reverse("admin:learners_team_change", args=[team.pk]),
        {"name": team.name, "nation": team.nation, "policy": mtt.pk, "managers": []},
    )
    assert response.status_code == 302
    team.refresh_from_db()
    assert team.policy == mtt
    # A second default is a form error, not a server error.
    response = admin_client.post(
        reverse("admin:policies_policy_change", args=[mtt.pk]),
        {"key": "mtt", "short_name": "MTT", "name": mtt.name, "default_for_new_teams": "on"},
    )
    assert response.status_code == 200
    assert "already the default" in response.content.decode()
    assert Team.objects.create(name="New team").policy.key == "aspiration"
