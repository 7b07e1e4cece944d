"""Whether a version's document makes sense as a policy, in words a quality lead reads: each
problem names where it is ("Stage 3 (stage_3)", "Move 'Escalate to Stage 4'") and what is
wrong. A draft with problems cannot be published (policies/services.py).

Two passes: the document as stored (shapes and numbers, so "2.5 days" is caught before the
reader rounds it), then the policy it reads as (stages reachable, an end, known roles).
The letter check needs the policy's letter templates, which live in a higher app: the caller
passes their keys (policies/hooks.py supplies them to the publishing service)."""

from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass

from policies.documents import DocumentError, spec_from_document
from policies.spec import (
    CONTACT_PARTIES,
    MOVE_KINDS,
    NATIONS,
    PROGRAMME_TYPES,
    RAISES_WITHDRAWAL,
    RECOMMENDS,
    RISK_LEVELS,
    ROLES,
    SWEEP,
    WITHDRAWAL_INPUTS,
    Move,
    Periods,
    PolicySpec,
    Stage,
)
from policies.trigger_kinds import TRIGGER_KINDS

MOVE_ROLES = (*ROLES, SWEEP)
# Moves that take a case from one stage to another (what makes a stage reachable).
LADDER_KINDS = ("forward", "back", "extend")
# Moves that take a case off the ladder altogether (what makes it end).
EXIT_KINDS = ("withdrawal", "termination", "close")
WITHDRAWAL_EFFECTS = ("", RAISES_WITHDRAWAL, RECOMMENDS)
WHOLE_DAYS = "must be a whole number of working days above zero"
_PERIOD_NAMES = frozenset(Periods.__dataclass_fields__)
# Periods a version may leave out (None: the rule is off for it).
_OPTIONAL_PERIODS = frozenset({"rating_review_days"})


@dataclass(frozen=True)
class Problem:
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


def _positive_whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _shown(value) -> str:
    return f"'{value}'" if isinstance(value, str) else str(value)


def _stage_where(data: dict, index: int) -> str:
    name, key = data.get("name") or f"Stage {index + 1}", data.get("key")
    return f"{name} ({key})" if key else name


def _listed(values: Collection[str]) -> str:
    return ", ".join(f"'{v}'" for v in values)


# --- the document as stored -----------------------------------------------------------------


def _deadline_problems(data: dict, where: str) -> list[Problem]:
    problems = []
    if data.get("default_deadline") is not None and not _positive_whole(data["default_deadline"]):
        problems.append(
            Problem(where, f"The deadline {WHOLE_DAYS} (it is {_shown(data['default_deadline'])}).")
        )
    for ptype, days in (data.get("deadlines") or {}).items():
        if ptype not in PROGRAMME_TYPES:
            problems.append(
                Problem(where, f"A deadline names an unknown programme type {ptype!r}.")
            )
        elif not _positive_whole(days):
            problems.append(
                Problem(where, f"The deadline for {ptype}s {WHOLE_DAYS} (it is {_shown(days)}).")
            )
    for nation, by_type in (data.get("nation_deadlines") or {}).items():
        if nation not in NATIONS:
            problems.append(Problem(where, f"A deadline names an unknown nation {nation!r}."))
            continue
        for ptype, days in (by_type or {}).items():
            if ptype != "*" and ptype not in PROGRAMME_TYPES:
                problems.append(
                    Problem(where, f"A deadline names an unknown programme type {ptype!r}.")
                )
            elif not _positive_whole(days):
                problems.append(
                    Problem(where, f"The deadline in {nation} {WHOLE_DAYS} (it is {_shown(days)}).")
                )
    return problems


def _document_problems(document: dict) -> list[Problem]:
    """Shapes and numbers, read from the stored document itself."""
    problems = []
    stages = document.get("stages") or []
    if not isinstance(stages, list) or not all(isinstance(s, dict) for s in stages):
        return [Problem("Stages", "The stages must be a list, each stage with its own entries.")]
    for index, data in enumerate(stages):
        where = _stage_where(data, index)
        for entry in ("key", "name"):
            if not data.get(entry):
                problems.append(Problem(where, f"The stage has no {entry}."))
        problems += _deadline_problems(data, where)
    moves = document.get("moves") or []
    if not isinstance(moves, list) or not all(isinstance(m, dict) for m in moves):
        return [*problems, Problem("Moves", "The moves must be a list, each with its own entries.")]
    for index, data in enumerate(moves):
        where = f"Move '{data.get('label') or data.get('key') or index + 1}'"
        for entry in ("key", "kind", "label"):
            if not data.get(entry):
                problems.append(Problem(where, f"The move has no {entry}."))
        extend_days = data.get("extend_days")
        if extend_days is not None and not _positive_whole(extend_days):
            problems.append(
                Problem(where, f"The days it adds {WHOLE_DAYS} (it is {_shown(extend_days)}).")
            )
    for index, data in enumerate(document.get("triggers") or []):
        kind = data.get("kind") if isinstance(data, dict) else None
        if kind not in TRIGGER_KINDS:
            problems.append(
                Problem(f"Trigger {index + 1}", f"There is no kind of trigger called {kind!r}.")
            )
    periods = document.get("periods") or {}
    for name, value in periods.items() if isinstance(periods, dict) else ():
        words = name.replace("_", " ")
        if name not in _PERIOD_NAMES:
            problems.append(Problem("Periods", f"There is no period called '{words}'."))
        elif not _positive_whole(value) and not (name in _OPTIONAL_PERIODS and value is None):
            problems.append(
                Problem(
                    "Periods", f"'{words}' must be a whole number above zero ({_shown(value)})."
                )
            )
    inactivity = (document.get("drivers") or {}).get("inactivity_days")
    if inactivity is not None and not _positive_whole(inactivity):
        problems.append(
            Problem("What starts a case", f"The days of inactivity {WHOLE_DAYS} ({inactivity}).")
        )
    return problems


def _readable(document: dict) -> dict:
    """The document without the triggers of unknown kinds (already reported), so the rest can
    still be read and checked."""
    triggers = [
        t
        for t in document.get("triggers") or []
        if isinstance(t, dict) and t.get("kind") in TRIGGER_KINDS
    ]
    return {**document, "triggers": triggers}


def _read_failure(exc: DocumentError) -> Problem:
    cause = exc.__cause__
    if isinstance(cause, KeyError):
        return Problem("The document", f"A required entry is missing: '{cause.args[0]}'.")
    return Problem(
        "The document",
        "It cannot be read as a policy: an entry holds the wrong kind of value (a list, a "
        "number or a piece of text where another was expected).",
    )


# --- the policy it reads as -----------------------------------------------------------------


def _where(stage: Stage) -> str:
    return f"{stage.name} ({stage.key})"


def _reachable(spec: PolicySpec) -> set[str]:
    keys = [stage.key for stage in spec.stages]
    edges: dict[str, set[str]] = {key: set() for key in keys}
    for move in spec.moves:
        if move.kind not in LADDER_KINDS:
            continue
        for source in move.from_stages or keys:
            if source not in edges:
                continue
            if move.to_stage in edges:
                edges[source].add(move.to_stage)
            elif move.to_stage is None and move.kind == "forward":
                following = spec.next_stage(source)
                if following is not None:
                    edges[source].add(following.key)
    seen, todo = {keys[0]}, [keys[0]]
    while todo:
        for target in edges[todo.pop()] - seen:
            seen.add(target)
            todo.append(target)
    return seen


def _stage_problems(spec: PolicySpec, letter_keys: Collection[str] | None) -> list[Problem]:
    problems = []
    for key, count in Counter(stage.key for stage in spec.stages).items():
        if count > 1:
            problems.append(
                Problem(
                    f"Stages ({key})", f"{count} stages have the key '{key}': each needs its own."
                )
            )
    reached = _reachable(spec)
    first = spec.stages[0]
    for stage in spec.stages:
        where = _where(stage)
        if stage.key not in reached:
            problems.append(
                Problem(where, f"No move reaches this stage from the first stage ({first.name}).")
            )
        unknown = [role for role in stage.actor_roles if role not in ROLES]
        if unknown:
            problems.append(Problem(where, f"Who acts names unknown roles: {_listed(unknown)}."))
        problems += _review_and_recommendation_problems(stage, where)
        for task in stage.dated_tasks:
            if task.days < 1:
                problems.append(Problem(where, f"Task '{task.label}' needs days above zero."))
            unknown = [role for role in task.tell_roles if role not in ROLES]
            if unknown:
                problems.append(
                    Problem(where, f"Task '{task.label}' tells unknown roles: {_listed(unknown)}.")
                )
        if stage.withdrawal_effect not in WITHDRAWAL_EFFECTS:
            problems.append(
                Problem(where, f"Reaching it does something unknown: '{stage.withdrawal_effect}'.")
            )
        if letter_keys is not None and stage.letter and stage.letter not in letter_keys:
            problems.append(
                Problem(
                    where,
                    f"Its letter '{stage.letter}' is not one of this policy's letter templates "
                    f"({_listed(sorted(letter_keys)) or 'none yet'}): add the template first.",
                )
            )
    last = spec.stages[-1]
    ends = last.withdrawal_effect in (RAISES_WITHDRAWAL, RECOMMENDS) or any(
        move.kind in EXIT_KINDS for move in spec.moves
    )
    if not ends:
        problems.append(
            Problem(
                "Stages",
                f"The ladder never ends: the last stage ({last.name}) neither raises a withdrawal "
                "nor ends in a recommendation, and no move withdraws, terminates or closes a case.",
            )
        )
    return problems


def _review_and_recommendation_problems(stage: Stage, where: str) -> list[Problem]:
    problems = []
    if stage.review_meetings < 0:
        problems.append(Problem(where, "Review meetings cannot be fewer than none."))
    if stage.review_meetings and not stage.review_points:
        problems.append(Problem(where, "Its review meetings need the points each one records."))
    unknown = [role for role in stage.recommended_by if role not in ROLES]
    if unknown:
        problems.append(Problem(where, f"Who recommends names unknown roles: {_listed(unknown)}."))
    return problems


def _requirement_problems(spec: PolicySpec, move: Move, where: str) -> list[Problem]:
    """A requirement the stages it is made from could never meet."""
    problems = []
    needs = move.requires
    stages = [spec.stage(key) for key in move.from_stages if spec.has_stage(key)]
    for stage in stages:
        if needs.outcome and needs.outcome not in stage.outcomes:
            problems.append(
                Problem(
                    where,
                    f"It needs the recommendation '{needs.outcome}', which is not one of "
                    f"{stage.name}'s outcomes.",
                )
            )
        if needs.review_meetings > stage.review_meetings:
            problems.append(
                Problem(
                    where,
                    f"It needs {needs.review_meetings} review meetings, but {stage.name} "
                    f"holds {stage.review_meetings or 'none'}.",
                )
            )
    return problems


def _move_problems(spec: PolicySpec) -> list[Problem]:
    problems = []
    keys = {stage.key for stage in spec.stages}
    for key, count in Counter(move.key for move in spec.moves).items():
        if count > 1:
            problems.append(
                Problem(
                    f"Moves ({key})", f"{count} moves have the key '{key}': each needs its own."
                )
            )
    for move in spec.moves:
        where = f"Move '{move.label}'"
        if move.kind not in MOVE_KINDS:
            problems.append(Problem(where, f"There is no kind of move called '{move.kind}'."))
        if not move.by_roles:
            problems.append(Problem(where, "Nobody may make it: name at least one role."))
        unknown_roles = [role for role in move.by_roles if role not in MOVE_ROLES]
        if unknown_roles:
            problems.append(Problem(where, f"It names unknown roles: {_listed(unknown_roles)}."))
        unknown_stages = [key for key in move.from_stages if key not in keys]
        if move.to_stage and move.to_stage not in keys:
            unknown_stages.append(move.to_stage)
        if unknown_stages:
            problems.append(Problem(where, f"It names unknown stages: {_listed(unknown_stages)}."))
        problems += _requirement_problems(spec, move, where)
        if move.kind == "extend" and move.to_stage is None and not move.extend_days:
            problems.append(Problem(where, f"An extension needs the days it adds ({WHOLE_DAYS})."))
    return problems


def _other_problems(spec: PolicySpec) -> list[Problem]:
    problems = []
    keys = {stage.key for stage in spec.stages}
    for index, rule in enumerate(spec.triggers):
        if rule.opens_at and rule.opens_at not in keys:
            problems.append(
                Problem(
                    f"Trigger {index + 1} ({rule.key})",
                    f"It opens cases at an unknown stage '{rule.opens_at}'.",
                )
            )
    problems += _addition_problems(spec)
    problems += _rating_and_withdrawal_problems(spec)
    for level in RISK_LEVELS:
        if not str(spec.rating_labels.get(level) or "").strip():
            problems.append(Problem("Risk ratings", f"The {level} rating has no label."))
    return problems


def _rating_and_withdrawal_problems(spec: PolicySpec) -> list[Problem]:
    """Rating actions name known levels, parties and roles; the withdrawal's requirements are
    whole numbers and its inputs known ones; stage contacts name known parties."""
    problems = []
    for level, actions in spec.rating_actions.items():
        where = f"What the {level} rating asks for"
        if level not in RISK_LEVELS:
            problems.append(Problem(where, f"There is no rating '{level}'."))
        for action in actions:
            if unknown := set(action.contact_with) - set(CONTACT_PARTIES):
                problems.append(Problem(where, f"'{action.label}' names {_listed(unknown)}."))
            if unknown := set(action.by_roles) - set(ROLES):
                problems.append(
                    Problem(where, f"'{action.label}' names unknown roles {_listed(unknown)}.")
                )
    rules = spec.withdrawal
    if (
        rules.distinct_channels > max(rules.contact_attempts, 0)
        or min(rules.contact_attempts, rules.distinct_channels) < 0
    ):
        problems.append(
            Problem(
                "Before withdrawal",
                "The contact attempts must be a whole number at least as large as the number "
                "of different channels.",
            )
        )
    if unknown := set(rules.informed_by) - set(WITHDRAWAL_INPUTS):
        problems.append(
            Problem("Before withdrawal", f"Unknown inputs to the decision: {_listed(unknown)}.")
        )
    for stage in spec.stages:
        for contact in stage.contacts:
            if contact.contact_with and contact.contact_with not in CONTACT_PARTIES:
                problems.append(
                    Problem(_where(stage), f"'{contact.label}' is with '{contact.contact_with}'.")
                )
    return problems


def _addition_problems(spec: PolicySpec) -> list[Problem]:
    """Each "our addition" names something the version has, and says why."""
    named = {
        "periods": set(_PERIOD_NAMES),
        "drivers": {"rating_levels", "triggers", "inactivity_days"},
        "triggers": {rule.key for rule in spec.triggers},
        "stages": {stage.key for stage in spec.stages},
        "moves": {move.key for move in spec.moves},
        "withdrawal": {"contact_attempts", "distinct_channels", "informed_by"},
        "rating_actions": set(spec.rating_actions),
    }
    problems = []
    for path, why in spec.additions.items():
        section, _, name = path.partition(".")
        where = f"Our addition '{path}'"
        if name.partition(".")[0] not in named.get(section, ()):
            problems.append(Problem(where, "It names nothing this version has."))
        elif not why.strip():
            problems.append(Problem(where, "Say why it is added: the document does not state it."))
    return problems


def version_problems(*, document, letter_keys: Collection[str] | None = None) -> list[Problem]:
    """Everything wrong with ``document`` as a policy version (empty: it may be published).
    ``letter_keys``: the policy's active letter templates (None: not checked)."""
    if not isinstance(document, dict):
        return [Problem("The document", "It is not a policy document (a set of named entries).")]
    problems = _document_problems(document)
    try:
        spec = spec_from_document(_readable(document), key="", short_name="", name="")
    except DocumentError as exc:
        return problems or [_read_failure(exc)]
    if not spec.stages:
        return [*problems, Problem("Stages", "There are no stages: a case needs at least one.")]
    return (
        problems + _stage_problems(spec, letter_keys) + _move_problems(spec) + _other_problems(spec)
    )
