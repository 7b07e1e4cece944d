"""What stops a version being published, in the words a quality lead reads."""

import copy

import pytest

from policies.seeding import catalogue, seed_document
from policies.validation import version_problems

WHOLE = "must be a whole number of working days above zero"
SHIPPED = [version["file"] for entry in catalogue() for version in entry["versions"]]


def aspiration() -> dict:
    return copy.deepcopy(seed_document("aspiration-2022.json"))


def stage(document: dict, key: str) -> dict:
    return next(s for s in document["stages"] if s["key"] == key)


def move(document: dict, key: str) -> dict:
    return next(m for m in document["moves"] if m["key"] == key)


def said(document: dict, **kwargs) -> list[str]:
    return [str(problem) for problem in version_problems(document=document, **kwargs)]


@pytest.mark.parametrize("filename", SHIPPED)
def test_every_shipped_version_validates_clean(filename):
    assert said(seed_document(filename)) == []


def test_the_shipped_letters_exist_for_the_shipped_policies(db):
    from policies.hooks import letter_keys

    for entry in catalogue():
        keys = letter_keys(policy_key=entry["key"])
        for version in entry["versions"]:
            assert said(seed_document(version["file"]), letter_keys=keys) == []


def test_a_document_that_does_not_read_says_so():
    assert said(["not", "a", "policy"]) == [
        "The document: It is not a policy document (a set of named entries)."
    ]
    document = aspiration()
    del document["rating_labels"]
    assert said(document) == ["The document: A required entry is missing: 'rating_labels'."]


def test_a_policy_needs_a_stage():
    document = aspiration()
    document["stages"], document["moves"], document["triggers"] = [], [], []
    assert said(document) == ["Stages: There are no stages: a case needs at least one."]


def test_stage_keys_are_unique():
    document = aspiration()
    stage(document, "stage_2")["key"] = "stage_1"
    assert "Stages (stage_1): 2 stages have the key 'stage_1': each needs its own." in said(
        document
    )


def test_a_stage_no_move_reaches_is_named():
    document = aspiration()
    document["moves"] = [m for m in document["moves"] if m["key"] != "stage_2_forward"]
    move(document, "stage_2_overdue")["kind"] = "step_down"
    assert said(document) == [
        "Stage 3: Notification of Withdrawal (stage_3): No move reaches this stage from the "
        "first stage (First risk identified)."
    ]


def test_a_forward_move_without_a_target_reaches_the_next_stage():
    document = aspiration()
    for m in document["moves"]:
        m.pop("from_stages", None)  # forward from any stage: the ladder's own order
    assert said(document) == []


def test_a_ladder_that_never_ends_is_refused():
    document = aspiration()
    stage(document, "stage_3")["withdrawal_effect"] = ""
    document["moves"] = [m for m in document["moves"] if m["kind"] not in ("close", "withdrawal")]
    document.pop("additions", None)
    assert said(document) == [
        "Stages: The ladder never ends: the last stage (Stage 3: Notification of Withdrawal) "
        "neither raises a withdrawal nor ends in a recommendation, and no move withdraws, "
        "terminates or closes a case."
    ]


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (
            {"default_deadline": 0},
            f"The deadline {WHOLE} (it is 0).",
        ),
        (
            {"default_deadline": 2.5},
            f"The deadline {WHOLE} (it is 2.5).",
        ),
        (
            {"deadlines": {"traineeship": -1}},
            f"The deadline for traineeships {WHOLE} (it is -1).",
        ),
        (
            {"nation_deadlines": {"WLS": {"*": "ten"}}},
            f"The deadline in WLS {WHOLE} (it is 'ten').",
        ),
        ({"deadlines": {"degree": 5}}, "A deadline names an unknown programme type 'degree'."),
    ],
)
def test_every_deadline_is_a_positive_whole_number_of_working_days(change, words):
    document = aspiration()
    stage(document, "stage_1").update(change)
    assert said(document) == [f"Stage 1 (stage_1): {words}"]


def test_a_move_nobody_may_make_is_refused():
    document = aspiration()
    move(document, "stage_1_forward")["by_roles"] = []
    assert said(document) == ["Move 'Move to Stage 2': Nobody may make it: name at least one role."]


def test_a_move_naming_unknowns_is_refused():
    document = aspiration()
    document["moves"].append(
        {
            "key": "escalate_4",
            "kind": "leap",
            "label": "Escalate to Stage 4",
            "from_stages": ["stage_3"],
            "to_stage": "stage_4",
            "by_roles": ["headteacher"],
        }
    )
    assert said(document) == [
        "Move 'Escalate to Stage 4': There is no kind of move called 'leap'.",
        "Move 'Escalate to Stage 4': It names unknown roles: 'headteacher'.",
        "Move 'Escalate to Stage 4': It names unknown stages: 'stage_4'.",
    ]


def test_an_extension_needs_its_days():
    document = aspiration()
    document["moves"].append(
        {"key": "more", "kind": "extend", "label": "More time", "by_roles": ["manager"]}
    )
    assert said(document) == [
        "Move 'More time': An extension needs the days it adds (must be a whole number of "
        "working days above zero)."
    ]
    document["moves"][-1]["extend_days"] = 0
    assert said(document)[0] == (
        "Move 'More time': The days it adds must be a whole number of working days above zero "
        "(it is 0)."
    )
    document["moves"][-1]["extend_days"] = 5
    assert said(document) == []


def test_a_stage_letter_needs_its_template():
    document = aspiration()
    assert said(document, letter_keys={"stage_1", "stage_2"}) == [
        "Stage 3: Notification of Withdrawal (stage_3): Its letter 'stage_3' is not one of this "
        "policy's letter templates ('stage_1', 'stage_2'): add the template first."
    ]


def test_a_trigger_of_an_unknown_kind_is_named_and_the_rest_still_checked():
    document = aspiration()
    document["triggers"].append({"kind": "horoscope"})
    move(document, "close")["by_roles"] = []
    assert said(document) == [
        f"Trigger {len(document['triggers'])}: There is no kind of trigger called 'horoscope'.",
        "Move 'Close: back on track': Nobody may make it: name at least one role.",
    ]


def test_a_trigger_opening_at_an_unknown_stage_is_refused():
    document = aspiration()
    document["triggers"][0]["opens_at"] = "stage_9"
    assert said(document) == [
        "Trigger 1 (behind_progress): It opens cases at an unknown stage 'stage_9'."
    ]


def test_every_rating_level_has_a_label():
    document = aspiration()
    document["rating_labels"]["medium"] = " "
    assert said(document) == ["Risk ratings: The medium rating has no label."]


def test_periods_are_positive():
    document = aspiration()
    document["periods"]["appeal_working_days"] = 0
    document["periods"]["coffee_breaks"] = 3
    assert said(document) == [
        "Periods: 'appeal working days' must be a whole number above zero (0).",
        "Periods: There is no period called 'coffee breaks'.",
    ]


def test_it_refuses_an_addition_naming_nothing_the_version_has():
    document = aspiration()
    document["additions"] = {"triggers.no_such_kind": "why"}
    assert said(document) == [
        "Our addition 'triggers.no_such_kind': It names nothing this version has."
    ]


def test_it_refuses_an_addition_without_a_reason():
    document = aspiration()
    document["additions"] = {"periods.back_on_track_days": " "}
    assert said(document) == [
        "Our addition 'periods.back_on_track_days': Say why it is added: the document does not "
        "state it."
    ]


def test_it_accepts_additions_naming_what_the_version_has():
    document = aspiration()
    document["additions"] = {
        "periods.back_on_track_days": "The policy says 'consistently'; we read 4 weeks.",
        "triggers.missed_homework": "Not in the document.",
        "stages.stage_1": "x",
        "moves.close": "y",
    }
    assert said(document) == []
