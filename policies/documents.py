"""A version's document (the JSON stored on PolicyVersion.document) to and from PolicySpec.

The document is plain data a provider owns: lists and mappings of strings and numbers, in the
shape of policies/spec.py. ``spec_from_document`` raises DocumentError (with the path of the
bad value) on a document that does not have that shape; policies/validation.py then checks that
a well-shaped document makes sense as a policy (reachable stages, an end, positive deadlines).
"""

from typing import Any

from policies.spec import (
    ContactRequirement,
    DatedTask,
    Drivers,
    Move,
    MoveRequirements,
    Periods,
    PolicySpec,
    RatingAction,
    Stage,
    TriggerRule,
    WithdrawalRules,
)
from policies.trigger_kinds import TRIGGER_KINDS


class DocumentError(ValueError):
    """The document does not have the shape of a policy version."""


def _set(values) -> frozenset[str]:
    return frozenset(values or ())


def _contact(data: dict) -> ContactRequirement:
    return ContactRequirement(
        label=data["label"],
        count=int(data["count"]),
        contact_types=_set(data.get("contact_types")),
        welfare_check=bool(data.get("welfare_check", False)),
        distinct_channels=int(data.get("distinct_channels", 0)),
        contact_with=data.get("contact_with", ""),
    )


def _rating_action(data: dict) -> RatingAction:
    return RatingAction(
        label=data["label"],
        contact_with=tuple(data.get("contact_with", ())),
        contact_types=_set(data.get("contact_types")),
        by_roles=tuple(data.get("by_roles", ())),
        support_kinds=tuple(data.get("support_kinds", ())),
        optional=bool(data.get("optional", False)),
    )


def _withdrawal(data: dict) -> WithdrawalRules:
    return WithdrawalRules(
        contact_attempts=int(data.get("contact_attempts", 0)),
        distinct_channels=int(data.get("distinct_channels", 0)),
        informed_by={str(k): str(v) for k, v in data.get("informed_by", {}).items()},
    )


def _stage(data: dict) -> Stage:
    return Stage(
        key=data["key"],
        name=data["name"],
        summary=data.get("summary", ""),
        actor_roles=tuple(data.get("actor_roles", ())),
        actor_titles=dict(data.get("actor_titles", {})),
        deadlines={k: int(v) for k, v in data.get("deadlines", {}).items()},
        default_deadline=data.get("default_deadline"),
        nation_deadlines={
            nation: {k: int(v) for k, v in days.items()}
            for nation, days in data.get("nation_deadlines", {}).items()
        },
        deadline_set_by_person=bool(data.get("deadline_set_by_person", False)),
        contacts=tuple(_contact(c) for c in data.get("contacts", ())),
        tasks=tuple(data.get("tasks", ())),
        letter=data.get("letter") or None,
        informal=bool(data.get("informal", False)),
        withdrawal_effect=data.get("withdrawal_effect", ""),
        outcomes=tuple(data.get("outcomes", ())),
        tell_roles=tuple(data.get("tell_roles", ())),
        source=data.get("source", ""),
        dated_tasks=tuple(
            DatedTask(
                label=task["label"],
                days=int(task["days"]),
                tell_roles=tuple(task.get("tell_roles", ())),
            )
            for task in data.get("dated_tasks", ())
        ),
        copied_to={str(k): str(v) for k, v in data.get("copied_to", {}).items()},
        review_meetings=int(data.get("review_meetings", 0)),
        review_points=tuple(str(point) for point in data.get("review_points", ())),
        review_employer_expected=bool(data.get("review_employer_expected", False)),
        recommended_by=tuple(data.get("recommended_by", ())),
        recommendation_copied_to={
            str(k): str(v) for k, v in data.get("recommendation_copied_to", {}).items()
        },
    )


def _move(data: dict) -> Move:
    return Move(
        key=data["key"],
        kind=data["kind"],
        label=data["label"],
        from_stages=tuple(data.get("from_stages", ())),
        to_stage=data.get("to_stage") or None,
        by_roles=tuple(data.get("by_roles", ())),
        requires=MoveRequirements(**data.get("requires", {})),
        extend_days=data.get("extend_days"),
        source=data.get("source", ""),
    )


def _trigger(data: dict, version_id: int | None) -> TriggerRule:
    data = dict(data)
    kind_key = data.pop("kind")
    if kind_key not in TRIGGER_KINDS:
        raise DocumentError(f"triggers: there is no trigger kind {kind_key!r}")
    for scope in ("programme_types", "nations", "factors"):
        if data.get(scope) is not None:
            data[scope] = frozenset(data[scope])
    return TRIGGER_KINDS[kind_key].rule(version_id=version_id, **data)


def spec_from_document(
    document: dict,
    *,
    key: str,
    short_name: str,
    name: str,
    version_id: int | None = None,
    version_label: str = "",
) -> PolicySpec:
    try:
        drivers = document.get("drivers", {})
        return PolicySpec(
            key=key,
            short_name=short_name,
            name=name,
            version_id=version_id,
            version_label=version_label,
            source=document.get("source", ""),
            rating_labels=dict(document["rating_labels"]),
            rating_meanings=dict(document.get("rating_meanings", {})),
            stages=tuple(_stage(s) for s in document.get("stages", ())),
            moves=tuple(_move(m) for m in document.get("moves", ())),
            drivers=Drivers(
                rating_levels=_set(drivers.get("rating_levels")),
                triggers=bool(drivers.get("triggers", True)),
                inactivity_days=drivers.get("inactivity_days"),
            ),
            programme_types=tuple(document.get("programme_types", ())),
            triggers=tuple(_trigger(t, version_id) for t in document.get("triggers", ())),
            periods=Periods(**document.get("periods", {})),
            notes=tuple(document.get("notes", ())),
            additions={str(k): str(v) for k, v in document.get("additions", {}).items()},
            rating_actions={
                str(level): tuple(_rating_action(a) for a in actions)
                for level, actions in document.get("rating_actions", {}).items()
            },
            rating_step_up=bool(document.get("rating_step_up", True)),
            withdrawal=_withdrawal(document.get("withdrawal", {})),
        )
    except DocumentError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise DocumentError(f"The policy document is not well formed: {exc!r}") from exc


def _clean(value: Any) -> Any:
    """JSON-ready: sets as sorted lists, tuples as lists, empty optional values dropped."""
    if isinstance(value, frozenset | set):
        return sorted(value)
    if isinstance(value, tuple | list):
        return [_clean(v) for v in value]
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    return value


def _fields(obj, *, skip: tuple[str, ...] = ()) -> dict:
    """The dataclass's fields that say something (empty and false values left out)."""
    out = {}
    for name in obj.__dataclass_fields__:
        value = getattr(obj, name)
        if name in skip or (value in (None, "", (), {}, frozenset(), False, 0) and name != "count"):
            continue
        out[name] = _clean(value)
    return out


def document_from_spec(spec: PolicySpec) -> dict:
    """The document a spec reads from (the inverse of spec_from_document)."""
    triggers = []
    for rule in spec.triggers:
        data = {"kind": rule.key}
        for name in TriggerRule.__dataclass_fields__:
            if name in ("kind", "version_id"):
                continue
            value = getattr(rule, name)
            if value is None or value == {}:
                continue
            data[name] = _clean(value)
        triggers.append(data)
    return {
        "source": spec.source,
        "rating_labels": dict(spec.rating_labels),
        "rating_meanings": dict(spec.rating_meanings),
        "programme_types": list(spec.programme_types),
        "drivers": {
            "rating_levels": sorted(spec.drivers.rating_levels),
            "triggers": spec.drivers.triggers,
            "inactivity_days": spec.drivers.inactivity_days,
        },
        "periods": _clean(spec.periods.__dict__),
        "stages": [
            {
                **_fields(stage, skip=("contacts", "dated_tasks")),
                **(
                    {"dated_tasks": [_fields(t) for t in stage.dated_tasks]}
                    if stage.dated_tasks
                    else {}
                ),
                **({"contacts": [_fields(c) for c in stage.contacts]} if stage.contacts else {}),
            }
            for stage in spec.stages
        ],
        "moves": [
            {**_fields(move, skip=("requires",)), "requires": _fields(move.requires)}
            for move in spec.moves
        ],
        "triggers": triggers,
        "notes": list(spec.notes),
        **({"additions": dict(spec.additions)} if spec.additions else {}),
        **(
            {
                "rating_actions": {
                    level: [_fields(action) for action in actions]
                    for level, actions in spec.rating_actions.items()
                }
            }
            if spec.rating_actions
            else {}
        ),
        **({} if spec.rating_step_up else {"rating_step_up": False}),
        **({"withdrawal": _fields(spec.withdrawal)} if _fields(spec.withdrawal) else {}),
    }
